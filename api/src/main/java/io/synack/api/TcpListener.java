package io.synack.api;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * A listening endpoint (RFC 9293 LISTEN). Incoming connections complete the handshake in the
 * stack's SYN queue and wait in an accept queue, both bounded by the backlog; when full, new SYNs
 * are dropped silently and counted ({@code backlog-full}), as Linux does.
 */
public interface TcpListener extends AutoCloseable {

    /** The local address and port listened on. */
    InetSocketAddress localAddress();

    /** The backlog this listener was opened with. */
    int backlog();

    /**
     * Waits for the next established connection.
     *
     * @return the connection
     * @throws ConnectionClosedException if the listener or its stack was closed
     */
    TcpConnection accept() throws SynackException;

    /**
     * Waits at most {@code timeout} for the next established connection.
     *
     * @param timeout how long to wait
     * @return the connection, or {@code null} if none arrived in time
     * @throws ConnectionClosedException if the listener or its stack was closed
     */
    TcpConnection accept(Duration timeout) throws SynackException;

    /** The next established connection, without blocking. */
    CompletionStage<TcpConnection> acceptAsync();

    /**
     * Stops listening: connections still in the SYN or accept queue are reset; accepted
     * connections are unaffected. Idempotent.
     */
    @Override
    void close();
}
