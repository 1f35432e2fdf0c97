package io.synack.core.driver;

import io.synack.api.ConnectionClosedException;
import io.synack.api.ConnectionEvent;
import io.synack.api.ConnectionEventListener;
import io.synack.api.ConnectionId;
import io.synack.api.SynackException;
import io.synack.api.TcpStack;
import io.synack.core.engine.Engine;
import io.synack.core.wire.Segment;
import io.synack.spi.DatagramFate;
import io.synack.spi.DatagramRecorder;
import io.synack.spi.Scheduler;
import io.synack.spi.Transport;
import io.synack.spi.TransportContext;
import io.synack.spi.TransportFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Engine} on one {@link Scheduler} with one {@link Transport}: the glue between
 * the sans-IO engine and the world (DESIGN.md §3, "Drivers").
 *
 * <p>Every input follows the same path, on the scheduler's thread: a received datagram is decoded
 * into one reused {@link Segment} (malformed ones go to {@link Engine#handleMalformed}), handed to
 * {@link Engine#handleSegment}, and then the engine's outputs are drained in the engine's fixed
 * order — {@link Engine#pollTransmit} (encoded into one reused buffer and sent), then
 * {@link Engine#pollEvent} (dispatched to the connection objects and event listeners), then
 * {@link Engine#nextDeadline()} (one scheduler timer). A timer firing and a user call take the
 * same path with {@link Engine#handleTimeout} or the call as the input.
 *
 * <p>Timers do not pile up: the driver remembers the deadline it armed and schedules a new task
 * only when the engine's next deadline moves earlier; a task that fires for a deadline that is no
 * longer the armed one does nothing.
 *
 * <p>User calls from other threads are handed to the scheduler's thread and waited for; calls on
 * the scheduler's thread run inline. The user API ({@link TcpStack} and its connections and
 * listeners) is {@link #stack()}.
 */
public final class StackDriver {

    /** Counter key: segments whose checksum was not verified because they came from a loopback address. */
    public static final String CHECKSUM_TRUSTED_LOOPBACK = "checksum-trusted-loopback";
    /** Counter key: segments the transport refused to send (closed, too large). */
    public static final String SEND_FAILED = "send-failed";

    private static final Logger LOG = LoggerFactory.getLogger(StackDriver.class);

    /** IPv4/IPv6 payload limit (65535) is an upper bound for any segment the engine builds. */
    private static final int MAX_DATAGRAM = 65_535;

    private final Engine engine;
    private final Scheduler scheduler;
    private final SegmentCodec codec;
    private final DriverOptions options;
    private final InetAddress localAddress;
    private final String transportName;
    private final AutoCloseable ownedScheduler;
    private final Segment received = new Segment();
    private final Segment toSend = new Segment();
    private final ByteBuffer sendBuffer = ByteBuffer.allocate(MAX_DATAGRAM);
    private final Map<ConnectionId, DrivenConnection> connections = new LinkedHashMap<>();
    private final Map<Integer, DrivenListener> listeners = new LinkedHashMap<>();
    private final List<ConnectionEventListener> eventListeners = new CopyOnWriteArrayList<>();
    private final Set<Waiter> waiting = new LinkedHashSet<>();
    private final List<Waiter> rechecking = new ArrayList<>();
    private final Map<String, Long> counters = new TreeMap<>();
    private final DrivenStack stack;
    private Transport transport;
    private long armedDeadline = Long.MAX_VALUE;
    private boolean draining;
    private volatile boolean closing;
    private volatile boolean closed;

    private StackDriver(Engine engine, Scheduler scheduler, SegmentCodec codec, DriverOptions options,
            String transportName, AutoCloseable ownedScheduler) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.options = Objects.requireNonNull(options, "options");
        this.transportName = Objects.requireNonNull(transportName, "transportName");
        this.localAddress = engine.localAddress();
        this.ownedScheduler = ownedScheduler;
        this.stack = new DrivenStack(this);
    }

    /**
     * Opens a stack on a scheduler the caller owns (a {@link VirtualScheduler} in simulation, or a
     * shared {@link EventLoop}).
     *
     * @param scheduler the thread and clock to run on
     * @param transportFactory opens the transport endpoint at the engine's local address
     * @param transportName the transport's name, for {@link TcpStack#transportName()}
     * @param engine the engine, with no connections yet
     * @param codec the wire codec
     * @param options checksum policy and recorder
     * @return the running driver
     * @throws SynackException if the transport cannot be opened
     */
    public static StackDriver open(Scheduler scheduler, TransportFactory transportFactory, String transportName,
            Engine engine, SegmentCodec codec, DriverOptions options) throws SynackException {
        StackDriver driver = new StackDriver(engine, scheduler, codec, options, transportName, null);
        driver.openTransport(transportFactory);
        return driver;
    }

    /**
     * Opens a real-time stack on its own {@link EventLoop} (named {@code synack-<address>}), with
     * an engine seeded from {@link SecureRandom} and the real wire codec. Closing the stack stops
     * the loop.
     *
     * @param localAddress the stack's IP address
     * @param transportFactory opens the transport endpoint
     * @param transportName the transport's name
     * @param engineFactory makes the engine
     * @param options checksum policy and recorder
     * @return the running driver
     * @throws SynackException if the transport cannot be opened (the loop is stopped again)
     */
    public static StackDriver openRealTime(InetAddress localAddress, TransportFactory transportFactory,
            String transportName, EngineFactory engineFactory, DriverOptions options) throws SynackException {
        return openRealTime(localAddress, transportFactory, transportName, engineFactory, WireSegmentCodec.INSTANCE,
                options);
    }

    /**
     * As {@link #openRealTime(InetAddress, TransportFactory, String, EngineFactory, DriverOptions)},
     * with another codec.
     *
     * @param localAddress the stack's IP address
     * @param transportFactory opens the transport endpoint
     * @param transportName the transport's name
     * @param engineFactory makes the engine
     * @param codec the wire codec
     * @param options checksum policy and recorder
     * @return the running driver
     * @throws SynackException if the transport cannot be opened (the loop is stopped again)
     */
    public static StackDriver openRealTime(InetAddress localAddress, TransportFactory transportFactory,
            String transportName, EngineFactory engineFactory, SegmentCodec codec, DriverOptions options)
            throws SynackException {
        EventLoop loop = new EventLoop("synack-" + localAddress.getHostAddress());
        try {
            Engine engine = engineFactory.create(localAddress, new SecureRandom().nextLong());
            StackDriver driver = new StackDriver(engine, loop, codec, options, transportName, loop);
            driver.openTransport(transportFactory);
            return driver;
        } catch (SynackException | RuntimeException e) {
            loop.close();
            throw e;
        }
    }

    private void openTransport(TransportFactory factory) throws SynackException {
        transport = factory.open(new TransportContext(localAddress, this::receive, scheduler));
        engine.limitSegmentSize(transport.maxSegmentSize()); // MUST-16: the link's limit bounds the MSS
    }

    /** The user API of this stack. */
    public DrivenStack stack() {
        return stack;
    }

    /** The scheduler the engine runs on. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** The local IP address. */
    public InetAddress localAddress() {
        return localAddress;
    }

    /** The name of the transport. */
    public String transportName() {
        return transportName;
    }

    /**
     * The driver's own counters (not the engine's): {@value #CHECKSUM_TRUSTED_LOOPBACK},
     * {@value #SEND_FAILED}. Read on the scheduler's thread, or after the simulation ran.
     *
     * @return a snapshot, by key
     */
    public Map<String, Long> counters() {
        synchronized (counters) {
            return Map.copyOf(counters);
        }
    }

    /** Connection objects the driver still tracks: those the engine has not reported Closed. */
    public int trackedConnections() {
        return connections.size();
    }

    /** Connections and listeners with an application waiting (readable, writable, accept). */
    public int pendingWaiters() {
        return waiting.size();
    }

    /** Whether the stack was closed. */
    public boolean isClosed() {
        return closed;
    }

    // ---- input: datagrams -----------------------------------------------------------------------

    /** DatagramReceiver: one datagram from the transport, on the scheduler's thread. */
    private void receive(InetAddress source, InetAddress destination, ByteBuffer datagram) {
        if (closed) {
            return;
        }
        long now = scheduler.nanoTime();
        record(now, source, destination, datagram, DatagramFate.DELIVERED);
        boolean verify = options.verifyChecksums();
        if (verify && options.trustLoopbackChecksums() && source.isLoopbackAddress()) {
            // The kernel hands locally generated packets to raw sockets before the checksum is
            // filled in (checksum offload); verifying them would drop every segment on lo.
            verify = false;
            count(CHECKSUM_TRUSTED_LOOPBACK);
        }
        String reason = codec.decode(datagram, source, destination, verify, received.clear());
        if (reason != null) {
            engine.handleMalformed(reason);
        } else {
            engine.handleSegment(source, destination, received, now);
        }
        drain();
    }

    // ---- input: timers ----------------------------------------------------------------------------

    private void onTimer(long deadline) {
        if (closed || deadline != armedDeadline) {
            return; // a deadline that moved later or was superseded by an earlier one
        }
        armedDeadline = Long.MAX_VALUE;
        engine.handleTimeout(scheduler.nanoTime());
        drain();
    }

    private void rearm() {
        long next = engine.nextDeadline();
        if (next < armedDeadline && !closed) {
            armedDeadline = next;
            scheduler.schedule(next, () -> onTimer(next));
        }
    }

    // ---- outputs ----------------------------------------------------------------------------------

    /**
     * Drains the engine's outputs in its fixed order. Reentrant calls (an event callback that calls
     * the engine) only mark more work; the outermost drain loops until the engine has nothing left.
     */
    void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            boolean progress = true;
            while (progress) {
                progress = false;
                InetAddress destination;
                while ((destination = engine.pollTransmit(toSend.clear())) != null) {
                    transmit(destination, toSend);
                    progress = true;
                }
                ConnectionEvent event;
                while ((event = engine.pollEvent()) != null) {
                    dispatch(event);
                    progress = true;
                }
                progress |= recheckWaiters();
            }
        } finally {
            draining = false;
        }
        rearm();
    }

    /**
     * Re-checks everything an application waits for (readable, writable, established, accept).
     * Deciding from the engine's state after every input, rather than trusting one event per
     * change, means no wake-up can be lost.
     *
     * @return true if some waiter was completed (its callbacks may have produced engine output)
     */
    private boolean recheckWaiters() {
        if (waiting.isEmpty()) {
            return false;
        }
        rechecking.addAll(waiting);
        boolean completed = false;
        for (Waiter waiter : rechecking) {
            completed |= waiter.recheck();
            if (waiter.idle()) {
                waiting.remove(waiter);
            }
        }
        rechecking.clear();
        return completed;
    }

    private void transmit(InetAddress destination, Segment segment) {
        ByteBuffer out = sendBuffer;
        out.clear();
        codec.encode(segment, localAddress, destination, out);
        out.flip();
        record(scheduler.nanoTime(), localAddress, destination, out, DatagramFate.SENT);
        if (closed || transport == null) {
            return;
        }
        try {
            transport.send(destination, out);
        } catch (SynackException e) {
            count(SEND_FAILED);
            LOG.debug("{}: segment to {} not sent: {}", localAddress.getHostAddress(), destination.getHostAddress(),
                    e.getMessage());
        }
    }

    private void record(long now, InetAddress source, InetAddress destination, ByteBuffer bytes, DatagramFate fate) {
        DatagramRecorder recorder = options.recorder();
        if (recorder == DatagramRecorder.NONE) {
            return;
        }
        int position = bytes.position();
        int limit = bytes.limit();
        recorder.record(now, source, destination, bytes, fate, "");
        bytes.limit(limit).position(position);
    }

    private void dispatch(ConnectionEvent event) {
        for (ConnectionEventListener listener : eventListeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("{}: event listener failed on {}", localAddress.getHostAddress(), event, e);
            }
        }
        DrivenConnection connection = connections.get(event.connection());
        if (connection != null) {
            if (event instanceof ConnectionEvent.Closed) {
                connections.remove(event.connection());
            }
            connection.onEvent(event);
        } else if (event instanceof ConnectionEvent.Connected) {
            // A passive child reached the accept queue: hand it to a waiting acceptor, if any.
            DrivenListener listener = listeners.get(event.connection().local().getPort());
            if (listener != null) {
                listener.pump();
            }
        }
    }

    private void count(String key) {
        synchronized (counters) {
            counters.merge(key, 1L, Long::sum);
        }
    }

    // ---- user calls -------------------------------------------------------------------------------

    /** A user call into the engine, run on the scheduler's thread. */
    @FunctionalInterface
    interface EngineCall<T> {
        T apply(Engine engine, long now) throws SynackException;
    }

    /**
     * Runs {@code call} on the scheduler's thread (inline if already there), drains the outputs it
     * caused, and returns its result.
     */
    <T> T call(EngineCall<T> call) throws SynackException {
        if (scheduler.inSchedulerThread()) {
            try {
                return call.apply(engine, scheduler.nanoTime());
            } finally {
                drain();
            }
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        boolean accepted = submit(() -> {
            try {
                result.complete(call.apply(engine, scheduler.nanoTime()));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                drain();
            }
        });
        if (!accepted) {
            throw new ConnectionClosedException("the stack " + localAddress.getHostAddress() + " is closed");
        }
        return awaitUninterruptibly(result);
    }

    /**
     * Hands {@code task} to the scheduler's thread (runs it inline if already there), then drains.
     *
     * @return false if the scheduler no longer accepts tasks
     */
    boolean run(Runnable task) {
        Runnable withDrain = () -> {
            try {
                task.run();
            } finally {
                drain();
            }
        };
        if (scheduler.inSchedulerThread()) {
            withDrain.run();
            return true;
        }
        return submit(withDrain);
    }

    private boolean submit(Runnable task) {
        if (scheduler instanceof EventLoop loop) {
            return loop.tryExecute(task);
        }
        scheduler.execute(task);
        return true;
    }

    private static <T> T awaitUninterruptibly(CompletableFuture<T> future) throws SynackException {
        // Engine calls are short; finishing the wait keeps the caller's view consistent with what
        // the engine did. The interrupt is restored for the caller to see.
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw rethrow(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static SynackException rethrow(Throwable cause) {
        if (cause instanceof SynackException s) {
            return s;
        }
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new SynackException(String.valueOf(cause.getMessage()), cause);
    }

    // ---- registry used by the API objects (scheduler thread only) ---------------------------------

    /** Something an application waits for, re-checked after every engine input. */
    interface Waiter {
        /** Completes what became ready; returns true if it completed anything. */
        boolean recheck();

        /** Whether nothing is left waiting (checked after {@link #recheck()}). */
        boolean idle();
    }

    /** Re-check {@code waiter} after every engine input until it reports nothing left waiting. */
    void watch(Waiter waiter) {
        waiting.add(waiter);
    }

    Engine engine() {
        return engine;
    }

    boolean isClosing() {
        return closing;
    }

    void register(DrivenConnection connection) {
        connections.put(connection.id(), connection);
    }

    void register(int port, DrivenListener listener) {
        listeners.put(port, listener);
    }

    void unregister(int port, DrivenListener listener) {
        listeners.remove(port, listener);
    }

    void addEventListener(ConnectionEventListener listener) {
        eventListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Throws unless the calling thread may block (blocking on the stack's thread would deadlock it). */
    void checkMayBlock(String operation) {
        if (scheduler.inSchedulerThread()) {
            throw new IllegalStateException(operation + " would block the stack's own thread (" + localAddress.getHostAddress()
                    + "), which must run the engine to complete it: use the asynchronous form instead"
                    + (scheduler instanceof VirtualScheduler ? " and run the simulation until it completes" : ""));
        }
    }

    /**
     * Closes the stack (scheduler thread): aborts every connection, closes every listener, releases
     * the transport and, if it owns one, stops the event loop.
     */
    void close() {
        if (closing) {
            return;
        }
        closing = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable shutdown = () -> {
            try {
                for (DrivenListener listener : new ArrayList<>(listeners.values())) {
                    listener.closeOnSchedulerThread();
                }
                for (DrivenConnection connection : new ArrayList<>(connections.values())) {
                    connection.abortOnSchedulerThread();
                }
                drain(); // the RSTs of the aborts leave before the transport closes
                stack.recordFinalStatistics();
                closed = true;
                for (DrivenConnection connection : new ArrayList<>(connections.values())) {
                    connection.stackClosed();
                }
                connections.clear();
                if (transport != null) {
                    transport.close();
                }
            } finally {
                done.complete(null);
            }
        };
        if (scheduler.inSchedulerThread()) {
            shutdown.run();
        } else if (submit(shutdown)) {
            try {
                awaitUninterruptibly(done);
            } catch (SynackException e) {
                LOG.debug("stack close: {}", e.getMessage());
            }
        } else {
            shutdown.run(); // the loop has already ended: nothing else touches the engine
        }
        if (ownedScheduler != null) {
            try {
                ownedScheduler.close();
            } catch (Exception e) {
                LOG.warn("stack close: the event loop did not stop cleanly", e);
            }
        }
    }
}
