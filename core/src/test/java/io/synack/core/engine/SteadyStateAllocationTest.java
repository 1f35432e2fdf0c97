package io.synack.core.engine;

import static io.synack.core.engine.Fixture.LOCAL_ISS;
import static io.synack.core.engine.Fixture.REMOTE;
import static io.synack.core.engine.Fixture.REMOTE_ISS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.core.wire.Segment;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §3 hot-path discipline: once warmed up, sending data, receiving its ACKs and polling the
 * segments out allocates nothing. Measured with the JVM's per-thread allocation counter (bytes,
 * not time).
 */
class SteadyStateAllocationTest {

    @Test
    void sendAckPollAllocatesNothingInSteadyState() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Fixture f = Fixture.inEstablished();
        f.drainEvents();
        Segment ack = new Segment();
        ack.sourcePort = Fixture.REMOTE_PORT;
        ack.destinationPort = Fixture.LOCAL_PORT;
        ack.flags = Segment.ACK;
        ack.seq = REMOTE_ISS + 1;
        ack.window = 65535;
        Segment out = new Segment();
        ByteBuffer data = ByteBuffer.allocate(1000);
        int acked = LOCAL_ISS + 1;
        long now = 0;
        long before = 0;
        int rounds = 20_000;
        for (int i = 0; i < 2 * rounds; i++) {
            if (i == rounds) {
                before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            }
            now += 1_000;
            data.clear();
            assertEquals(1000, f.engine.send(f.handle, data, now));
            while (f.engine.pollTransmit(out) != null) {
                acked = out.seq + out.payloadLength();
            }
            ack.ack = acked;
            f.engine.handleSegment(REMOTE, ack, now);
            f.engine.handleTimeout(now);
            while (f.engine.pollEvent() != null) {
                // none expected
            }
        }
        long perRound = (mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before) / rounds;
        assertTrue(perRound < 8, "bytes allocated per send/ACK round: " + perRound);
    }
}
