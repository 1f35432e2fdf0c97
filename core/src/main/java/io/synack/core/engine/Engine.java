package io.synack.core.engine;

import io.synack.api.ConnectionEvent;
import io.synack.api.ConnectionId;
import io.synack.api.ConnectionStatistics;
import io.synack.api.StackStatistics;
import io.synack.api.SynackException;
import io.synack.api.TcpState;
import io.synack.core.wire.Segment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The sans-IO TCP engine of one stack (one local IP address): every connection, listener and
 * TIME-WAIT entry of that address. It does no I/O, starts no thread and reads no clock: inputs are
 * segments, timeouts and user calls, each with the current time {@code now} (nanoseconds on the
 * driver's clock); outputs are polled after each input, in this order: {@link #pollTransmit},
 * {@link #pollEvent}, then {@link #nextDeadline()} (the model is quinn-proto's
 * {@code Connection}: handle / poll).
 *
 * <p>Connections and listeners are named by {@code int} handles, valid until the engine reports
 * the connection {@link ConnectionEvent.Closed} (or the listener is closed). Not thread-safe: a
 * driver calls it from one thread.
 */
public interface Engine {

    /** The local IP address of this engine. */
    InetAddress localAddress();

    // ---- inputs -------------------------------------------------------------------------------

    /**
     * SEGMENT ARRIVES (RFC 9293 §3.10.7): a decoded segment from {@code remote}.
     *
     * @param remote the IP source address
     * @param segment the decoded segment (its payload valid only during this call)
     * @param now current time
     */
    void handleSegment(InetAddress remote, Segment segment, long now);

    /**
     * SEGMENT ARRIVES with the datagram's IP destination, as a transport delivers it: a segment
     * addressed to a broadcast or multicast address is discarded (MUST-57), anything else goes on
     * to {@link #handleSegment(InetAddress, Segment, long)}.
     *
     * @param remote the IP source address
     * @param destination the IP destination address
     * @param segment the decoded segment (its payload valid only during this call)
     * @param now current time
     */
    void handleSegment(InetAddress remote, InetAddress destination, Segment segment, long now);

    /**
     * A datagram that could not be decoded: counted under {@code reason} and otherwise ignored.
     *
     * @param reason the drop reason key, e.g. {@code bad-checksum}
     */
    void handleMalformed(String reason);

    /**
     * Runs every timer whose deadline is at or before {@code now} (retransmission, TIME-WAIT,
     * delayed ACK, keepalive, FIN-WAIT-2, user timeout).
     *
     * @param now current time
     */
    void handleTimeout(long now);

    // ---- user calls (RFC 9293 §3.10.1-§3.10.6) --------------------------------------------------

    /**
     * Passive OPEN.
     *
     * @param port local port
     * @param backlog bound of the SYN queue and of the accept queue
     * @return the listener handle
     * @throws io.synack.api.AddressInUseException if the port already has a listener
     */
    int listen(int port, int backlog) throws SynackException;

    /**
     * Active OPEN: creates a TCB in SYN-SENT and queues the SYN.
     *
     * @param remote peer address and port
     * @param localPort a port, or 0 for an ephemeral one (RFC 6056)
     * @param now current time
     * @return the connection handle
     * @throws io.synack.api.AddressInUseException if the 4-tuple is in use
     */
    int connect(InetSocketAddress remote, int localPort, long now) throws SynackException;

    /**
     * Takes the next established connection from a listener's accept queue.
     *
     * @param listener listener handle
     * @return a connection handle, or -1 if the queue is empty
     */
    int accept(int listener);

    /**
     * Closes a listener: children still in its queues are reset.
     *
     * @param listener listener handle
     * @param now current time
     */
    void closeListener(int listener, long now);

    /**
     * SEND: copies as much of {@code source} into the send buffer as fits.
     *
     * @param connection handle
     * @param source bytes to send (position advanced)
     * @param now current time
     * @return bytes taken, 0 if the buffer is full
     * @throws SynackException if the connection is closing in that direction, reset or timed out
     */
    int send(int connection, ByteBuffer source, long now) throws SynackException;

    /**
     * RECEIVE: copies in-order received bytes into {@code destination}; may open the window.
     *
     * @param connection handle
     * @param destination where to copy
     * @param now current time
     * @return bytes copied; 0 if none now; -1 at end of stream (peer's FIN, all data read)
     * @throws SynackException if the connection was reset or timed out
     */
    int receive(int connection, ByteBuffer destination, long now) throws SynackException;

    /**
     * CLOSE of the sending direction (half-close): FIN after queued data.
     *
     * @param connection handle
     * @param now current time
     */
    void shutdownOutput(int connection, long now);

    /**
     * CLOSE (RFC 9293 §3.10.4): both directions; RST instead if unread data remains (as Linux).
     *
     * @param connection handle
     * @param now current time
     */
    void close(int connection, long now);

    /**
     * ABORT (RFC 9293 §3.10.5): RST, TCB deleted.
     *
     * @param connection handle
     * @param now current time
     */
    void abort(int connection, long now);

    /**
     * Sets Nagle off (true) or on (false) for one connection.
     *
     * @param connection handle
     * @param noDelay true disables Nagle
     */
    void setNoDelay(int connection, boolean noDelay);

    /**
     * Sets R2 for one connection (RFC 9293 §3.8.3, MUST-21): how long retransmissions of data or
     * a FIN go on before the connection is given up. Overrides {@code synack.tcp.r2} and
     * {@code synack.tcp.user-timeout} for this connection; {@link Long#MAX_VALUE} means "never"
     * (the interactive application of MUST-21 that leaves the decision to its user).
     *
     * @param connection the handle
     * @param r2Nanos the limit in nanoseconds, positive
     */
    void setR2(int connection, long r2Nanos);

    /**
     * The largest TCP segment, header included, that one datagram of the transport carries: MMS_S
     * and MMS_R of RFC 9293 §3.7.1 (the interface MTU less the IP header for raw sockets). The MSS
     * we announce and the effective send MSS never exceed it less the 20-byte TCP header (MUST-16),
     * so that no full-sized segment is refused by the link. The driver calls this once, when its
     * transport opens; without it only {@code synack.tcp.mss} and the peer's MSS limit segments.
     *
     * @param maxSegmentSize bytes, at least 21
     */
    void limitSegmentSize(int maxSegmentSize);

    /**
     * Switches keepalive for one connection (RFC 9293 §3.8.4, MUST-24: off unless the application
     * asks; the default comes from {@code synack.tcp.keepalive}), as Linux's {@code SO_KEEPALIVE}.
     *
     * @param connection the handle
     * @param on whether to probe the peer after {@code synack.tcp.keepalive.idle} of silence
     * @param now the time
     */
    void setKeepAlive(int connection, boolean on, long now);

    // ---- queries --------------------------------------------------------------------------------

    /** The state of a connection (CLOSED once its handle is gone). */
    TcpState state(int connection);

    /** The 4-tuple of a connection. */
    ConnectionId id(int connection);

    /** Bytes that {@link #receive} can return now without blocking. */
    int readableBytes(int connection);

    /** Room in the send buffer now. */
    int writableBytes(int connection);

    /** A connection's counters. */
    ConnectionStatistics statistics(int connection);

    /** The stack's counters. */
    StackStatistics statistics();

    // ---- outputs --------------------------------------------------------------------------------

    /**
     * The next segment to transmit, written into {@code out} (its payload is a view valid until the
     * next call into the engine).
     *
     * @param out reused segment to fill
     * @return the IP destination of the segment, or null if nothing is to be sent
     */
    InetAddress pollTransmit(Segment out);

    /** The next event for the application, or null. */
    ConnectionEvent pollEvent();

    /** The earliest timer deadline, or {@link Long#MAX_VALUE} if no timer is armed. */
    long nextDeadline();
}
