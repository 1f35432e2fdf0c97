package io.synack.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.SynackException;
import io.synack.api.TcpState;
import io.synack.core.wire.Segment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "Nothing a peer sends can throw out of the engine": seeded random segments (flags, sequence and
 * acknowledgment numbers near and far from the fixture's, payloads, windows, MSS) and random user
 * calls against every fixture state; the engine never throws, and after closing everything and
 * waiting out every timer nothing is left. A failure names its seed.
 */
class EngineFuzzTest {
    private static final List<Supplier<Fixture>> FIXTURES = List.of(Fixture::inClosed, Fixture::inListen,
            Fixture::inSynSent, Fixture::inSynReceived, Fixture::inEstablished, Fixture::inFinWait1,
            Fixture::inFinWait2, Fixture::inCloseWait, Fixture::inClosing, Fixture::inLastAck, Fixture::inTimeWait);

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void randomSegmentsAndCallsNeverThrowAndLeakNothing(long seed) {
        Random r = new Random(seed);
        for (Supplier<Fixture> make : FIXTURES) {
            Fixture f = make.get();
            Segment s = new Segment();
            for (int i = 0; i < 400; i++) {
                f.now += r.nextInt(3) == 0 ? r.nextInt(2_000_000_000) : r.nextInt(1_000_000);
                int op = r.nextInt(10);
                try {
                    if (op < 7) {
                        s.clear();
                        s.sourcePort = r.nextInt(8) == 0 ? r.nextInt(65536) : Fixture.REMOTE_PORT;
                        s.destinationPort = r.nextInt(8) == 0 ? r.nextInt(65536) : Fixture.LOCAL_PORT;
                        s.seq = r.nextBoolean() ? r.nextInt() : Fixture.REMOTE_ISS + r.nextInt(200) - 100;
                        s.ack = r.nextBoolean() ? r.nextInt() : Fixture.LOCAL_ISS + r.nextInt(200) - 100;
                        s.flags = r.nextInt(256);
                        s.window = r.nextInt(65536);
                        s.mss = r.nextInt(4) == 0 ? r.nextInt(65536) : Segment.ABSENT;
                        s.payload = ByteBuffer.wrap(new byte[r.nextInt(4) == 0 ? r.nextInt(3000) : 0]);
                        f.engine.handleSegment(Fixture.REMOTE, s, f.now);
                    } else if (op == 7) {
                        f.engine.handleTimeout(f.now);
                    } else if (op == 8 && f.handle >= 0) {
                        switch (r.nextInt(4)) {
                            case 0 -> f.engine.send(f.handle, ByteBuffer.wrap(new byte[r.nextInt(5000)]), f.now);
                            case 1 -> f.engine.receive(f.handle, ByteBuffer.allocate(r.nextInt(5000)), f.now);
                            case 2 -> f.engine.shutdownOutput(f.handle, f.now);
                            default -> f.engine.setNoDelay(f.handle, r.nextBoolean());
                        }
                    } else if (op == 9 && f.listener >= 0) {
                        int h = f.engine.accept(f.listener);
                        if (h >= 0 && r.nextBoolean()) {
                            f.engine.close(h, f.now);
                        }
                    }
                } catch (SynackException expected) {
                    // typed errors of user calls on failed or closing connections are fine
                }
                f.out();
                f.drainEvents();
                assertTrue(f.engine.tcbCount() >= 0, "seed " + seed);
            }
            // Close everything and let every timer run out: nothing may remain.
            if (f.listener >= 0) {
                f.engine.closeListener(f.listener, f.now);
            }
            for (int h = 0; h < 64; h++) {
                if (f.engine.state(h) != TcpState.CLOSED || f.engine.readableBytes(h) > 0) {
                    f.engine.abort(h, f.now);
                }
                f.engine.close(h, f.now);
            }
            f.out();
            for (int i = 0; i < 10_000 && f.engine.nextDeadline() != Long.MAX_VALUE; i++) {
                f.at(Math.max(f.now, f.engine.nextDeadline()));
                f.out();
            }
            assertEquals(0, f.engine.tcbCount(), "seed " + seed);
            assertEquals(0, f.engine.timeWaitCount(), "seed " + seed);
            assertEquals(0, f.engine.timerCount(), "seed " + seed);
        }
    }
}
