package io.synack.api;

/**
 * What happened to a connection, told to the application through {@link ConnectionEventListener}.
 * Events are delivered in the order the engine produced them, on the stack's own thread: a
 * listener must not block.
 */
public sealed interface ConnectionEvent {

    /** The connection the event concerns. */
    ConnectionId connection();

    /** The stack's clock when the event happened, in nanoseconds (virtual time in simulation). */
    long timeNanos();

    /**
     * The connection moved from one RFC 9293 state to another.
     *
     * @param connection the connection
     * @param timeNanos when
     * @param from the state left
     * @param to the state entered
     * @param cause why, in the RFC's words, e.g. {@code "rcv SYN,ACK; snd ACK"} or {@code "2MSL timeout"}
     */
    record StateChanged(ConnectionId connection, long timeNanos, TcpState from, TcpState to, String cause)
            implements ConnectionEvent {}

    /**
     * The three-way handshake completed: the connection is ESTABLISHED.
     *
     * @param connection the connection
     * @param timeNanos when
     */
    record Connected(ConnectionId connection, long timeNanos) implements ConnectionEvent {}

    /**
     * Received data (or end of stream) can be read.
     *
     * @param connection the connection
     * @param timeNanos when
     * @param available bytes that can be read now without blocking
     */
    record Readable(ConnectionId connection, long timeNanos, int available) implements ConnectionEvent {}

    /**
     * The send buffer has room again after a write reported would-block.
     *
     * @param connection the connection
     * @param timeNanos when
     */
    record Writable(ConnectionId connection, long timeNanos) implements ConnectionEvent {}

    /**
     * The peer closed its sending direction (its FIN arrived in order): after the data already
     * received, reading returns end of stream. The connection can still send (half-close).
     *
     * @param connection the connection
     * @param timeNanos when
     */
    record PeerClosed(ConnectionId connection, long timeNanos) implements ConnectionEvent {}

    /**
     * The connection was reset, by the peer ({@code byPeer}) or by a local abort.
     *
     * @param connection the connection
     * @param timeNanos when
     * @param byPeer true if an acceptable RST arrived from the peer
     * @param refused true if the reset answered our SYN (connection refused)
     */
    record Reset(ConnectionId connection, long timeNanos, boolean byPeer, boolean refused) implements ConnectionEvent {}

    /**
     * Retransmission or the user timeout gave up on the connection.
     *
     * @param connection the connection
     * @param timeNanos when
     * @param state the state in which it timed out
     */
    record TimedOut(ConnectionId connection, long timeNanos, TcpState state) implements ConnectionEvent {}

    /**
     * The connection is gone (CLOSED, its TCB deleted); {@code reason} says how it ended (MUST-12).
     *
     * @param connection the connection
     * @param timeNanos when
     * @param reason graceful close, abort, reset, refusal or timeout
     */
    record Closed(ConnectionId connection, long timeNanos, CloseReason reason) implements ConnectionEvent {}
}
