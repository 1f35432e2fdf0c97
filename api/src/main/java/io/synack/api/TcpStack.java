package io.synack.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * A TCP endpoint: one engine on one transport, bound to one local IP address. It opens
 * connections ({@link #connect}), accepts them ({@link #listen}), and is closed as a whole.
 *
 * <p>All methods are thread-safe: user calls are handed to the stack's own thread (the
 * event loop in real time), where the engine runs.
 */
public interface TcpStack extends AutoCloseable {

    /** The local IP address every connection of this stack uses. */
    InetAddress localAddress();

    /** The name of the transport this stack runs on, e.g. {@code loopback}. */
    String transportName();

    /**
     * Passive open (RFC 9293 §3.10.1, OPEN with passive flag): listens on {@code port}.
     *
     * @param port the local port, 1..65535
     * @param backlog the bound of the SYN queue and of the accept queue, at least 1
     * @return the listener
     * @throws AddressInUseException if another listener holds the port
     */
    TcpListener listen(int port, int backlog) throws SynackException;

    /**
     * Active open (RFC 9293 §3.10.1): sends SYN and waits until the connection is ESTABLISHED.
     *
     * @param remote the peer's address and port
     * @return the established connection
     * @throws ConnectionRefusedException if the peer answered with RST
     * @throws ConnectionTimedOutException if the SYN retransmissions gave up (R2 for SYN)
     */
    TcpConnection connect(InetSocketAddress remote) throws SynackException;

    /**
     * Active open from a chosen local port.
     *
     * @param remote the peer's address and port
     * @param localPort 1..65535, or 0 for an ephemeral port chosen per RFC 6056
     * @param timeout how long the handshake may take before the connection is aborted (the
     *     application's R2 for SYN, MUST-21/23)
     * @return the established connection
     * @throws SynackException refused, timed out or address in use
     */
    TcpConnection connect(InetSocketAddress remote, int localPort, Duration timeout) throws SynackException;

    /**
     * Active open without blocking: the stage completes with the connection once ESTABLISHED, or
     * exceptionally with a {@link SynackException}.
     *
     * @param remote the peer's address and port
     * @return the connection, when established
     */
    CompletionStage<TcpConnection> connectAsync(InetSocketAddress remote);

    /** Adds a listener for every connection's events on this stack. */
    void addEventListener(ConnectionEventListener listener);

    /** A snapshot of the stack's counters. */
    StackStatistics statistics();

    /**
     * Closes the stack: aborts every connection (RST), closes listeners, and releases the
     * transport. Idempotent.
     */
    @Override
    void close();
}
