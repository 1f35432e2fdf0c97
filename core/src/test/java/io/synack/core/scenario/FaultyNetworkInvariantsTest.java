package io.synack.core.scenario;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invariants of a whole exchange — handshake, data both ways, half-close, four-way close, TIME-WAIT
 * — over a seeded faulty network (loss, duplication, reordering, variable delay, corruption), for
 * many seeds: every byte arrives once and in order, both ends close gracefully, and nothing is
 * left behind. A failure names the seed that replays it.
 */
class FaultyNetworkInvariantsTest {

    private static final FaultPlan FAULTS =
            FaultPlan.parse("loss=0.05,dup=0.02,reorder=0.05,delay=1ms..20ms,corrupt=0.01");

    static long[] seeds() {
        long[] seeds = new long[12];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = 31 * i + 7;
        }
        return seeds;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyByteArrivesOnceInOrderBothEndsCloseGracefullyAndNothingIsLeft(long seed) throws Exception {
        Map<InetAddress, TcpEngine> engines = new HashMap<>();
        LoopbackNetwork network = new LoopbackNetwork();
        Simulation sim = Simulation.create(seed,
                networkSeed -> new LoopbackTransportFactory(network, FaultModel.of(FAULTS), networkSeed),
                (address, engineSeed) -> {
                    TcpEngine engine = TcpEngine.create(address, EngineConfig.defaults(), new SplittableRandom(engineSeed));
                    engines.put(address, engine);
                    return engine;
                });
        DrivenStack clientStack = sim.addStack(World.CLIENT);
        DrivenStack serverStack = sim.addStack(World.SERVER);
        Random random = new Random(sim.deriveSeed("data"));
        byte[] request = new byte[20_000 + random.nextInt(20_000)];
        byte[] response = new byte[20_000 + random.nextInt(20_000)];
        random.nextBytes(request);
        random.nextBytes(response);
        String replay = "seed " + seed + " (replays this run)";

        CompletableFuture<TcpConnection> accepted = serverStack.listen(World.PORT, 4).acceptAsync().toCompletableFuture();
        TcpConnection client = sim.await(clientStack.connectAsync(World.SERVER_PORT), Duration.ofMinutes(2));
        TcpConnection server = sim.await(accepted, Duration.ofMinutes(2));

        Pipe up = new Pipe(client, server, request);
        Pipe down = new Pipe(server, client, response);
        boolean finished = sim.runUntil(() -> {
            try {
                return up.step() & down.step();
            } catch (Exception e) {
                throw new IllegalStateException(replay, e);
            }
        }, Duration.ofMinutes(30));
        assertTrue(finished, "the exchange did not finish in 30 virtual minutes; " + replay + "; at "
                + Duration.ofNanos(sim.now()) + " with " + sim.scheduler().pendingTasks() + " tasks pending; client "
                + client.state() + " sent " + up.source.position() + "/" + request.length + " got " + down.sink.size()
                + "/" + response.length + ", server " + server.state() + " got " + up.sink.size() + "; next deadlines "
                + engines.get(World.CLIENT).nextDeadline() + ", " + engines.get(World.SERVER).nextDeadline()
                + "; client drops " + clientStack.statistics().drops() + "; server drops " + serverStack.statistics().drops());
        client.close();
        server.close();
        assertTrue(sim.runUntil(() -> client.closeFuture().toCompletableFuture().isDone()
                && server.closeFuture().toCompletableFuture().isDone(), Duration.ofMinutes(30)), replay);
        sim.runUntilIdle();

        assertArrayEquals(request, up.received(), replay);
        assertArrayEquals(response, down.received(), replay);
        assertClosedGracefully(client, serverStack, replay);
        assertClosedGracefully(server, clientStack, replay);
        for (TcpEngine engine : engines.values()) {
            assertEquals(0, engine.tcbCount(), replay);
            assertEquals(0, engine.timeWaitCount(), replay);
            assertEquals(0, engine.timerCount(), replay);
        }
    }

    /**
     * MUST-12: the application learns how its connection ended. Graceful — unless the peer had
     * already forgotten the connection when our (retransmitted) FIN finally got through: its
     * FIN-WAIT-2 timer (Linux's {@code tcp_fin_timeout}) gave up, or its TIME-WAIT (2×MSL = 60 s)
     * ended before our backed-off RTO (up to 120 s, as Linux's TCP_RTO_MAX) retransmitted the FIN
     * whose ACK the network lost. Then the late FIN finds no TCB and is answered with RST
     * (RFC 9293 §3.10.7.1), and "reset" is the truth.
     */
    private static void assertClosedGracefully(TcpConnection c, DrivenStack peer, String replay) {
        CloseReason reason = c.closeFuture().toCompletableFuture().getNow(null);
        java.util.Map<String, Long> t = peer.statistics().transitions();
        boolean peerForgot = t.containsKey("FIN-WAIT-2 => CLOSED") || t.containsKey("TIME-WAIT => CLOSED");
        assertTrue(reason == CloseReason.GRACEFUL || reason == CloseReason.RESET && peerForgot,
                c.id() + " ended " + reason + " (peer transitions " + peer.statistics().transitions() + "); " + replay);
    }

    /** One direction: writes {@code data} into {@code from} then half-closes; reads {@code to} to its end. */
    private static final class Pipe {
        private final TcpConnection from;
        private final TcpConnection to;
        private final ByteBuffer source;
        private final ByteArrayOutputStream sink = new ByteArrayOutputStream();
        private final ByteBuffer chunk = ByteBuffer.allocate(8192);
        private boolean shut;
        private boolean ended;

        Pipe(TcpConnection from, TcpConnection to, byte[] data) {
            this.from = from;
            this.to = to;
            this.source = ByteBuffer.wrap(data);
        }

        /** Moves what can move now; true once everything was sent and the end of stream was read. */
        boolean step() throws Exception {
            if (source.hasRemaining()) {
                from.write(source);
            } else if (!shut) {
                from.shutdownOutput();
                shut = true;
            }
            int n;
            while (!ended && (n = to.read(chunk.clear())) != 0) {
                if (n < 0) {
                    ended = true;
                } else {
                    sink.write(chunk.array(), 0, n);
                }
            }
            return shut && ended;
        }

        byte[] received() {
            return sink.toByteArray();
        }
    }
}
