package io.synack.core.driver;

import io.synack.api.CloseReason;
import io.synack.api.ConnectionClosedException;
import io.synack.api.ConnectionEvent;
import io.synack.api.ConnectionId;
import io.synack.api.ConnectionRefusedException;
import io.synack.api.ConnectionResetException;
import io.synack.api.ConnectionStatistics;
import io.synack.api.ConnectionTimedOutException;
import io.synack.api.SynackException;
import io.synack.api.TcpConnection;
import io.synack.api.TcpState;
import io.synack.core.engine.Engine;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link TcpConnection} over a {@link StackDriver}: a handle into the engine plus what the
 * application is waiting for. Every engine access happens on the stack's thread; the futures it
 * hands out are completed there too.
 *
 * <p>Readiness is decided from the engine's state, not remembered from events, so that a passive
 * connection that received data or a FIN before it was accepted is readable at once: readable
 * means bytes to read, or the peer's FIN received (CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT), or
 * failure; writable means room in the send buffer, or failure. Waiters are re-checked after every
 * engine input ({@link StackDriver} keeps the set of connections with waiters).
 */
final class DrivenConnection implements TcpConnection, StackDriver.Waiter {

    private final StackDriver driver;
    private final ConnectionId id;
    /** The engine handle; -1 once the engine reported the connection Closed. Scheduler thread only. */
    private int handle;
    /** Why the connection failed (never GRACEFUL), or null. */
    private volatile CloseReason failure;
    private volatile CloseReason closedReason;
    private volatile ConnectionStatistics lastStatistics;
    private boolean outputShut;
    private final List<CompletableFuture<Void>> readableWaiters = new ArrayList<>(1);
    private final List<CompletableFuture<Void>> writableWaiters = new ArrayList<>(1);
    private final CompletableFuture<TcpConnection> connectFuture;
    private final CompletableFuture<CloseReason> closeFuture = new CompletableFuture<>();
    private final InputStream inputStream;
    private final OutputStream outputStream;

    /**
     * @param driver the stack
     * @param handle the engine's connection handle
     * @param id the 4-tuple
     * @param connectFuture for an active open, completed once ESTABLISHED; null for an accepted one
     */
    DrivenConnection(StackDriver driver, int handle, ConnectionId id, CompletableFuture<TcpConnection> connectFuture) {
        this.driver = driver;
        this.handle = handle;
        this.id = id;
        this.connectFuture = connectFuture;
        this.inputStream = new ConnectionInputStream(this, driver);
        this.outputStream = new ConnectionOutputStream(this, driver);
        this.lastStatistics = new ConnectionStatistics(0, 0, 0, 0, 0, -1, 0, 0, 0, 0);
    }

    @Override
    public ConnectionId id() {
        return id;
    }

    @Override
    public TcpState state() {
        if (closedReason != null) {
            return TcpState.CLOSED;
        }
        try {
            return driver.call((engine, now) -> handle < 0 ? TcpState.CLOSED : engine.state(handle));
        } catch (SynackException e) {
            return TcpState.CLOSED;
        }
    }

    @Override
    public InputStream inputStream() {
        return inputStream;
    }

    @Override
    public OutputStream outputStream() {
        return outputStream;
    }

    @Override
    public int read(ByteBuffer destination) throws SynackException {
        return driver.call((engine, now) -> {
            if (handle < 0) {
                if (failure != null) {
                    throw exceptionFor(failure);
                }
                return -1; // closed gracefully: the peer's FIN was received
            }
            return engine.receive(handle, destination, now);
        });
    }

    @Override
    public int write(ByteBuffer source) throws SynackException {
        return driver.call((engine, now) -> {
            if (outputShut) {
                throw new ConnectionClosedException(id + ": output was shut down (FIN queued), no more data can be sent");
            }
            if (handle < 0) {
                throw exceptionFor(failure != null ? failure : CloseReason.GRACEFUL);
            }
            return engine.send(handle, source, now);
        });
    }

    @Override
    public CompletionStage<Void> whenReadable() {
        return await(readableWaiters);
    }

    @Override
    public CompletionStage<Void> whenWritable() {
        return await(writableWaiters);
    }

    private CompletableFuture<Void> await(List<CompletableFuture<Void>> waiters) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        boolean accepted = driver.run(() -> {
            waiters.add(result);
            driver.watch(this);
        });
        if (!accepted) {
            result.complete(null); // the stack is gone: the next read/write reports it
        }
        return result;
    }

    @Override
    public void shutdownOutput() {
        perform((engine, now) -> {
            if (!outputShut && handle >= 0) {
                outputShut = true;
                engine.shutdownOutput(handle, now);
            }
            outputShut = true;
            return null;
        });
    }

    @Override
    public void close() {
        perform((engine, now) -> {
            outputShut = true;
            if (handle >= 0) {
                engine.close(handle, now);
            }
            return null;
        });
    }

    @Override
    public void abort() {
        perform((engine, now) -> {
            abortOnSchedulerThread();
            return null;
        });
    }

    private void perform(StackDriver.EngineCall<Void> call) {
        try {
            driver.call(call);
        } catch (SynackException e) {
            // Closing a connection of a closed stack: there is nothing left to close.
        }
    }

    @Override
    public CompletionStage<CloseReason> closeFuture() {
        return closeFuture;
    }

    @Override
    public void setNoDelay(boolean noDelay) {
        perform((engine, now) -> {
            if (handle >= 0) {
                engine.setNoDelay(handle, noDelay);
            }
            return null;
        });
    }

    @Override
    public void setKeepAlive(boolean on) {
        perform((engine, now) -> {
            if (handle >= 0) {
                engine.setKeepAlive(handle, on, now);
            }
            return null;
        });
    }

    @Override
    public void setR2(java.time.Duration r2) {
        long nanos = r2.isNegative() || r2.isZero() ? -1 : saturatedNanos(r2);
        if (nanos <= 0) {
            throw new IllegalArgumentException("R2 must be positive: " + r2);
        }
        perform((engine, now) -> {
            if (handle >= 0) {
                engine.setR2(handle, nanos);
            }
            return null;
        });
    }

    private static long saturatedNanos(java.time.Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * {@inheritDoc} Once the connection is CLOSED the engine has forgotten it: the last snapshot
     * taken before that is returned.
     */
    @Override
    public ConnectionStatistics statistics() {
        try {
            return driver.call((engine, now) -> {
                if (handle >= 0) {
                    lastStatistics = engine.statistics(handle);
                }
                return lastStatistics;
            });
        } catch (SynackException e) {
            return lastStatistics;
        }
    }

    @Override
    public String toString() {
        return "TcpConnection[" + id + (closedReason != null ? ", CLOSED " + closedReason : "") + "]";
    }

    // ---- scheduler thread ---------------------------------------------------------------------

    /** Bytes readable now (0 once closed). */
    int readableBytesOnSchedulerThread() {
        return handle < 0 ? 0 : driver.engine().readableBytes(handle);
    }

    /** ABORT from the stack (its close) or the user. */
    void abortOnSchedulerThread() {
        if (handle >= 0) {
            outputShut = true;
            driver.engine().abort(handle, driver.scheduler().nanoTime());
        }
    }

    /** The application's handshake deadline passed (MUST-21/23: R2 for SYN set by the application). */
    void connectDeadlinePassed() {
        if (connectFuture != null && !connectFuture.isDone() && handle >= 0) {
            failure = CloseReason.TIMED_OUT;
            driver.engine().abort(handle, driver.scheduler().nanoTime());
            connectFuture.completeExceptionally(exceptionFor(CloseReason.TIMED_OUT));
        }
    }

    /** Dispatches one engine event for this connection. */
    void onEvent(ConnectionEvent event) {
        if (event instanceof ConnectionEvent.Connected) {
            if (connectFuture != null) {
                connectFuture.complete(this);
            }
        } else if (event instanceof ConnectionEvent.Reset r) {
            fail(r.refused() ? CloseReason.REFUSED : r.byPeer() ? CloseReason.RESET : CloseReason.ABORTED);
        } else if (event instanceof ConnectionEvent.TimedOut) {
            fail(CloseReason.TIMED_OUT);
        } else if (event instanceof ConnectionEvent.Closed c) {
            closed(driver.isClosing() ? CloseReason.STACK_CLOSED : c.reason());
        }
        // StateChanged, Readable, Writable, PeerClosed: the waiters are re-checked after the drain.
    }

    private void fail(CloseReason reason) {
        if (failure == null) {
            failure = reason;
        }
        if (connectFuture != null && !connectFuture.isDone()) {
            connectFuture.completeExceptionally(exceptionFor(failure));
        }
        recheck();
    }

    private void closed(CloseReason reason) {
        if (closedReason != null) {
            return;
        }
        handle = -1;
        if (reason != CloseReason.GRACEFUL && failure == null) {
            failure = reason;
        }
        closedReason = reason;
        if (connectFuture != null && !connectFuture.isDone()) {
            connectFuture.completeExceptionally(exceptionFor(failure != null ? failure : CloseReason.GRACEFUL));
        }
        recheck();
        closeFuture.complete(reason);
    }

    /** The stack closed while this connection still existed. */
    void stackClosed() {
        closed(CloseReason.STACK_CLOSED);
    }

    @Override
    public boolean recheck() {
        boolean completed = false;
        if (!readableWaiters.isEmpty() && readableNow()) {
            completeAll(readableWaiters);
            completed = true;
        }
        if (!writableWaiters.isEmpty() && writableNow()) {
            completeAll(writableWaiters);
            completed = true;
        }
        return completed;
    }

    @Override
    public boolean idle() {
        return readableWaiters.isEmpty() && writableWaiters.isEmpty();
    }

    private static void completeAll(List<CompletableFuture<Void>> waiters) {
        List<CompletableFuture<Void>> ready = new ArrayList<>(waiters);
        waiters.clear();
        for (CompletableFuture<Void> f : ready) {
            f.complete(null);
        }
    }

    private boolean readableNow() {
        if (handle < 0 || failure != null) {
            return true;
        }
        Engine engine = driver.engine();
        if (engine.readableBytes(handle) > 0) {
            return true;
        }
        // RFC 9293 §3.10.7.4 eighth step: in these states the peer's FIN has been received, so a
        // read returns end of stream.
        return switch (engine.state(handle)) {
            case CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSED -> true;
            default -> false;
        };
    }

    private boolean writableNow() {
        if (handle < 0 || failure != null || outputShut) {
            return true;
        }
        // Room is re-checked after every engine input (an ACK that frees the buffer is one), so no
        // Writable event is needed to wake the waiter.
        return driver.engine().writableBytes(handle) > 0;
    }

    /** A fresh, typed exception for how the connection ended (MUST-12: the application is told). */
    SynackException exceptionFor(CloseReason reason) {
        return switch (reason) {
            case RESET -> new ConnectionResetException(id + ": connection reset by peer");
            case REFUSED -> new ConnectionRefusedException(id + ": connection refused (the peer answered SYN with RST)");
            case TIMED_OUT -> new ConnectionTimedOutException(id + ": connection timed out");
            case ABORTED -> new ConnectionClosedException(id + ": connection aborted locally");
            case STACK_CLOSED -> new ConnectionClosedException(id + ": the stack was closed");
            case GRACEFUL -> new ConnectionClosedException(id + ": connection closed");
        };
    }
}
