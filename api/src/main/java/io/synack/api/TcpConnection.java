package io.synack.api;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * One TCP connection: a reliable, ordered, full-duplex byte stream.
 *
 * <p>Two forms of I/O: blocking streams ({@link #inputStream()}, {@link #outputStream()}) and a
 * non-blocking form ({@link #read(ByteBuffer)}, {@link #write(ByteBuffer)} with
 * {@link #whenReadable()} and {@link #whenWritable()}). Closing follows RFC 9293 §3.6:
 * {@link #shutdownOutput()} sends FIN and keeps receiving (half-close); {@link #close()} closes
 * both directions gracefully; {@link #abort()} sends RST.
 */
public interface TcpConnection extends AutoCloseable {

    /** The 4-tuple. */
    ConnectionId id();

    /** The current RFC 9293 state. */
    TcpState state();

    /**
     * A blocking stream of received bytes: {@code read} waits for data, returns -1 after the peer's
     * FIN once all data before it was read, and throws {@link ConnectionResetException} or
     * {@link ConnectionTimedOutException} when the connection failed.
     */
    InputStream inputStream();

    /**
     * A blocking stream to send bytes: {@code write} waits while the send buffer is full;
     * {@code close()} on it is {@link #shutdownOutput()}.
     */
    OutputStream outputStream();

    /**
     * Reads without blocking.
     *
     * @param destination where to put received bytes
     * @return bytes read; 0 if none are available now; -1 at end of stream (peer's FIN)
     * @throws SynackException if the connection was reset or timed out
     */
    int read(ByteBuffer destination) throws SynackException;

    /**
     * Writes without blocking: queues as many bytes as the send buffer has room for.
     *
     * @param source bytes to send
     * @return bytes queued; 0 if the send buffer is full (would block)
     * @throws SynackException if output was shut down, or the connection failed
     */
    int write(ByteBuffer source) throws SynackException;

    /** Completes when data or end of stream can be read (immediately if it can now). */
    CompletionStage<Void> whenReadable();

    /** Completes when the send buffer has room (immediately if it has now). */
    CompletionStage<Void> whenWritable();

    /**
     * Half-close (RFC 9293 §3.6, CLOSE on one direction): sends FIN after the queued data; the
     * connection keeps receiving until the peer's FIN. Idempotent.
     */
    void shutdownOutput();

    /**
     * Graceful close of both directions. If received data is still unread, the connection is
     * reset instead, as Linux does (RFC 2525 §2.17). Idempotent.
     */
    @Override
    void close();

    /** ABORT (RFC 9293 §3.10.5): sends RST, discards both buffers, and deletes the TCB. */
    void abort();

    /** Completes, with how the connection ended, when the connection is CLOSED (MUST-12). */
    CompletionStage<CloseReason> closeFuture();

    /**
     * Disables (true) or enables (false) Nagle's algorithm (RFC 9293 §3.7.4, MUST-17).
     *
     * @param noDelay true to send small segments at once
     */
    void setNoDelay(boolean noDelay);

    /**
     * Sets R2 for this connection (RFC 9293 §3.8.3, MUST-21): how long the retransmission of data
     * or a FIN goes on before the connection is given up and {@link CloseReason#TIMED_OUT} is
     * reported. An interactive application may pass a very long duration (up to
     * {@code ChronoUnit.FOREVER}) and leave the decision to its user. The default comes from
     * {@code synack.tcp.user-timeout}, else {@code synack.tcp.r2}.
     *
     * @param r2 the limit, positive
     * @throws IllegalArgumentException if {@code r2} is zero or negative
     */
    void setR2(java.time.Duration r2);

    /**
     * Switches keepalive (RFC 9293 §3.8.4) for this connection: after {@code synack.tcp.keepalive.idle}
     * without hearing from the peer, probes are sent every {@code synack.tcp.keepalive.interval}, and
     * after {@code synack.tcp.keepalive.count} unanswered ones the connection ends
     * {@link CloseReason#TIMED_OUT}. Off unless {@code synack.tcp.keepalive} is set (MUST-24).
     *
     * @param on whether to probe an idle peer
     */
    void setKeepAlive(boolean on);

    /** A snapshot of this connection's counters. */
    ConnectionStatistics statistics();
}
