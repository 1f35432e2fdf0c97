package io.synack.core.engine;

import static io.synack.core.engine.EnginePair.MS;
import static io.synack.core.engine.EnginePair.S;
import static io.synack.core.engine.EnginePair.SERVER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.synack.api.SynackException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Invariants over seeds on a faulty network (10% loss, 5% duplication, up to 30 ms of extra delay
 * that reorders): every connection opens, carries its bytes both ways exactly, closes, and after
 * TIME-WAIT nothing is left. Failures name the seed that replays them.
 */
class LossyNetworkTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    void connectionsSurviveLossDuplicationAndReordering(long seed) throws Exception {
        Random r = new Random(seed);
        EnginePair p = EnginePair.create(EngineConfig.defaults(), seed);
        p.hook = f -> {
            double x = r.nextDouble();
            if (x < 0.10) {
                return -1;
            }
            if (x < 0.15) {
                p.inject(f.from, f.segment, p.latency + r.nextInt(30) * MS);
            }
            return r.nextInt(30) * MS;
        };
        int l = p.server.listen(80, 16);
        int n = 5;
        int[] c = new int[n];
        int[] s = new int[n];
        byte[][] up = new byte[n][];
        byte[][] down = new byte[n][];
        for (int i = 0; i < n; i++) {
            c[i] = p.client.connect(new InetSocketAddress(SERVER, 80), 0, p.now);
            up[i] = new byte[5_000 + r.nextInt(20_000)];
            down[i] = new byte[5_000 + r.nextInt(20_000)];
            r.nextBytes(up[i]);
            r.nextBytes(down[i]);
        }
        for (int i = 0; i < n; i++) {
            s[i] = -1;
        }
        int accepted = 0;
        for (int step = 0; step < 2000 && accepted < n; step++) {
            p.runFor(100 * MS);
            int h;
            while ((h = p.server.accept(l)) >= 0) {
                for (int i = 0; i < n; i++) {
                    if (p.server.id(h).remote().getPort() == p.client.id(c[i]).local().getPort()) {
                        s[i] = h;
                    }
                }
                accepted++;
            }
        }
        assertEquals(n, accepted, "seed " + seed);
        ByteBuffer[] upSrc = new ByteBuffer[n];
        ByteBuffer[] downSrc = new ByteBuffer[n];
        ByteBuffer[] upDst = new ByteBuffer[n];
        ByteBuffer[] downDst = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            upSrc[i] = ByteBuffer.wrap(up[i]);
            downSrc[i] = ByteBuffer.wrap(down[i]);
            upDst[i] = ByteBuffer.allocate(up[i].length);
            downDst[i] = ByteBuffer.allocate(down[i].length);
        }
        for (int step = 0; step < 20_000; step++) {
            boolean done = true;
            for (int i = 0; i < n; i++) {
                pump(p.client, c[i], upSrc[i], downDst[i], p.now);
                pump(p.server, s[i], downSrc[i], upDst[i], p.now);
                done &= !upDst[i].hasRemaining() && !downDst[i].hasRemaining();
            }
            if (done) {
                break;
            }
            p.runFor(50 * MS);
        }
        for (int i = 0; i < n; i++) {
            assertArrayEquals(up[i], upDst[i].array(), "seed " + seed);
            assertArrayEquals(down[i], downDst[i].array(), "seed " + seed);
            p.client.close(c[i], p.now);
            p.server.close(s[i], p.now);
        }
        p.runFor(400 * S);
        assertEquals(0, p.client.tcbCount(), "seed " + seed);
        assertEquals(0, p.server.tcbCount(), "seed " + seed);
        assertEquals(0, p.client.timeWaitCount() + p.server.timeWaitCount(), "seed " + seed);
        assertEquals(0, p.client.timerCount() + p.server.timerCount(), "seed " + seed);
        assertEquals(0, p.server.backlogInUse(l), "seed " + seed);
        // the faults did happen: losses were repaired by retransmission
        org.junit.jupiter.api.Assertions.assertTrue(
                p.client.statistics().retransmissions() + p.server.statistics().retransmissions() > 0, "seed " + seed);
    }

    private static void pump(TcpEngine e, int h, ByteBuffer src, ByteBuffer dst, long now) throws SynackException {
        if (src.hasRemaining()) {
            e.send(h, src, now);
        }
        while (dst.hasRemaining() && e.receive(h, dst, now) > 0) {
            // drain
        }
    }
}
