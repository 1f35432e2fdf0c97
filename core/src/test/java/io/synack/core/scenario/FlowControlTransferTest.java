package io.synack.core.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.CloseReason;
import io.synack.api.TcpConnection;
import io.synack.core.driver.DrivenStack;
import io.synack.core.driver.Simulation;
import io.synack.core.engine.EngineConfig;
import io.synack.core.engine.TcpEngine;
import io.synack.transport.loopback.FaultModel;
import io.synack.transport.loopback.FaultPlan;
import io.synack.transport.loopback.LoopbackNetwork;
import io.synack.transport.loopback.LoopbackTransportFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 4's end-to-end transfers that exercise the send side's flow and congestion control in
 * simulation (next to {@code BulkTransferTest}'s fault mixes, 1-byte receive buffer and silent
 * reader): a peer whose window stays zero for longer than R2 while it answers the probes, every
 * combination of window scale, SACK and timestamps on each side against each other under loss,
 * duplication and reordering, and the seed's half-close with a large response. Both directions
 * carry data at once; each byte is checked against its position in the stream (so it arrived once
 * and in order) and a CRC-32 is compared end to end; both sides end CLOSED gracefully and no TCB,
 * TIME-WAIT entry or timer remains.
 */
class FlowControlTransferTest {
    static final long KIB = 1024;
    static final long MIB = 1024 * KIB;

    @Test
    void aPeerWhoseWindowStaysZeroForMinutesIsProbedAndKeptThenCatchesUp() throws Exception {
        long bytes = 4 * MIB;
        EngineConfig d = EngineConfig.defaults();
        Run r = new Run(42, "loss=0.02,delay=2ms", d, d);
        // The server stops reading from 1 s to 20 min: longer than R2 (15 min), but the zero-window
        // probes are answered, so the connection lives (RFC 9293 §3.8.6.1) and then catches up.
        long pauseFrom = 1_000_000_000L;
        long pauseTo = Duration.ofMinutes(20).toNanos();
        r.run(bytes, bytes, reader -> reader == Side.SERVER ? new Pace(0, Integer.MAX_VALUE, pauseFrom, pauseTo) : Pace.FREE);
        assertTrue(r.finishedAt > pauseTo, "finished after the pause");
        System.out.printf("flow zero window for 20 min: %d MiB each way in %.1f s virtual%n", bytes / MIB, r.seconds());
    }

    static List<Object[]> optionPairs() {
        List<Object[]> l = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            for (int s = 0; s < 8; s++) {
                l.add(new Object[] {c, s});
            }
        }
        return l;
    }

    /** Bits: 1 window scale, 2 SACK, 4 timestamps. */
    static EngineConfig options(int bits) {
        return EngineConfig.defaults().withOptions((bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0);
    }

    static String name(int bits) {
        return ((bits & 1) != 0 ? "ws" : "--") + "," + ((bits & 2) != 0 ? "sack" : "----") + ","
                + ((bits & 4) != 0 ? "ts" : "--");
    }

    @ParameterizedTest(name = "client {0} server {1}")
    @MethodSource("optionPairs")
    void everyOptionCombinationAgainstEveryOther(int client, int server) throws Exception {
        long bytes = 256 * KIB;
        Run r = new Run(1000 + 8 * client + server, "loss=0.05,reorder=0.05:3ms,dup=0.02,delay=1ms..3ms",
                options(client), options(server));
        r.run(bytes, bytes, reader -> Pace.FREE);
    }

    @Test
    void halfCloseWithALargeResponse() throws Exception {
        // Seed "why four?": the client sends its request and shuts its output; the server, in
        // CLOSE-WAIT, keeps sending a large response that the client (FIN-WAIT-2) receives whole.
        Run r = new Run(43, "loss=0.05,delay=2ms", EngineConfig.defaults(), EngineConfig.defaults());
        r.run(200, 16 * MIB, reader -> Pace.FREE);
        assertTrue(r.sawClientInFinWait2WhileReceiving, "the response arrived while the client was half-closed");
        System.out.printf("flow half-close: 16 MiB response in %.1f s virtual%n", r.seconds());
    }

    enum Side { CLIENT, SERVER }

    /** How an application reads: {@code chunk} bytes every {@code interval} ns, not at all in [pauseFrom, pauseTo). */
    record Pace(long interval, int chunk, long pauseFrom, long pauseTo) {
        static final Pace FREE = new Pace(0, Integer.MAX_VALUE, 0, 0);
    }

    interface PaceChooser {
        Pace pace(Side reader);
    }

    /** Deterministic content: byte {@code i} of the stream salted by {@code salt}. */
    static byte content(long salt, long i) {
        long z = (i >>> 3) * 0x9E3779B97F4A7C15L + salt;
        z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L;
        z ^= z >>> 29;
        return (byte) (z >>> ((i & 7) << 3));
    }

    static final class Run {
        final long seed;
        final Simulation sim;
        final Map<InetAddress, TcpEngine> engines = new HashMap<>();
        final DrivenStack clientStack;
        final DrivenStack serverStack;
        final String replay;
        long startedAt;
        long finishedAt;
        boolean sawClientInFinWait2WhileReceiving;

        Run(long seed, String faults, EngineConfig clientConfig, EngineConfig serverConfig) throws Exception {
            this.seed = seed;
            this.replay = "seed " + seed + ", faults " + faults + " (replays this run)";
            LoopbackNetwork network = new LoopbackNetwork();
            FaultModel model = FaultModel.of(FaultPlan.parse(faults));
            sim = Simulation.create(seed, networkSeed -> new LoopbackTransportFactory(network, model, networkSeed),
                    (address, engineSeed) -> {
                        EngineConfig c = address.equals(World.CLIENT) ? clientConfig : serverConfig;
                        TcpEngine engine = TcpEngine.create(address, c, new SplittableRandom(engineSeed));
                        engines.put(address, engine);
                        return engine;
                    });
            clientStack = sim.addStack(World.CLIENT);
            serverStack = sim.addStack(World.SERVER);
        }

        double seconds() {
            return (finishedAt - startedAt) / 1e9;
        }

        void run(long upBytes, long downBytes, PaceChooser paces) throws Exception {
            CompletableFuture<TcpConnection> accepted =
                    serverStack.listen(World.PORT, 4).acceptAsync().toCompletableFuture();
            TcpConnection client = sim.await(clientStack.connectAsync(World.SERVER_PORT), Duration.ofMinutes(2));
            TcpConnection server = sim.await(accepted, Duration.ofMinutes(2));
            startedAt = sim.now();
            Stream up = new Stream(client, server, 0x1111, upBytes, paces.pace(Side.SERVER));
            Stream down = new Stream(server, client, 0x2222, downBytes, paces.pace(Side.CLIENT));
            // Paced readers need to wake up even when no segment arrives: a ticker task.
            long tick = Math.max(1, Math.min(up.pace.interval() == 0 ? Long.MAX_VALUE : up.pace.interval(),
                    down.pace.interval() == 0 ? Long.MAX_VALUE : down.pace.interval()));
            boolean paced = tick != Long.MAX_VALUE && tick > 1 || up.pace.pauseTo() > 0 || down.pace.pauseTo() > 0;
            long period = tick == Long.MAX_VALUE || tick == 1 ? 1_000_000_000L : tick;
            boolean[] done = {false};
            if (paced) {
                schedule(period, done);
            }
            boolean finished = sim.runUntil(() -> {
                if (client.state() == io.synack.api.TcpState.FIN_WAIT_2 && down.received > 0 && down.received < downBytes) {
                    sawClientInFinWait2WhileReceiving = true;
                }
                return up.step(sim.now()) & down.step(sim.now());
            }, Duration.ofHours(10));
            done[0] = true;
            finishedAt = sim.now();
            assertTrue(finished, "not finished; " + replay + ": up " + up + ", down " + down + "; client "
                    + client.state() + " " + client.statistics() + "; server " + server.state() + " "
                    + server.statistics() + "; drops " + clientStack.statistics().drops() + " / "
                    + serverStack.statistics().drops());
            client.close();
            server.close();
            assertTrue(sim.runUntil(() -> client.closeFuture().toCompletableFuture().isDone()
                    && server.closeFuture().toCompletableFuture().isDone(), Duration.ofMinutes(30)), replay);
            sim.runUntilIdle();
            assertEquals(up.sentCrc.getValue(), up.receivedCrc.getValue(), "CRC-32 up; " + replay);
            assertEquals(down.sentCrc.getValue(), down.receivedCrc.getValue(), "CRC-32 down; " + replay);
            assertEquals(CloseReason.GRACEFUL, client.closeFuture().toCompletableFuture().getNow(null), replay);
            assertEquals(CloseReason.GRACEFUL, server.closeFuture().toCompletableFuture().getNow(null), replay);
            for (TcpEngine e : engines.values()) {
                assertEquals(0, e.tcbCount(), replay);
                assertEquals(0, e.timeWaitCount(), replay);
                assertEquals(0, e.timerCount(), replay);
            }
        }

        private void schedule(long period, boolean[] done) {
            sim.scheduler().schedule(sim.now() + period, () -> {
                if (!done[0]) {
                    schedule(period, done);
                }
            });
        }
    }

    /** One direction: writes generated content into {@code from} then half-closes; reads and checks it at {@code to}. */
    static final class Stream {
        final TcpConnection from;
        final TcpConnection to;
        final long salt;
        final long total;
        final Pace pace;
        final ByteBuffer out = ByteBuffer.allocate(64 * 1024);
        final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        final CRC32 sentCrc = new CRC32();
        final CRC32 receivedCrc = new CRC32();
        long written;
        long received;
        long nextReadAt;
        boolean shut;
        boolean ended;

        Stream(TcpConnection from, TcpConnection to, long salt, long total, Pace pace) {
            this.from = from;
            this.to = to;
            this.salt = salt;
            this.total = total;
            this.pace = pace;
            out.limit(0);
        }

        boolean step(long now) {
            try {
                while (true) {
                    if (!out.hasRemaining()) {
                        if (written == total) {
                            break;
                        }
                        out.clear();
                        int n = (int) Math.min(out.capacity(), total - written);
                        for (int i = 0; i < n; i++) {
                            out.put(content(salt, written + i));
                        }
                        out.flip();
                    }
                    int pos = out.position();
                    int n = from.write(out);
                    sentCrc.update(out.array(), pos, n);
                    written += n;
                    if (n == 0) {
                        break;
                    }
                }
                if (written == total && !out.hasRemaining() && !shut) {
                    from.shutdownOutput();
                    shut = true;
                }
                boolean paused = now >= pace.pauseFrom() && now < pace.pauseTo();
                while (!ended && !paused && now >= nextReadAt) {
                    in.clear().limit(Math.min(in.capacity(), pace.chunk()));
                    int n = to.read(in);
                    if (n < 0) {
                        ended = true;
                        break;
                    }
                    if (n == 0) {
                        break;
                    }
                    byte[] a = in.array();
                    for (int i = 0; i < n; i++) {
                        if (a[i] != content(salt, received + i)) {
                            throw new AssertionError("byte " + (received + i) + " differs: lost, duplicated or out of order");
                        }
                    }
                    receivedCrc.update(a, 0, n);
                    received += n;
                    if (pace.interval() > 0) {
                        nextReadAt = now + pace.interval();
                        break;
                    }
                }
                return shut && ended;
            } catch (AssertionError e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String toString() {
            return "sent " + written + "/" + total + " read " + received + (ended ? " EOF" : "");
        }
    }
}
