package io.synack.cli.lab;

import io.synack.api.CloseReason;
import io.synack.api.ConnectionEvent;
import io.synack.api.ConnectionId;
import io.synack.api.SynackException;
import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import io.synack.api.TcpStack;
import io.synack.api.TcpState;
import io.synack.core.driver.Simulation;
import io.synack.core.engine.EngineConfig;
import io.synack.core.engine.TcpEngine;
import io.synack.transport.loopback.FaultModel;
import io.synack.transport.loopback.LoopbackNetwork;
import io.synack.transport.loopback.LoopbackTransportFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * One run of the simulation campaign (issue 5): for one seed, a server stack and several client
 * stacks on a faulty loopback network in virtual time; every client opens a connection, both sides
 * transfer a random amount each way with random half-closes, and the connection is closed by either
 * side or aborted. Four invariants are checked on every run:
 * <ol>
 *   <li>every byte written is delivered exactly once, in order (length + CRC-32C per direction), or
 *       both applications are told the connection failed (reset / timed out);</li>
 *   <li>every connection ends CLOSED on both sides within {@link #TIME_BOUND} of virtual time, and
 *       every stack ends with no connection in any state;</li>
 *   <li>no connection is established from a stale or duplicate SYN: the server accepts at most one
 *       connection per client connection, each with a client connection's 4-tuple;</li>
 *   <li>every state transition is one the RFC 9293 diagram allows ({@link TransitionTable}).</li>
 * </ol>
 * Everything random flows from the seed, so a failing run replays with {@link #replayCommand}.
 */
public final class Campaign {

    /** The most virtual time every connection may take to finish. */
    public static final Duration TIME_BOUND = Duration.ofMinutes(30);
    /** The server's port. */
    static final int PORT = 80;

    private final long maxBytes;
    private final int maxClients;
    private final String faults;
    private final int clientsOverride;
    private final double maxLoss;

    /** The CLI's default transfer bound per direction. */
    public static final long DEFAULT_MAX_BYTES = 256 * 1024;
    /** The highest loss rate a drawn mix has by default (the "up to 30 % loss"). */
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
        this.maxLoss = maxLoss;
        if (maxBytes < 0 || maxClients < 1 || clients < 0 || clients > 200) {
            throw new IllegalArgumentException("bytes must be >= 0, clients 1..200");
        }
        this.maxBytes = maxBytes;
        this.maxClients = maxClients;
        this.clientsOverride = clients;
        this.faults = faults;
        if (faults != null) {
            FaultModel.parse(faults); // fail early, naming the bad item
        }
    }

    /** The outcome of one run: its seed, the fault mix, and each invariant violation found. */
    public record Result(long seed, String faults, int clients, List<String> violations, String replay) {
        /** Whether every invariant held. */
        public boolean passed() {
            return violations.isEmpty();
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

    /**
     * A random fault mix: loss up to 30 %, duplication, reordering, a delay range and corruption.
     *
     * @param seed the run's seed
     * @return the mix in {@link FaultModel#parse} form
     */
    public static String drawFaults(long seed) {
        return drawFaults(seed, DEFAULT_MAX_LOSS);
    }

    /**
     * A random fault mix with loss up to {@code maxLoss}.
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
        return String.format(Locale.ROOT, "loss=%.3f,dup=%.3f,reorder=%.3f,delay=%dms..%dms,corrupt=%.3f",
                loss, dup, reorder, lo, hi, corrupt);
    }

    /** What one client connection's two applications do, drawn from the seed. */
    private record Plan(long c2s, long s2c, boolean clientEarly, boolean serverEarly, int aborter) {}

    /** One side's application of one connection. */
    private static final class Side {
        TcpConnection connection;
        CompletableFuture<Void> written;
        CompletableFuture<StreamPumps.Received> read;
        boolean aborted;
        boolean closed;

        boolean done() {
            return aborted || closed;
        }
    }

    /** Both sides of one client's connection. */
    private static final class Pair {
        final int index;
        final Plan plan;
        final Side client = new Side();
        final Side server = new Side();
        Throwable connectFailure;
        boolean connectDone;

        Pair(int index, Plan plan) {
            this.index = index;
            this.plan = plan;
        }

        boolean done() {
            return connectDone && (connectFailure != null || client.done()) && (server.connection == null || server.done());
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
        EngineConfig config = EngineConfig.defaults();
        Simulation sim = Simulation.create(seed, s -> new LoopbackTransportFactory(network, model, s),
                (address, engineSeed) -> TcpEngine.create(address, config, new SplittableRandom(engineSeed)));
        try {
            runIn(sim, seed, r, clients, violations);
        } catch (SynackException | RuntimeException e) {
            violations.add("run crashed: " + e);
        } finally {
            sim.close();
        }
        // The replay names the mix whenever the CLI would not draw the same one from the seed.
        String replay = replayCommand(seed, faults != null || maxLoss != DEFAULT_MAX_LOSS ? mix : null, clientsOverride)
                + (maxBytes == DEFAULT_MAX_BYTES ? "" : " --max-bytes " + maxBytes);
        return new Result(seed, mix, clients, List.copyOf(violations), replay);
    }

    private void runIn(Simulation sim, long seed, SplittableRandom r, int clients, List<String> violations)
            throws SynackException {
        InetAddress serverAddress = address(1);
        TcpStack server = sim.addStack(serverAddress);
        List<TcpStack> stacks = new ArrayList<>();
        stacks.add(server);
        Map<InetAddress, Pair> byClient = new HashMap<>();
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            boolean clientEarly = r.nextBoolean();
            boolean serverEarly = !clientEarly || r.nextBoolean(); // at least one side sends FIN without waiting
            int aborter = r.nextInt(20) == 0 ? 1 + r.nextInt(2) : 0; // 5 %: 1 = client aborts, 2 = server aborts
            Plan plan = new Plan(r.nextLong(maxBytes + 1), r.nextLong(maxBytes + 1), clientEarly, serverEarly, aborter);
            Pair pair = new Pair(i, plan);
            pairs.add(pair);
            InetAddress a = address(10 + i);
            byClient.put(a, pair);
            stacks.add(sim.addStack(a));
        }
        // Invariant 4: every transition, on every stack, against the diagram.
        Map<ConnectionId, Integer> serverEstablished = new HashMap<>();
        for (TcpStack stack : stacks) {
            boolean isServer = stack == server;
            stack.addEventListener(event -> {
                if (event instanceof ConnectionEvent.StateChanged s) {
                    if (!TransitionTable.allows(s.from(), s.to())) {
                        violations.add("invariant 4 (RFC 9293 state diagram): " + s.connection() + " went "
                                + s.from() + " -> " + s.to() + " (" + s.cause() + ") at " + s.timeNanos() + " ns");
                    }
                    if (isServer && s.to() == TcpState.ESTABLISHED) {
                        serverEstablished.merge(s.connection(), 1, Integer::sum);
                    }
                }
            });
        }
        TcpListener listener = server.listen(PORT, 128);
        List<TcpConnection> accepted = new ArrayList<>();
        acceptLoop(listener, accepted, byClient, seed, violations);
        for (int i = 0; i < clients; i++) {
            Pair pair = pairs.get(i);
            stacks.get(i + 1).connectAsync(new InetSocketAddress(serverAddress, PORT)).whenComplete((c, failure) -> {
                pair.connectDone = true;
                if (failure != null) {
                    pair.connectFailure = failure;
                    return;
                }
                pair.client.connection = c;
                start(pair.client, c, seed, pair.index, pair.plan.c2s, pair.plan.clientEarly, pair.plan.aborter == 1);
            });
        }
        boolean finished = sim.runUntil(() -> pairs.stream().allMatch(Pair::done), TIME_BOUND);
        if (!finished) {
            int pending = sim.scheduler().pendingTasks();
            for (Pair p : pairs) {
                if (!p.done()) {
                    boolean peerAborted = p.plan.aborter != 0;
                    // A peer that aborted while its RST was lost, or a server that gave up on its
                    // SYN-RECEIVED after the client's ACK and every SYN-ACK retransmission were lost,
                    // leaves a legitimately half-open connection (RFC 9293 §3.5.1) that nothing on
                    // the wire clears while its owner only waits to read; the application gives up
                    // on it. Any other hang is a violation.
                    boolean halfOpen = p.client.connection != null && p.server.connection == null;
                    if (!peerAborted && !halfOpen) {
                        violations.add("invariant 2 (ends within " + TIME_BOUND + "): " + p.name()
                                + " not finished after " + Duration.ofNanos(sim.now()) + " (" + pending + " timers/tasks pending): client "
                                + describe(p.client) + ", server " + describe(p.server));
                    }
                    abortIfOpen(p.client);
                    abortIfOpen(p.server);
                }
            }
        }
        sim.runUntilIdle();
        for (Pair p : pairs) {
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
            checkData(p, "client->server", p.client, p.server, p.plan.c2s, StreamPumps.expectedCrc(streamSeed(seed, p.index, 0), p.plan.c2s), violations);
            checkData(p, "server->client", p.server, p.client, p.plan.s2c, StreamPumps.expectedCrc(streamSeed(seed, p.index, 1), p.plan.s2c), violations);
            for (Side side : new Side[] {p.client, p.server}) {
                if (side.connection != null && side.connection.state() != TcpState.CLOSED) {
                    violations.add("invariant 2 (ends CLOSED): " + side.connection.id() + " is "
                            + side.connection.state() + " after the run (client: " + (p.connectFailure != null
                                    ? "connect failed: " + p.connectFailure : describe(p.client) + " closed "
                                    + p.client.connection.closeFuture().toCompletableFuture().getNow(null)) + ")");
                }
            }
        }
        // Invariant 3: only connections the clients opened, each accepted once.
        if (accepted.size() > clients) {
            violations.add("invariant 3 (no stale SYN): the server accepted " + accepted.size() + " connections from "
                    + clients + " clients");
        }
        for (TcpConnection c : accepted) {
            Pair p = byClient.get(c.id().remote().getAddress());
            boolean matches = p != null && p.client.connection != null
                    && p.client.connection.id().local().equals(c.id().remote())
                    && p.client.connection.id().remote().equals(c.id().local());
            if (!matches) {
                violations.add("invariant 3 (no stale SYN): accepted " + c.id() + " matches no client connection");
            }
        }
        serverEstablished.forEach((id, n) -> {
            if (n > 1) {
                violations.add("invariant 3 (no stale SYN): " + id + " became ESTABLISHED " + n + " times");
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
    }

    private void acceptLoop(TcpListener listener, List<TcpConnection> accepted, Map<InetAddress, Pair> byClient,
            long seed, List<String> violations) {
        listener.acceptAsync().whenComplete((c, failure) -> {
            if (failure != null) {
                return; // the listener closed at the end of the run
            }
            accepted.add(c);
            Pair p = byClient.get(c.id().remote().getAddress());
            if (p == null || p.server.connection != null) {
                violations.add("invariant 3 (no stale SYN): accepted an unexpected " + c.id());
                c.abort();
            } else {
                p.server.connection = c;
                start(p.server, c, seed, p.index, p.plan.s2c, p.plan.serverEarly, p.plan.aborter == 2);
            }
            acceptLoop(listener, accepted, byClient, seed, violations);
        });
    }

    /** One application: write its stream (FIN at once if early), read to end of stream, close. */
    private static void start(Side side, TcpConnection c, long seed, int index, long bytes, boolean early,
            boolean abort) {
        boolean isClient = c.id().remote().getPort() == PORT;
        long stream = streamSeed(seed, index, isClient ? 0 : 1);
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
                + (side.read != null && side.read.isDone()) + "]";
    }

    private static long streamSeed(long seed, int index, int direction) {
        return Simulation.deriveSeed(seed, "stream-" + index + "-" + direction);
    }

    private static InetAddress address(int host) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) host});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
