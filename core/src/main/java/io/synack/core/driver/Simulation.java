package io.synack.core.driver;

import io.synack.api.SynackException;
import io.synack.api.TcpStack;
import io.synack.spi.TransportFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * A reproducible world: one seed, one {@link VirtualScheduler}, several stacks (one per local
 * address) on one network. Every random choice is derived from the seed — each engine's secrets
 * (RFC 6528 ISN key, RFC 6056 port key) from {@code seed} and the stack's address, the network's
 * fault model from {@link #deriveSeed(String) deriveSeed("network")} — and the scheduler runs tasks
 * in one total order, so the same seed gives the same run, segment for segment.
 *
 * <h2>Scripting applications</h2>
 * Blocking calls cannot work here: the one thread that would wait is the thread that runs the
 * network (they throw {@link IllegalStateException}). A simulated application uses the
 * asynchronous API and lets time run until what it waits for has happened:
 * <pre>{@code
 * Simulation sim = Simulation.create(42, new LoopbackTransportFactory(new LoopbackNetwork()),
 *         (address, seed) -> TcpEngine.create(address, config, new SplittableRandom(seed)));
 * DrivenStack client = sim.addStack("10.0.0.1"), server = sim.addStack("10.0.0.2");
 * TcpListener listener = server.listen(80, 8);
 * CompletionStage<TcpConnection> accepted = listener.acceptAsync();
 * TcpConnection c = sim.await(client.connectAsync(new InetSocketAddress(server.localAddress(), 80)),
 *         Duration.ofSeconds(5));                       // runs virtual time until ESTABLISHED
 * c.write(ByteBuffer.wrap(data));                       // non-blocking, runs inline
 * TcpConnection s = sim.await(accepted, Duration.ofSeconds(1));
 * sim.await(s.whenReadable(), Duration.ofSeconds(1));
 * s.read(buffer);
 * c.close();
 * sim.runFor(Duration.ofMinutes(2));                    // through TIME-WAIT
 * }</pre>
 * Non-blocking calls made by the test thread between runs execute inline on the simulation's
 * thread. Callbacks registered on the returned stages run on it too, inside the run.
 */
public final class Simulation implements AutoCloseable {

    /** The transport name reported by simulated stacks unless set otherwise. */
    public static final String DEFAULT_TRANSPORT_NAME = "loopback";

    private final long seed;
    private final VirtualScheduler scheduler;
    private final TransportFactory transportFactory;
    private final EngineFactory engineFactory;
    private final SegmentCodec codec;
    private final Map<InetAddress, StackDriver> drivers = new LinkedHashMap<>();
    private DriverOptions options = DriverOptions.DEFAULT;
    private String transportName = DEFAULT_TRANSPORT_NAME;

    private Simulation(long seed, TransportFactory transportFactory, EngineFactory engineFactory, SegmentCodec codec) {
        this.seed = seed;
        this.scheduler = new VirtualScheduler();
        this.transportFactory = Objects.requireNonNull(transportFactory, "transportFactory");
        this.engineFactory = Objects.requireNonNull(engineFactory, "engineFactory");
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    /**
     * A simulation over a network the caller built (whose fault seed the caller should take from
     * {@link #deriveSeed(long, String) deriveSeed(seed, "network")} to keep the run reproducible).
     *
     * @param seed the seed of the whole run
     * @param transportFactory opens endpoints on the simulated network; it must deliver through
     *     the receiving stack's scheduler
     * @param engineFactory makes each stack's engine
     * @param codec the wire codec
     * @return the simulation, with no stacks yet
     */
    public static Simulation create(long seed, TransportFactory transportFactory, EngineFactory engineFactory,
            SegmentCodec codec) {
        return new Simulation(seed, transportFactory, engineFactory, codec);
    }

    /**
     * A simulation with the real wire codec ({@link WireSegmentCodec}).
     *
     * @param seed the seed of the whole run
     * @param transportFactory opens endpoints on the simulated network
     * @param engineFactory makes each stack's engine
     * @return the simulation, with no stacks yet
     */
    public static Simulation create(long seed, TransportFactory transportFactory, EngineFactory engineFactory) {
        return create(seed, transportFactory, engineFactory, WireSegmentCodec.INSTANCE);
    }

    /**
     * A simulation with the real wire codec whose network is built from a seed derived from
     * {@code seed}.
     *
     * @param seed the seed of the whole run
     * @param network builds the network (e.g. a fault-injecting loopback network) from its seed
     * @param engineFactory makes each stack's engine
     * @return the simulation, with no stacks yet
     */
    public static Simulation create(long seed, LongFunction<TransportFactory> network, EngineFactory engineFactory) {
        return create(seed, network, engineFactory, WireSegmentCodec.INSTANCE);
    }

    /**
     * A simulation whose network is built from a seed derived from {@code seed}.
     *
     * @param seed the seed of the whole run
     * @param network builds the network (e.g. a fault-injecting loopback network) from its seed
     * @param engineFactory makes each stack's engine
     * @param codec the wire codec
     * @return the simulation, with no stacks yet
     */
    public static Simulation create(long seed, LongFunction<TransportFactory> network, EngineFactory engineFactory,
            SegmentCodec codec) {
        return new Simulation(seed, network.apply(deriveSeed(seed, "network")), engineFactory, codec);
    }

    /**
     * Sets the driver options (checksum policy, recorder) of stacks added from now on.
     *
     * @param options the options
     * @return this
     */
    public Simulation withOptions(DriverOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        return this;
    }

    /**
     * Sets the transport name that stacks added from now on report.
     *
     * @param name e.g. {@code loopback}
     * @return this
     */
    public Simulation withTransportName(String name) {
        this.transportName = Objects.requireNonNull(name, "name");
        return this;
    }

    /** The seed of the run: print it with every failure, it replays the run. */
    public long seed() {
        return seed;
    }

    /** The discrete-event scheduler every stack runs on. */
    public VirtualScheduler scheduler() {
        return scheduler;
    }

    /** Virtual time now, in nanoseconds. */
    public long now() {
        return scheduler.nanoTime();
    }

    /**
     * A seed for one purpose, derived from this run's seed (SplitMix64 over the purpose's characters).
     *
     * @param purpose e.g. {@code "network"}, {@code "engine/10.0.0.1"}
     * @return the derived seed
     */
    public long deriveSeed(String purpose) {
        return deriveSeed(seed, purpose);
    }

    /**
     * A seed for one purpose, derived from {@code seed}: equal inputs give equal seeds, different
     * purposes practically never collide.
     *
     * @param seed the run's seed
     * @param purpose what the seed is for
     * @return the derived seed
     */
    public static long deriveSeed(long seed, String purpose) {
        long h = mix(seed);
        for (int i = 0; i < purpose.length(); i++) {
            h = mix(h + purpose.charAt(i) + 0x9E3779B97F4A7C15L);
        }
        return mix(h ^ purpose.length());
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Adds a stack at {@code address}; its engine is seeded with {@code deriveSeed("engine/" + address)}.
     *
     * @param address the stack's IP address
     * @return the stack's user API
     * @throws SynackException if the network refuses the address (e.g. already in use)
     */
    public DrivenStack addStack(InetAddress address) throws SynackException {
        return addDriver(address).stack();
    }

    /**
     * Adds a stack at a literal address such as {@code "10.0.0.1"} or {@code "fd00::1"}.
     *
     * @param literal an IPv4 or IPv6 address literal (no name lookup is made)
     * @return the stack's user API
     * @throws SynackException if the network refuses the address
     */
    public DrivenStack addStack(String literal) throws SynackException {
        return addStack(parseLiteral(literal));
    }

    /**
     * Adds a stack and returns its driver (for tests and tools that need its counters).
     *
     * @param address the stack's IP address
     * @return the driver
     * @throws SynackException if the network refuses the address
     */
    public StackDriver addDriver(InetAddress address) throws SynackException {
        if (drivers.containsKey(address)) {
            throw new IllegalArgumentException("the simulation already has a stack at " + address.getHostAddress());
        }
        StackDriver driver = StackDriver.open(scheduler, transportFactory, transportName,
                engineFactory.create(address, deriveSeed("engine/" + address.getHostAddress())), codec, options);
        drivers.put(address, driver);
        return driver;
    }

    /** The stacks, in the order they were added. */
    public List<TcpStack> stacks() {
        List<TcpStack> stacks = new ArrayList<>(drivers.size());
        drivers.values().forEach(d -> stacks.add(d.stack()));
        return stacks;
    }

    /**
     * The driver of the stack at {@code address}.
     *
     * @param address the stack's address
     * @return its driver
     * @throws IllegalArgumentException if there is none
     */
    public StackDriver driver(InetAddress address) {
        StackDriver driver = drivers.get(address);
        if (driver == null) {
            throw new IllegalArgumentException("no stack at " + address.getHostAddress());
        }
        return driver;
    }

    /** Runs until nothing is scheduled (every timer expired). @return tasks run */
    public long runUntilIdle() {
        return scheduler.runUntilIdle();
    }

    /**
     * Runs {@code duration} of virtual time.
     *
     * @param duration how long
     * @return tasks run
     */
    public long runFor(Duration duration) {
        return scheduler.runFor(duration);
    }

    /**
     * Runs until {@code condition} holds or {@code limit} of virtual time has passed.
     *
     * @param condition what to wait for
     * @param limit the longest to run
     * @return whether the condition holds
     */
    public boolean runUntil(BooleanSupplier condition, Duration limit) {
        return scheduler.runUntil(condition, limit);
    }

    /**
     * Runs until {@code stage} completes, at most {@code limit} of virtual time.
     *
     * @param stage what to wait for
     * @param limit the longest to run
     * @param <T> its type
     * @return its value
     * @throws SynackException the stage's failure
     * @throws IllegalStateException if it did not complete within the limit (the message names the seed)
     */
    public <T> T await(CompletionStage<T> stage, Duration limit) throws SynackException {
        CompletableFuture<T> future = stage.toCompletableFuture();
        if (!scheduler.runUntil(future::isDone, limit)) {
            throw new IllegalStateException("not completed within " + limit + " of virtual time (now "
                    + Duration.ofNanos(now()) + ", " + scheduler.pendingTasks() + " tasks pending; seed " + seed + ")");
        }
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw StackDriver.rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SynackException("interrupted", e);
        }
    }

    /** Closes every stack (aborting their connections), then runs what that scheduled. */
    @Override
    public void close() {
        for (StackDriver driver : drivers.values()) {
            driver.stack().close();
        }
        scheduler.runUntilIdle();
    }

    private static InetAddress parseLiteral(String literal) {
        boolean looksLiteral = literal.indexOf(':') >= 0 || literal.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!looksLiteral) {
            throw new IllegalArgumentException("not an IP address literal: '" + literal + "'");
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address literal: '" + literal + "'", e);
        }
    }
}
