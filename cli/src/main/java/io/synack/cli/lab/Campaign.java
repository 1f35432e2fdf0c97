package io.synack.cli.lab;

import io.synack.api.CloseReason;
import io.synack.api.ConnectionEvent;
import io.synack.api.ConnectionId;
import io.synack.api.SynackException;
import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import io.synack.api.TcpStack;
import io.synack.api.TcpState;
import io.synack.core.config.ConfigurationLoader;
import io.synack.core.driver.Simulation;
import io.synack.core.engine.EngineConfig;
import io.synack.core.engine.EngineSettings;
import io.synack.core.engine.TcpEngine;
import io.synack.spi.DatagramFate;
import io.synack.spi.DatagramRecorder;
import io.synack.transport.loopback.FaultModel;
import io.synack.transport.loopback.LoopbackNetwork;
import io.synack.transport.loopback.LoopbackTransportFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiPredicate;

/**
 * One run of the simulation campaign (issue 5): for one seed, a server stack and several client
 * stacks on a faulty loopback network in virtual time; every client opens a connection, both sides
 * transfer a random amount each way with random half-closes, and the connection is closed by either
 * side or aborted; a quarter of the clients then reopen the same 4-tuple. Four invariants are
 * checked on every run:
 * <ol>
 *   <li>every byte written is delivered exactly once, in order (length + CRC-32C per direction), or
 *       both applications are told the connection failed (reset / timed out);</li>
 *   <li>every connection ends CLOSED on both sides within a bound of virtual time
 *       ({@link #defaultTimeBound} unless {@link #withTimeBound} says otherwise), and
 *       every stack ends with no connection in any state;</li>
 *   <li>no connection is established from a stale or duplicate SYN: the server accepts at most one
 *       connection per client connection, each with a client connection's 4-tuple, and a 4-tuple
 *       becomes ESTABLISHED at the server at most as often as clients opened it; no segment of an
 *       old incarnation is taken into a new one (each incarnation writes its own stream, so such a
 *       segment fails the CRC of invariant 1). {@link SynCounts} says how many old SYNs the
 *       server faced;</li>
 *   <li>every state transition is one the RFC 9293 diagram allows ({@link TransitionTable}).</li>
 * </ol>
 * Everything random flows from the seed, so a failing run replays with {@link #replayCommand}.
 */
public final class Campaign {

    /**
     * The most virtual time every connection may take to finish: four times R2 (15 min, Linux
     * tcp_retries2). R2 counts from the first retransmission of the oldest unacknowledged segment,
     * so a connection that makes progress only now and then may legitimately take several R2
     * periods: seed 2677 (4 KiB) got one segment through after 13 minutes of a Gilbert–Elliott
     * burst and timed out on the next one 15 minutes later, at 28 minutes.
     */
    public static final Duration TIME_BOUND = Duration.ofHours(1);

    private Duration timeBound;

    /**
     * The default bound of invariant 2 for transfers of up to {@code maxBytes} each way:
     * {@link #TIME_BOUND} per started 64 KiB (at least one). Under heavy loss the RTO sits near its
     * maximum (RESULTS.md, finding 5), so the time a transfer may take grows with its size.
     *
     * @param maxBytes the most bytes one side sends
     * @return the bound
     */
    public static Duration defaultTimeBound(long maxBytes) {
        return TIME_BOUND.multipliedBy(Math.max(1, (maxBytes + 65_535) / 65_536));
    }

    /**
     * Another bound for invariant 2. Large transfers over heavy loss legitimately take longer: an
     * ACK lost after an RTO makes the next RTTM sample span the backed-off timeout (RFC 7323 §4.2,
     * "conservative"), so the RTO stays near its maximum and 256 KiB at 28 % loss each way can take
     * half an hour.
     *
     * @param bound the bound, positive
     * @return this
     */
    public Campaign withTimeBound(Duration bound) {
        if (bound.isNegative() || bound.isZero()) {
            throw new IllegalArgumentException("the time bound must be positive, not " + bound);
        }
        this.timeBound = bound;
        return this;
    }
    /** The server's port. */
    static final int PORT = 80;

    /**
     * How long an application keeps waiting on a connection after its peer's application was told
     * the connection failed (reset, timed out, aborted, refused). See {@link #giveUp}.
     */
    static final Duration APP_GIVE_UP = Duration.ofMinutes(2);

    private final long maxBytes;
    private final int maxClients;
    private final String faults;
    private final int clientsOverride;
    private final double maxLoss;
    private final Map<String, String> engineSettings;
    private final EngineConfig config;
    private BiPredicate<TcpState, TcpState> transitions = TransitionTable::allows;
    private DatagramRecorder recorder = DatagramRecorder.NONE;

    /** The CLI's default transfer bound per direction. */
    public static final long DEFAULT_MAX_BYTES = 256 * 1024;
    /** The highest loss rate a drawn mix has by default (the issue's "up to 30 % loss"). */
    public static final double DEFAULT_MAX_LOSS = 0.30;

    /**
     * @param maxBytes the most bytes one side sends (drawn 0..maxBytes per direction)
     * @param maxClients the most concurrent clients drawn from the seed (1..maxClients)
     * @param clients a fixed client count, or 0 to draw it
     * @param faults a fixed fault spec, or null to draw a mix from the seed
     */
    public Campaign(long maxBytes, int maxClients, int clients, String faults) {
        this(maxBytes, maxClients, clients, faults, DEFAULT_MAX_LOSS);
    }

    /**
     * @param maxBytes the most bytes one side sends (drawn 0..maxBytes per direction)
     * @param maxClients the most concurrent clients drawn from the seed (1..maxClients)
     * @param clients a fixed client count, or 0 to draw it
     * @param faults a fixed fault spec, or null to draw a mix from the seed
     * @param maxLoss the highest loss rate of a drawn mix
     */
    public Campaign(long maxBytes, int maxClients, int clients, String faults, double maxLoss) {
        this(maxBytes, maxClients, clients, faults, maxLoss, Map.of());
    }

    /**
     * @param maxBytes the most bytes one side sends (drawn 0..maxBytes per direction)
     * @param maxClients the most concurrent clients drawn from the seed (1..maxClients)
     * @param clients a fixed client count, or 0 to draw it
     * @param faults a fixed fault spec, or null to draw a mix from the seed
     * @param maxLoss the highest loss rate of a drawn mix
     * @param engineSettings {@code synack.tcp.*} keys and values every stack uses (e.g. the unsafe
     *     experiments, to show that the invariants catch them); validated like the CLI's {@code -s}
     * @throws IllegalArgumentException naming a bad key or value
     */
    public Campaign(long maxBytes, int maxClients, int clients, String faults, double maxLoss,
            Map<String, String> engineSettings) {
        if (!(maxLoss >= 0 && maxLoss <= 1)) {
            throw new IllegalArgumentException("the maximum loss must be from 0 to 1, not " + maxLoss);
        }
        this.maxLoss = maxLoss;
        this.engineSettings = Collections.unmodifiableMap(new LinkedHashMap<>(engineSettings));
        this.config = engineConfig(this.engineSettings);
        if (maxBytes < 0 || maxClients < 1 || clients < 0 || clients > 200) {
            throw new IllegalArgumentException("bytes must be >= 0, clients 1..200");
        }
        this.maxBytes = maxBytes;
        this.timeBound = defaultTimeBound(maxBytes);
        this.maxClients = maxClients;
        this.clientsOverride = clients;
        this.faults = faults;
        if (faults != null) {
            FaultModel.parse(faults); // fail early, naming the bad item
        }
    }

    /**
     * Checks invariant 4 against another table (tests: a table without an edge every run takes
     * shows that each transition really goes through the check; no engine setting makes the engine
     * leave RFC 9293's diagram).
     *
     * @param allowed the transitions allowed
     * @return this
     */
    Campaign checkingTransitionsWith(BiPredicate<TcpState, TcpState> allowed) {
        this.transitions = allowed;
        return this;
    }

    /**
     * Also hands every datagram record of the following runs to {@code extra} (e.g. a
     * {@code PcapWriter} to look at a replayed run in Wireshark).
     *
     * @param extra the recorder
     * @return this
     */
    public Campaign recordingTo(DatagramRecorder extra) {
        this.recorder = java.util.Objects.requireNonNull(extra);
        return this;
    }

    /**
     * Reads {@code synack.tcp.*} settings the way the CLI's {@code -s} does (so a bad key or value
     * is named with what is allowed), on top of the built-in defaults only.
     *
     * @param settings keys and values
     * @return the engine configuration
     * @throws IllegalArgumentException naming the bad key or value
     */
    public static EngineConfig engineConfig(Map<String, String> settings) {
        if (settings.isEmpty()) {
            return EngineConfig.defaults();
        }
        ConfigurationLoader loader = new ConfigurationLoader().declare(EngineSettings.all())
                .environment(Map.of()).systemProperties(Map.of());
        settings.forEach((k, v) -> loader.set(k, v, "simulate -s"));
        try {
            return EngineConfig.from(loader.load());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The outcome of one run: its seed, the fault mix, each invariant violation found, what
     * invariant 3 had to face (old SYNs; connections reopened on the 4-tuple of a closed one), and
     * how often an application gave up on a dead peer.
     */
    public record Result(long seed, String faults, int clients, List<String> violations, String replay,
            SynCounts syns, int gaveUp, int reopened) {
        /** Whether every invariant held. */
        public boolean passed() {
            return violations.isEmpty();
        }
    }

    /**
     * The old and duplicate SYNs (no ACK bit) the server's stack was handed in one run: invariant 3
     * means something only when they occur.
     *
     * @param duplicates SYNs delivered again with the same 4-tuple and sequence number (a network
     *     duplicate, or an original overtaken by its retransmission)
     * @param afterEstablished SYNs delivered after the server's connection with that 4-tuple had
     *     become ESTABLISHED (or had already ended), sent before it did: stale
     * @param olderThanMsl SYNs delivered more than MSL after that SYN was first sent
     */
    public record SynCounts(int duplicates, int afterEstablished, int olderThanMsl) {
        /** No old SYN at all. */
        public static final SynCounts NONE = new SynCounts(0, 0, 0);

        /** The sum of two counts. */
        public SynCounts plus(SynCounts o) {
            return new SynCounts(duplicates + o.duplicates, afterEstablished + o.afterEstablished,
                    olderThanMsl + o.olderThanMsl);
        }
    }

    /**
     * The command that replays one run.
     *
     * @param seed the run's seed
     * @param faults the fixed fault spec, or null when the mix was drawn from the seed
     * @param clients the fixed client count, or 0
     * @return the command line
     */
    public static String replayCommand(long seed, String faults, int clients) {
        return "./synack simulate --runs 1 --seed " + seed + (faults == null ? "" : " --faults '" + faults + "'")
                + (clients == 0 ? "" : " --clients " + clients);
    }

    /** The command that replays one run of this campaign (with its byte bound and engine settings). */
    private String replayCommand(long seed, String mix) {
        StringBuilder s = new StringBuilder(replayCommand(seed,
                faults != null || maxLoss != DEFAULT_MAX_LOSS ? mix : null, clientsOverride));
        if (maxBytes != DEFAULT_MAX_BYTES) {
            s.append(" --max-bytes ").append(maxBytes);
        }
        if (!timeBound.equals(defaultTimeBound(maxBytes))) {
            s.append(" --time-bound ").append(io.synack.spi.Setting.formatDuration(timeBound));
        }
        engineSettings.forEach((k, v) -> s.append(" -s ").append(k).append('=').append(v));
        return s.toString();
    }

    /**
     * A random fault mix: loss up to 30 %, duplication, reordering, a delay range and corruption,
     * and in some seeds bursty loss, a long-tail delay, a stale SYN, a partition or a rate limit.
     *
     * @param seed the run's seed
     * @return the mix in {@link FaultModel#parse} form
     */
    public static String drawFaults(long seed) {
        return drawFaults(seed, DEFAULT_MAX_LOSS);
    }

    /**
     * A random fault mix with loss up to {@code maxLoss}. Every mix has independent loss (none in
     * a fifth of the seeds), duplication, reordering, a per-datagram delay and corruption, each
     * present in two thirds of the seeds; on top of that, independently:
     * <ul>
     *   <li>a quarter: bursty Gilbert–Elliott loss ({@code burst=P:R}, bursts of 1/R datagrams on
     *       average), the independent loss reduced so that the mean loss stays under
     *       {@code maxLoss};</li>
     *   <li>a fifth: a Pareto long-tail delay instead of the uniform one, capped at 2 minutes, so
     *       that a few datagrams linger beyond MSL (30 s) — "the request that lingers in the
     *       network";</li>
     *   <li>a sixth: the first SYN of each path (SYN or SYN,ACK) held 31 to 90 s, beyond MSL: the
     *       retransmission opens the connection and the original arrives as an old duplicate,
     *       mostly after the connection ended (invariant 3);</li>
     *   <li>an eighth: a partition opened in the first 5 s and healed 1 to 20 s later;</li>
     *   <li>an eighth: a link rate of 64 KiB/s to 8 MiB/s.</li>
     * </ul>
     *
     * @param seed the run's seed
     * @param maxLoss the highest loss rate (0 for none)
     * @return the mix in {@link FaultModel#parse} form
     */
    public static String drawFaults(long seed, double maxLoss) {
        SplittableRandom r = new SplittableRandom(Simulation.deriveSeed(seed, "campaign-faults"));
        double loss = r.nextInt(5) == 0 || maxLoss <= 0 ? 0 : r.nextDouble(maxLoss);
        double dup = r.nextInt(3) == 0 ? 0 : r.nextDouble(0.05);
        double reorder = r.nextInt(3) == 0 ? 0 : r.nextDouble(0.20);
        double corrupt = r.nextInt(3) == 0 ? 0 : r.nextDouble(0.02);
        int lo = 1 + r.nextInt(20);
        int hi = lo + r.nextInt(200);
        StringBuilder mix = new StringBuilder();
        // The extras draw from their own stream so that the base mix of a seed stays as it was.
        SplittableRandom x = new SplittableRandom(Simulation.deriveSeed(seed, "campaign-faults-extra"));
        if (x.nextInt(4) == 0 && maxLoss > 0) {
            double p = 0.002 + x.nextDouble(0.03);
            double rr = 0.2 + x.nextDouble(0.5);
            double mean = p / (p + rr); // stationary share of the BAD state, where every datagram is lost
            loss = Math.max(0, Math.min(loss, maxLoss - mean));
            mix.append(String.format(Locale.ROOT, ",burst=%.4f:%.3f", p, rr));
        }
        String delay = String.format(Locale.ROOT, "%dms..%dms", lo, hi);
        if (x.nextInt(5) == 0) {
            delay = String.format(Locale.ROOT, "pareto:%dms:%.2f:2m", 1 + x.nextInt(10), 0.6 + x.nextDouble(0.9));
        }
        if (x.nextInt(6) == 0) {
            mix.append(",hold=SYN@").append(31 + x.nextInt(60)).append('s');
        }
        if (x.nextInt(8) == 0) {
            int from = x.nextInt(5000);
            mix.append(",partition=").append(from).append("ms..").append(from + 1000 + x.nextInt(19_000)).append("ms");
        }
        if (x.nextInt(8) == 0) {
            mix.append(",rate=").append(64 << x.nextInt(8)).append("KiB");
        }
        return String.format(Locale.ROOT, "loss=%.3f,dup=%.3f,reorder=%.3f,delay=%s,corrupt=%.3f",
                loss, dup, reorder, delay, corrupt) + mix;
    }

    /**
     * What one client connection's two applications do, drawn from the seed; {@code reconnect}: once
     * this connection closed gracefully, the client opens a new one from the same port (a new
     * incarnation of the same 4-tuple, RFC 9293 §3.4.2).
     */
    private record Plan(long c2s, long s2c, boolean clientEarly, boolean serverEarly, int aborter, boolean reconnect) {}

    /** One side's application of one connection. */
    private static final class Side {
        TcpConnection connection;
        CompletableFuture<Void> written;
        CompletableFuture<StreamPumps.Received> read;
        boolean aborted;
        boolean closed;
        boolean gaveUp;

        boolean done() {
            return aborted || closed;
        }
    }

    /** Both sides of one client connection (one incarnation of its 4-tuple). */
    private static final class Pair {
        final int index;
        final int incarnation;
        final Plan plan;
        final Side client = new Side();
        final Side server = new Side();
        Throwable connectFailure;
        boolean connectStarted;
        boolean connectDone;
        /** A reconnection from the same port is planned and not yet started. */
        boolean reconnectPending;

        Pair(int index, int incarnation, Plan plan) {
            this.index = index;
            this.incarnation = incarnation;
            this.plan = plan;
            this.reconnectPending = plan.reconnect;
        }

        boolean done() {
            return connectDone && (connectFailure != null || client.done()) && (server.connection == null || server.done())
                    && !reconnectPending;
        }

        long streamSeed(long seed, int direction) {
            return Campaign.streamSeed(seed, incarnation == 0 ? String.valueOf(index) : index + "." + incarnation, direction);
        }

        String name() {
            return client.connection == null ? "client " + index : client.connection.id().toString();
        }
    }

    /**
     * Runs one seed.
     *
     * @param seed the seed
     * @return the outcome
     */
    public Result run(long seed) {
        String mix = faults != null ? faults : drawFaults(seed, maxLoss);
        SplittableRandom r = new SplittableRandom(Simulation.deriveSeed(seed, "campaign"));
        int clients = clientsOverride > 0 ? clientsOverride : 1 + r.nextInt(maxClients);
        List<String> violations = new ArrayList<>();
        FaultModel model = FaultModel.parse(mix);
        LoopbackNetwork network = new LoopbackNetwork();
        SynWatch syns = new SynWatch(address(1), config.mslNanos());
        DatagramRecorder extra = recorder;
        network.recorder((t, src, dst, segment, fate, detail) -> {
            syns.record(t, src, dst, segment.duplicate(), fate, detail);
            extra.record(t, src, dst, segment, fate, detail);
        });
        int[] gaveUp = {0, 0};
        Simulation sim = Simulation.create(seed, s -> new LoopbackTransportFactory(network, model, s),
                (address, engineSeed) -> TcpEngine.create(address, config, new SplittableRandom(engineSeed)));
        try {
            int[] counts = runIn(sim, seed, r, clients, violations, syns);
            gaveUp[0] = counts[0];
            gaveUp[1] = counts[1];
        } catch (SynackException | RuntimeException e) {
            violations.add("run crashed: " + e);
        } finally {
            sim.close();
        }
        // The replay names the mix whenever the CLI would not draw the same one from the seed.
        return new Result(seed, mix, clients, List.copyOf(violations), replayCommand(seed, mix), syns.counts(),
                gaveUp[0], gaveUp[1]);
    }

    /**
     * Counts the old and duplicate SYNs handed to the server's stack, from the network's records
     * (first record of a SYN = when it was sent, {@code DELIVERED} = when the stack got it).
     */
    private static final class SynWatch {
        private final InetAddress server;
        private final long mslNanos;
        private final Map<SynKey, Long> firstSeen = new HashMap<>();
        private final Map<SynKey, Integer> delivered = new HashMap<>();
        /** When the server's connection with each client (address and port) last became ESTABLISHED. */
        final Map<InetSocketAddress, Long> establishedAt = new HashMap<>();
        private int duplicates;
        private int afterEstablished;
        private int olderThanMsl;

        private record SynKey(InetAddress client, int port, int seq) {}

        SynWatch(InetAddress server, long mslNanos) {
            this.server = server;
            this.mslNanos = mslNanos;
        }

        void record(long now, InetAddress source, InetAddress destination, ByteBuffer segment, DatagramFate fate,
                String detail) {
            int p = segment.position();
            if (!destination.equals(server) || segment.remaining() < 20 || (segment.get(p + 13) & 0x12) != 0x02) {
                return; // only SYN without ACK (RFC 9293 §3.1 flags byte), towards the server
            }
            SynKey key = new SynKey(source, segment.getShort(p) & 0xffff, segment.getInt(p + 4));
            firstSeen.putIfAbsent(key, now);
            if (fate != DatagramFate.DELIVERED) {
                return;
            }
            if (delivered.merge(key, 1, Integer::sum) > 1) {
                duplicates++;
            }
            // Sent before the server's latest connection on that 4-tuple was established, delivered
            // after: a SYN of that or an older incarnation (a new incarnation's SYN is sent later).
            Long established = establishedAt.get(new InetSocketAddress(source, key.port()));
            if (established != null && firstSeen.get(key) < established) {
                afterEstablished++;
            }
            if (now - firstSeen.get(key) > mslNanos) {
                olderThanMsl++;
            }
        }

        SynCounts counts() {
            return new SynCounts(duplicates, afterEstablished, olderThanMsl);
        }
    }

    private int[] runIn(Simulation sim, long seed, SplittableRandom r, int clients, List<String> violations,
            SynWatch syns) throws SynackException {
        InetAddress serverAddress = address(1);
        TcpStack server = sim.addStack(serverAddress);
        List<TcpStack> stacks = new ArrayList<>();
        stacks.add(server);
        Map<InetAddress, List<Pair>> byClient = new HashMap<>();
        List<Pair> pairs = new ArrayList<>();
        // Reconnections draw from their own stream, so that the other choices of a seed stay as they were.
        SplittableRandom again = new SplittableRandom(Simulation.deriveSeed(seed, "campaign-reconnect"));
        for (int i = 0; i < clients; i++) {
            boolean clientEarly = r.nextBoolean();
            boolean serverEarly = !clientEarly || r.nextBoolean(); // at least one side sends FIN without waiting
            int aborter = r.nextInt(20) == 0 ? 1 + r.nextInt(2) : 0; // 5 %: 1 = client aborts, 2 = server aborts
            boolean reconnect = aborter == 0 && again.nextInt(4) == 0; // a quarter reopen the same 4-tuple
            Plan plan = new Plan(r.nextLong(maxBytes + 1), r.nextLong(maxBytes + 1), clientEarly, serverEarly, aborter,
                    reconnect);
            Pair pair = new Pair(i, 0, plan);
            pairs.add(pair);
            InetAddress a = address(10 + i);
            byClient.computeIfAbsent(a, k -> new ArrayList<>()).add(pair);
            stacks.add(sim.addStack(a));
        }
        // Invariant 4: every transition, on every stack, against the diagram.
        Map<ConnectionId, Integer> serverEstablished = new HashMap<>();
        for (TcpStack stack : stacks) {
            boolean isServer = stack == server;
            stack.addEventListener(event -> {
                if (event instanceof ConnectionEvent.StateChanged s) {
                    if (!transitions.test(s.from(), s.to())) {
                        violations.add("invariant 4 (RFC 9293 state diagram): " + s.connection() + " went "
                                + s.from() + " -> " + s.to() + " (" + s.cause() + ") at " + s.timeNanos() + " ns");
                    }
                    if (isServer && s.to() == TcpState.ESTABLISHED) {
                        serverEstablished.merge(s.connection(), 1, Integer::sum);
                        syns.establishedAt.put(s.connection().remote(), s.timeNanos());
                    }
                }
            });
        }
        TcpListener listener = server.listen(PORT, 128);
        List<TcpConnection> accepted = new ArrayList<>();
        acceptLoop(sim, listener, accepted, byClient, seed, violations);
        InetSocketAddress remote = new InetSocketAddress(serverAddress, PORT);
        for (int i = 0; i < clients; i++) {
            Pair pair = pairs.get(i);
            pair.connectStarted = true;
            opened(sim, seed, pair, stacks.get(i + 1).connectAsync(remote), stacks.get(i + 1), remote, pairs, byClient,
                    again);
        }
        boolean finished = sim.runUntil(() -> pairs.stream().allMatch(Pair::done), timeBound);
        if (!finished) {
            int pending = sim.scheduler().pendingTasks();
            for (Pair p : List.copyOf(pairs)) {
                if (!p.done()) {
                    boolean peerAborted = p.plan.aborter != 0;
                    // A peer that aborted while its RST was lost, or a server that gave up on its
                    // SYN-RECEIVED after the client's ACK and every SYN-ACK retransmission were lost,
                    // leaves a legitimately half-open connection (RFC 9293 §3.5.1) that nothing on
                    // the wire clears while its owner only waits to read; the application gives up
                    // on it. Any other hang is a violation.
                    boolean halfOpen = p.client.connection != null && p.server.connection == null;
                    if (!peerAborted && !halfOpen) {
                        violations.add("invariant 2 (ends within " + timeBound + "): " + p.name()
                                + " not finished after " + Duration.ofNanos(sim.now()) + " (" + pending + " timers/tasks pending): client "
                                + describe(p.client) + ", server " + describe(p.server));
                    }
                    abortIfOpen(p.client);
                    abortIfOpen(p.server);
                }
            }
        }
        sim.runUntilIdle();
        for (Pair p : List.copyOf(pairs)) {
            // The peer of an aborting application may have become ESTABLISHED only after the
            // abort (a late or duplicated ACK of its SYN-ACK) and, while it only waits to read,
            // nothing ever tells it the other end is gone (RFC 9293 §3.5.1, half-open): the
            // application gives up, as above.
            if (p.plan.aborter != 0) {
                abortIfOpen(p.client);
                abortIfOpen(p.server);
            }
        }
        sim.runUntilIdle();
        listener.close();
        sim.runUntilIdle();
        for (Pair p : pairs) {
            // A different stream per incarnation: a segment of an old incarnation taken into a new
            // one (invariant 3's second half) shows here as a wrong CRC.
            checkData(p, "client->server", p.client, p.server, p.plan.c2s, StreamPumps.expectedCrc(p.streamSeed(seed, 0), p.plan.c2s), violations);
            checkData(p, "server->client", p.server, p.client, p.plan.s2c, StreamPumps.expectedCrc(p.streamSeed(seed, 1), p.plan.s2c), violations);
            for (Side side : new Side[] {p.client, p.server}) {
                if (side.connection != null && side.connection.state() != TcpState.CLOSED) {
                    violations.add("invariant 2 (ends CLOSED): " + side.connection.id() + " is "
                            + side.connection.state() + " after the run (client: " + (p.connectFailure != null
                                    ? "connect failed: " + p.connectFailure : describe(p.client) + " closed "
                                    + p.client.connection.closeFuture().toCompletableFuture().getNow(null)) + ")");
                }
            }
        }
        // Invariant 3: only connections the clients opened, each accepted once, by the incarnation
        // that opened it.
        if (accepted.size() > pairs.size()) {
            violations.add("invariant 3 (no stale SYN): the server accepted " + accepted.size() + " connections from "
                    + pairs.size() + " client connections");
        }
        Map<ConnectionId, Integer> incarnations = new HashMap<>();
        for (Pair p : pairs) {
            TcpConnection s = p.server.connection;
            TcpConnection c = p.client.connection;
            if (c != null) {
                incarnations.merge(new ConnectionId(c.id().remote(), c.id().local()), 1, Integer::sum);
            }
            if (s != null && (c == null || !c.id().local().equals(s.id().remote()) || !c.id().remote().equals(s.id().local()))) {
                violations.add("invariant 3 (no stale SYN): accepted " + s.id() + " matches no client connection");
            }
        }
        serverEstablished.forEach((id, n) -> {
            if (n > incarnations.getOrDefault(id, 0)) {
                violations.add("invariant 3 (no stale SYN): " + id + " became ESTABLISHED " + n + " times for "
                        + incarnations.getOrDefault(id, 0) + " client connections");
            }
        });
        for (TcpStack stack : stacks) {
            stack.statistics().connectionsByState().forEach((state, n) -> {
                if (n != 0) {
                    violations.add("invariant 2 (no TCB left): stack " + stack.localAddress().getHostAddress()
                            + " still has " + n + " in " + state + " after the run went idle");
                }
            });
        }
        int gaveUp = 0;
        int reopened = 0;
        for (Pair p : pairs) {
            gaveUp += (p.client.gaveUp ? 1 : 0) + (p.server.gaveUp ? 1 : 0);
            reopened += p.incarnation > 0 && p.client.connection != null ? 1 : 0;
        }
        return new int[] {gaveUp, reopened};
    }

    private static final Set<CloseReason> FAILURES = EnumSet.of(CloseReason.RESET, CloseReason.TIMED_OUT,
            CloseReason.ABORTED, CloseReason.REFUSED);

    /** Whether the connection ended with a failure its application was told of. */
    private static boolean failed(TcpConnection c) {
        CompletableFuture<CloseReason> reason = c.closeFuture().toCompletableFuture();
        return reason.isDone() && FAILURES.contains(reason.getNow(null));
    }

    /** When {@code c} ends with a failure, the application on the other side eventually gives up. */
    private static void watchForFailure(Simulation sim, TcpConnection c, Side other) {
        c.closeFuture().thenAccept(reason -> {
            if (FAILURES.contains(reason)) {
                peerFailed(sim, other);
            }
        });
    }

    private static void peerFailed(Simulation sim, Side side) {
        sim.scheduler().schedule(sim.now() + APP_GIVE_UP.toNanos(), () -> giveUp(side));
    }

    /**
     * The application gives up on a connection whose peer failed {@link #APP_GIVE_UP} ago, if it is
     * still waiting on it. This is the campaign application's doing, not the engine's, and it is
     * needed: when one side gives up (R2 timeout, RFC 9293 §3.8.3; Linux sends no RST then) or
     * aborts with an RST that is lost, the other side may have nothing left to send — in FIN-WAIT-2
     * after a mere half-close (shutdownOutput), or in ESTABLISHED waiting to read — and nothing on the
     * wire will ever tell it (a half-open connection, §3.5.1). Linux keeps such a connection forever
     * too (tcp_fin_timeout only applies to an orphaned, i.e. fully closed, socket, and keepalive is
     * off by default), so a real application needs a read timeout. In FIN-WAIT-2 it closes, and then
     * the engine's FIN-WAIT-2 timeout (synack.tcp.fin-timeout, Linux tcp_fin_timeout) must end the
     * connection and report TIMED_OUT to the reader (invariants 1 and 2 check that); anywhere else
     * it aborts. The campaign knows that the peer failed; only then does the application give up,
     * so that an engine stall between two live peers still fails invariant 2.
     */
    private static void giveUp(Side side) {
        TcpConnection c = side.connection;
        if (c == null || side.done() || c.state() == TcpState.CLOSED) {
            return;
        }
        side.gaveUp = true;
        if (c.state() == TcpState.FIN_WAIT_2) {
            side.closed = true;
            c.close();
        } else {
            side.aborted = true;
            c.abort();
        }
    }

    /** The client's side of a connection attempt: start its application once ESTABLISHED. */
    private void opened(Simulation sim, long seed, Pair pair, CompletionStage<TcpConnection> connecting, TcpStack stack,
            InetSocketAddress remote, List<Pair> pairs, Map<InetAddress, List<Pair>> byClient, SplittableRandom again) {
        connecting.whenComplete((c, failure) -> {
            pair.connectDone = true;
            if (failure != null) {
                pair.connectFailure = failure;
                pair.reconnectPending = false;
                peerFailed(sim, pair.server);
                return;
            }
            pair.client.connection = c;
            start(pair.client, c, pair.streamSeed(seed, 0), pair.plan.c2s, pair.plan.clientEarly, pair.plan.aborter == 1);
            watchForFailure(sim, c, pair.server);
            if (pair.plan.reconnect) {
                c.closeFuture().thenAccept(reason -> {
                    if (reason != CloseReason.GRACEFUL) {
                        pair.reconnectPending = false;
                        return;
                    }
                    // The next incarnation: new amounts and closing order, the same port, 0-3 s later.
                    boolean clientEarly = again.nextBoolean();
                    Plan next = new Plan(again.nextLong(maxBytes + 1), again.nextLong(maxBytes + 1), clientEarly,
                            !clientEarly || again.nextBoolean(), 0, false);
                    Pair reopened = new Pair(pair.index, pair.incarnation + 1, next);
                    pairs.add(reopened);
                    byClient.get(c.id().local().getAddress()).add(reopened);
                    pair.reconnectPending = false;
                    reconnect(sim, seed, reopened, stack, remote, c.id().local().getPort(),
                            sim.now() + again.nextLong(3_000_000_001L), pairs, byClient, again);
                });
            }
        });
    }

    /**
     * Opens {@code pair} from {@code port} at {@code at}; while the old incarnation holds the port
     * (TIME-WAIT, 2 MSL, RFC 9293 §3.4.2: the engine refuses with AddressInUseException, as Linux's
     * connect() does without tcp_tw_reuse), tries again every 5 s.
     */
    private void reconnect(Simulation sim, long seed, Pair pair, TcpStack stack, InetSocketAddress remote, int port,
            long at, List<Pair> pairs, Map<InetAddress, List<Pair>> byClient, SplittableRandom again) {
        sim.scheduler().schedule(at, () -> {
            CompletableFuture<TcpConnection> connecting;
            pair.connectStarted = true;
            try {
                connecting = ((io.synack.core.driver.DrivenStack) stack).connectAsync(remote, port, null);
            } catch (RuntimeException e) {
                connecting = CompletableFuture.failedFuture(e);
            }
            connecting.whenComplete((c, failure) -> {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
                if (cause instanceof io.synack.api.AddressInUseException) {
                    pair.connectStarted = false;
                    reconnect(sim, seed, pair, stack, remote, port, sim.now() + 5_000_000_000L, pairs, byClient, again);
                    return;
                }
                opened(sim, seed, pair, failure != null ? CompletableFuture.failedFuture(cause) : CompletableFuture.completedFuture(c),
                        stack, remote, pairs, byClient, again);
            });
        });
    }

    private void acceptLoop(Simulation sim, TcpListener listener, List<TcpConnection> accepted,
            Map<InetAddress, List<Pair>> byClient, long seed, List<String> violations) {
        listener.acceptAsync().whenComplete((c, failure) -> {
            if (failure != null) {
                return; // the listener closed at the end of the run
            }
            accepted.add(c);
            // The latest incarnation the client started from that port, if its server side is not
            // yet taken.
            Pair p = null;
            for (Pair candidate : byClient.getOrDefault(c.id().remote().getAddress(), List.of())) {
                if (candidate.connectStarted) {
                    p = candidate;
                }
            }
            if (p == null || p.server.connection != null) {
                violations.add("invariant 3 (no stale SYN): accepted an unexpected " + c.id());
                c.abort();
            } else {
                p.server.connection = c;
                start(p.server, c, p.streamSeed(seed, 1), p.plan.s2c, p.plan.serverEarly, p.plan.aborter == 2);
                watchForFailure(sim, c, p.client);
                if (p.connectFailure != null || (p.client.connection != null && failed(p.client.connection))) {
                    peerFailed(sim, p.server); // accepted after the client already gave up
                }
            }
            acceptLoop(sim, listener, accepted, byClient, seed, violations);
        });
    }

    /** One application: write its stream (FIN at once if early), read to end of stream, close. */
    private static void start(Side side, TcpConnection c, long stream, long bytes, boolean early, boolean abort) {
        side.read = StreamPumps.read(c, Long.MAX_VALUE);
        if (abort) {
            side.written = StreamPumps.write(c, stream, bytes, false);
            side.written.whenComplete((v, e) -> {
                side.aborted = true;
                c.abort();
            });
            return;
        }
        if (early) {
            side.written = StreamPumps.write(c, stream, bytes, true); // half-close, keep reading
            CompletableFuture.allOf(side.written, side.read).whenComplete((v, e) -> close(side, c));
        } else {
            CompletableFuture<Void> w = new CompletableFuture<>();
            side.written = w;
            side.read.whenComplete((got, e) -> {
                if (e != null) {
                    w.completeExceptionally(e);
                    close(side, c);
                    return;
                }
                StreamPumps.write(c, stream, bytes, false).whenComplete((v, we) -> {
                    if (we != null) {
                        w.completeExceptionally(we);
                    } else {
                        w.complete(null);
                    }
                    close(side, c); // passive close after the peer's FIN
                });
            });
        }
    }

    private static void close(Side side, TcpConnection c) {
        side.closed = true;
        c.close();
    }

    private static void abortIfOpen(Side side) {
        if (side.connection != null && side.connection.state() != TcpState.CLOSED) {
            side.aborted = true;
            side.connection.abort();
        }
    }

    private static void checkData(Pair p, String direction, Side writer, Side reader, long written, long crc,
            List<String> violations) {
        if (reader.connection == null || reader.read == null || !reader.read.isDone() || reader.aborted) {
            return; // never opened, or the reader's own application aborted: it reads nothing more
        }
        if (!reader.read.isCompletedExceptionally()) {
            StreamPumps.Received got = reader.read.join();
            if (got.bytes() != written || got.crc() != crc) {
                violations.add("invariant 1 (exactly once, in order): " + reader.connection.id() + " " + direction
                        + " read " + got.bytes() + " bytes crc " + Long.toHexString(got.crc()) + " then end of stream, "
                        + "written " + written + " bytes crc " + Long.toHexString(crc));
            }
            return;
        }
        // The reader was told of a failure: so must the writer's application be.
        Set<CloseReason> failures = EnumSet.of(CloseReason.RESET, CloseReason.TIMED_OUT, CloseReason.ABORTED,
                CloseReason.REFUSED);
        if (writer.connection != null && !writer.aborted) {
            CompletableFuture<CloseReason> reason = writer.connection.closeFuture().toCompletableFuture();
            if (!reason.isDone() || !failures.contains(reason.getNow(null))) {
                violations.add("invariant 1 (failure reported to both): " + reader.connection.id() + " " + direction
                        + " reader failed (" + cause(reader.read) + ") but the writer's close reason is "
                        + (reason.isDone() ? reason.getNow(null) : "pending"));
            }
        }
    }

    private static String cause(CompletableFuture<?> f) {
        try {
            f.join();
            return "none";
        } catch (RuntimeException e) {
            return String.valueOf(e.getCause());
        }
    }

    private static String describe(Side side) {
        if (side.connection == null) {
            return "none";
        }
        io.synack.api.ConnectionStatistics st = side.connection.statistics();
        return side.connection.state() + " [sent " + st.bytesSent() + " B, received " + st.bytesReceived()
                + " B, retransmissions " + st.retransmissions() + ", snd.wnd " + st.sendWindow() + ", rcv.wnd "
                + st.receiveWindow() + ", written " + (side.written != null && side.written.isDone()) + ", read "
                + (side.read != null && side.read.isDone()) + (side.gaveUp ? ", gave up" : "")
                + ", close reason " + side.connection.closeFuture().toCompletableFuture().getNow(null) + "]";
    }

    private static long streamSeed(long seed, String connection, int direction) {
        return Simulation.deriveSeed(seed, "stream-" + connection + "-" + direction);
    }

    private static InetAddress address(int host) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) host});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
