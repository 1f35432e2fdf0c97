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

    /**
     * The receive path too: text arriving out of order (every pair swapped, so each second segment
     * fills a hole), held in the ring, SACK blocks and timestamps on every ACK, and the application
     * reading into a reused buffer, allocates nothing per segment once warmed up. (The reader
     * leaves one byte unread so that no Readable event, which is an object, is due.)
     */
    @Test
    void outOfOrderReceiveWithSackAllocatesNothingInSteadyState() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Fixture f = new Fixture();
        f.connect();
        f.out();
        Segment synAck = new Segment();
        synAck.sourcePort = Fixture.REMOTE_PORT;
        synAck.destinationPort = Fixture.LOCAL_PORT;
        synAck.flags = Segment.SYN | Segment.ACK;
        synAck.seq = REMOTE_ISS;
        synAck.ack = LOCAL_ISS + 1;
        synAck.window = 65535;
        synAck.mss = 1460;
        synAck.sackPermitted = true;
        synAck.hasTimestamps = true;
        synAck.tsVal = 1;
        synAck.windowScale = 7;
        f.engine.handleSegment(REMOTE, synAck, 0);
        f.out();
        f.drainEvents();
        Segment text = new Segment();
        text.sourcePort = Fixture.REMOTE_PORT;
        text.destinationPort = Fixture.LOCAL_PORT;
        text.flags = Segment.ACK;
        text.ack = LOCAL_ISS + 1;
        text.window = 512;
        text.hasTimestamps = true;
        ByteBuffer payload = ByteBuffer.allocate(1000);
        ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
        Segment out = new Segment();
        int next = REMOTE_ISS + 1;
        long now = 0;
        long before = 0;
        int rounds = 20_000;
        int sackedAcks = 0;
        for (int i = 0; i < 2 * rounds; i++) {
            if (i == rounds) {
                before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            }
            now += 1_000_000;
            for (int k = 1; k >= 0; k--) { // the second segment first
                text.seq = next + 1000 * k;
                text.tsVal = (int) (now / 1_000_000);
                payload.clear();
                text.payload = payload;
                f.engine.handleSegment(REMOTE, text, now);
            }
            next += 2000;
            while (f.engine.pollTransmit(out) != null) {
                sackedAcks += out.sackBlockCount > 0 ? 1 : 0;
            }
            int readable = f.engine.readableBytes(f.handle);
            sink.clear().limit(readable - 1);
            f.engine.receive(f.handle, sink, now);
            f.engine.handleTimeout(now);
            while (f.engine.pollEvent() != null) {
                // none expected
            }
        }
        long perRound = (mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before) / rounds;
        assertTrue(sackedAcks >= rounds, "the out-of-order segments drew SACK blocks: " + sackedAcks);
        assertEquals(2L * 2 * rounds * 1000, f.engine.statistics(f.handle).bytesReceived());
        assertTrue(perRound < 8, "bytes allocated per out-of-order pair: " + perRound);
    }
}
