package io.synack.core.driver;

import io.synack.api.ConnectionClosedException;
import io.synack.api.ConnectionEventListener;
import io.synack.api.StackStatistics;
import io.synack.api.SynackException;
import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import io.synack.api.TcpStack;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link TcpStack} of a {@link StackDriver}. Blocking methods must not be called on the
 * stack's own thread (they would wait for work only that thread can do) and say so with an
 * {@link IllegalStateException}; in simulation, use {@link #connectAsync} and
 * {@link TcpListener#acceptAsync()} and run the {@link VirtualScheduler}.
 *
 * <p>Beyond {@link TcpStack} it offers an asynchronous active open from a chosen port with the
 * application's handshake deadline, {@link #connectAsync(InetSocketAddress, int, Duration)}.
 */
public final class DrivenStack implements TcpStack {

    private final StackDriver driver;
    private volatile StackStatistics finalStatistics;

    DrivenStack(StackDriver driver) {
        this.driver = driver;
    }

    @Override
    public InetAddress localAddress() {
        return driver.localAddress();
    }

    @Override
    public String transportName() {
        return driver.transportName();
    }

    @Override
    public TcpListener listen(int port, int backlog) throws SynackException {
        checkPort(port, false);
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be at least 1, was " + backlog);
        }
        checkOpen();
        return driver.call((engine, now) -> {
            int handle = engine.listen(port, backlog);
            DrivenListener listener = new DrivenListener(driver, handle,
                    new InetSocketAddress(driver.localAddress(), port), backlog);
            driver.register(port, listener);
            return listener;
        });
    }

    @Override
    public TcpConnection connect(InetSocketAddress remote) throws SynackException {
        driver.checkMayBlock("connect");
        return Blocking.await(connectAsync(remote, 0, null), "the handshake with " + remote);
    }

    @Override
    public TcpConnection connect(InetSocketAddress remote, int localPort, Duration timeout) throws SynackException {
        Objects.requireNonNull(timeout, "timeout");
        driver.checkMayBlock("connect");
        return Blocking.await(connectAsync(remote, localPort, timeout), "the handshake with " + remote);
    }

    @Override
    public CompletionStage<TcpConnection> connectAsync(InetSocketAddress remote) {
        return connectAsync(remote, 0, null);
    }

    /**
     * Active open without blocking, from a chosen port, with the application's handshake deadline.
     *
     * @param remote the peer
     * @param localPort a port, or 0 for an ephemeral one
     * @param timeout after which an unfinished handshake is aborted and the stage fails with
     *     {@link io.synack.api.ConnectionTimedOutException}; null leaves it to the engine's R2
     * @return completes with the ESTABLISHED connection, or exceptionally with a {@link SynackException}
     */
    public CompletableFuture<TcpConnection> connectAsync(InetSocketAddress remote, int localPort, Duration timeout) {
        Objects.requireNonNull(remote, "remote");
        checkPort(remote.getPort(), false);
        checkPort(localPort, true);
        CompletableFuture<TcpConnection> established = new CompletableFuture<>();
        boolean accepted = !driver.isClosing() && driver.run(() -> {
            long now = driver.scheduler().nanoTime();
            try {
                int handle = driver.engine().connect(remote, localPort, now);
                DrivenConnection connection =
                        new DrivenConnection(driver, handle, driver.engine().id(handle), established);
                driver.register(connection);
                if (timeout != null) {
                    driver.scheduler().schedule(now + timeout.toNanos(), connection::connectDeadlinePassed);
                }
            } catch (SynackException e) {
                established.completeExceptionally(e);
            }
        });
        if (!accepted) {
            established.completeExceptionally(closed());
        }
        return established;
    }

    @Override
    public void addEventListener(ConnectionEventListener listener) {
        driver.addEventListener(listener);
    }

    @Override
    public StackStatistics statistics() {
        StackStatistics last = finalStatistics;
        if (last != null) {
            return last;
        }
        try {
            return driver.call((engine, now) -> engine.statistics());
        } catch (SynackException e) {
            StackStatistics after = finalStatistics;
            return after != null ? after
                    : new StackStatistics(0, 0, 0, 0, 0, Map.of(), Map.of(), Map.of());
        }
    }

    /** The driver running this stack. */
    public StackDriver driver() {
        return driver;
    }

    /** Called on the scheduler thread just before the transport is released. */
    void recordFinalStatistics() {
        finalStatistics = driver.engine().statistics();
    }

    @Override
    public void close() {
        driver.close();
    }

    @Override
    public String toString() {
        return "TcpStack[" + driver.localAddress().getHostAddress() + " on " + driver.transportName()
                + (driver.isClosed() ? ", closed" : "") + "]";
    }

    private void checkOpen() throws ConnectionClosedException {
        if (driver.isClosing()) {
            throw closed();
        }
    }

    private ConnectionClosedException closed() {
        return new ConnectionClosedException("the stack " + driver.localAddress().getHostAddress() + " is closed");
    }

    private static void checkPort(int port, boolean zeroAllowed) {
        if (port < (zeroAllowed ? 0 : 1) || port > 65_535) {
            throw new IllegalArgumentException("port must be " + (zeroAllowed ? "0 (ephemeral) or " : "")
                    + "1..65535, was " + port);
        }
    }
}
