package io.synack.core.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hot path allocates nothing: a driver encoding into a reused buffer and decoding each datagram
 * of a reused receive buffer into a reused {@link Segment}, over IPv4 and IPv6, allocates zero
 * bytes in steady state (measured with the JVM's per-thread allocation counter).
 */
class TcpCodecAllocationTest {
    /** Far below one allocation per round; room for the runtime's own one-off allocations. */
    private static final long SLACK_BYTES = 4096;

    @Test
    void encodeAndDecodeAllocateNothingInSteadyState() throws Exception {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        // synack builds and runs on HotSpot JDKs (OpenJDK, Temurin), which all have this counter.
        assertTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "thread allocation accounting is off in this JVM");
        Random random = new Random(7);
        InetAddress v4a = RandomSegments.ipv4(random);
        InetAddress v4b = RandomSegments.ipv4(random);
        // Two addresses of one prefix whose Inet6Address.hashCode() values are close (a plain sum of
        // words): they must not evict each other from the IPv6 address cache.
        InetAddress v6a = InetAddress.getByName("2001:db8::1");
        InetAddress v6b = InetAddress.getByName("2001:db8:1::2");
        InetAddress v6c = InetAddress.getByAddress(v6b.getAddress()); // equal to v6b, another instance
        Segment out = RandomSegments.segment(random, 31, 100);
        out.payload = ByteBuffer.allocateDirect(100);
        Segment in = new Segment();
        Segment other = new Segment();
        ByteBuffer wire = ByteBuffer.allocateDirect(2048);
        long thread = Thread.currentThread().getId();

        run(out, in, other, wire, v4a, v4b, v6a, v6b, v6c, 20_000); // warm up: JIT, the IPv6 cache, the payload view
        long before = threads.getThreadAllocatedBytes(thread);
        long checks = run(out, in, other, wire, v4a, v4b, v6a, v6b, v6c, 100_000);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertEquals(400_000, checks);
        // One object per round would be at least 16 bytes x 100,000 rounds = 1.6 MB. A few dozen bytes
        // once (a deoptimisation and recompilation while the machine is loaded) are the JIT's, not ours.
        assertTrue(allocated < SLACK_BYTES, "bytes allocated by 100,000 encode/decode rounds: " + allocated);
    }

    private static long run(Segment out, Segment in, Segment other, ByteBuffer wire, InetAddress v4a, InetAddress v4b,
            InetAddress v6a, InetAddress v6b, InetAddress v6c, int rounds) {
        long ok = 0;
        for (int i = 0; i < rounds; i++) {
            out.seq = i;
            boolean ipv6 = (i & 1) == 0;
            InetAddress src = ipv6 ? v6a : v4a;
            InetAddress dst = ipv6 ? ((i & 2) == 0 ? v6b : v6c) : v4b;
            wire.clear();
            TcpCodec.encode(out, src, dst, wire);
            wire.flip();
            if (TcpCodec.decode(wire, src, dst, true, in) == DecodeStatus.OK && in.seq == i) {
                ok++;
            }
            // A second decoder on the same thread (as a trace recorder would be) keeps its own view.
            TcpCodec.decode(wire, src, dst, false, other);
            if (TcpCodec.checksumValid(wire, src, dst)) {
                ok++;
            }
            ok += in.payloadLength() == 100 ? 1 : 0;
            ok += TcpCodec.encodedLength(out) == wire.limit() ? 1 : 0;
        }
        return ok;
    }
}
