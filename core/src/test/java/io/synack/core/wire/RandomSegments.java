package io.synack.core.wire;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Random;

/** Seeded random segments and addresses for the codec's property tests. */
final class RandomSegments {
    private RandomSegments() {}

    /** Option presence bits, so that tests can enumerate every combination. */
    static final int OPT_MSS = 1;
    static final int OPT_WINDOW_SCALE = 2;
    static final int OPT_SACK_PERMITTED = 4;
    static final int OPT_TIMESTAMPS = 8;
    static final int OPT_SACK = 16;
    static final int OPTION_COMBINATIONS = 32;

    static Segment segment(Random random, int options, int maxPayload) {
        Segment s = new Segment();
        s.sourcePort = random.nextInt(65536);
        s.destinationPort = random.nextInt(65536);
        s.seq = random.nextInt();
        s.ack = random.nextInt();
        s.flags = random.nextInt(256);
        s.window = random.nextInt(65536);
        s.urgentPointer = random.nextInt(65536);
        if ((options & OPT_MSS) != 0) {
            s.mss = random.nextInt(65536);
        }
        if ((options & OPT_WINDOW_SCALE) != 0) {
            s.windowScale = random.nextInt(TcpCodec.MAX_WINDOW_SCALE + 1);
        }
        s.sackPermitted = (options & OPT_SACK_PERMITTED) != 0;
        if ((options & OPT_TIMESTAMPS) != 0) {
            s.hasTimestamps = true;
            s.tsVal = random.nextInt();
            s.tsEcr = random.nextInt();
        }
        if ((options & OPT_SACK) != 0) {
            s.sackBlockCount = 1 + random.nextInt(Segment.MAX_SACK_BLOCKS);
            for (int i = 0; i < 2 * Segment.MAX_SACK_BLOCKS; i++) {
                s.sackBlocks[i] = random.nextInt();
            }
        }
        byte[] payload = new byte[maxPayload == 0 ? 0 : random.nextInt(maxPayload + 1)];
        random.nextBytes(payload);
        s.payload = ByteBuffer.wrap(payload);
        return s;
    }

    static InetAddress ipv4(Random random) {
        byte[] a = new byte[4];
        random.nextBytes(a);
        return address(a);
    }

    static InetAddress ipv6(Random random) {
        byte[] a = new byte[16];
        random.nextBytes(a);
        a[0] = 0x20; // keep it a global-unicast-looking address, never IPv4-mapped
        return address(a);
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
