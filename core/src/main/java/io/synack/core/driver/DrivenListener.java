package io.synack.core.driver;

import io.synack.api.ConnectionClosedException;
import io.synack.api.SynackException;
import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import io.synack.core.engine.Engine;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link TcpListener} over a {@link StackDriver}. The accept queue itself stays in the engine,
 * bounded by the backlog as RFC 9293 and Linux have it; this object only holds the applications
 * waiting to accept, and takes a connection from the engine when one of them is waiting.
 */
final class DrivenListener implements TcpListener, StackDriver.Waiter {

    private final StackDriver driver;
    private final int handle;
    private final InetSocketAddress localAddress;
    private final int backlog;
    /** Scheduler thread only. */
    private final ArrayDeque<CompletableFuture<TcpConnection>> acceptors = new ArrayDeque<>();
    private volatile boolean closed;

    DrivenListener(StackDriver driver, int handle, InetSocketAddress localAddress, int backlog) {
        this.driver = driver;
        this.handle = handle;
        this.localAddress = localAddress;
        this.backlog = backlog;
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public int backlog() {
        return backlog;
    }

    @Override
    public TcpConnection accept() throws SynackException {
        driver.checkMayBlock("accept");
        return Blocking.await(acceptAsync(), "a connection on " + localAddress);
    }

    @Override
    public TcpConnection accept(Duration timeout) throws SynackException {
        driver.checkMayBlock("accept");
        CompletableFuture<TcpConnection> next = acceptAsync().toCompletableFuture();
        TcpConnection connection = Blocking.await(next, timeout, "a connection on " + localAddress);
        if (connection != null) {
            return connection;
        }
        // Withdraw the acceptor on the stack's thread; if it was completed meanwhile, the
        // connection is already ours and must not be lost.
        boolean withdrawn = driver.call((engine, now) -> acceptors.remove(next));
        return withdrawn ? null : Blocking.await(next, "a connection on " + localAddress);
    }

    @Override
    public CompletionStage<TcpConnection> acceptAsync() {
        CompletableFuture<TcpConnection> next = new CompletableFuture<>();
        boolean accepted = driver.run(() -> {
            if (closed) {
                next.completeExceptionally(closedException());
                return;
            }
            acceptors.add(next);
            driver.watch(this); // the drain that follows this task takes a queued child, if any
        });
        if (!accepted) {
            next.completeExceptionally(closedException());
        }
        return next;
    }

    @Override
    public void close() {
        try {
            driver.call((engine, now) -> {
                closeOnSchedulerThread();
                return null;
            });
        } catch (SynackException e) {
            closed = true; // the stack is closed, and the listener with it
        }
    }

    @Override
    public String toString() {
        return "TcpListener[" + localAddress + (closed ? ", closed" : "") + "]";
    }

    // ---- scheduler thread ---------------------------------------------------------------------

    /** Hands connections from the engine's accept queue to waiting acceptors, oldest first. */
    void pump() {
        Engine engine = driver.engine();
        while (!acceptors.isEmpty() && !closed) {
            int child = engine.accept(handle);
            if (child < 0) {
                return;
            }
            DrivenConnection connection = new DrivenConnection(driver, child, engine.id(child), null);
            driver.register(connection);
            acceptors.poll().complete(connection);
        }
    }

    @Override
    public boolean recheck() {
        int before = acceptors.size();
        pump();
        return acceptors.size() != before;
    }

    @Override
    public boolean idle() {
        return acceptors.isEmpty();
    }

    /** Closes the listener in the engine (its queued children are reset) and fails the acceptors. */
    void closeOnSchedulerThread() {
        if (closed) {
            return;
        }
        closed = true;
        driver.engine().closeListener(handle, driver.scheduler().nanoTime());
        driver.unregister(localAddress.getPort(), this);
        while (!acceptors.isEmpty()) {
            acceptors.poll().completeExceptionally(closedException());
        }
    }

    private ConnectionClosedException closedException() {
        return new ConnectionClosedException("the listener on " + localAddress.getAddress().getHostAddress() + ":"
                + localAddress.getPort() + " is closed");
    }
}
