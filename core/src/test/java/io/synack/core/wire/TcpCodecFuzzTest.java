package io.synack.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded fuzzing of {@link TcpCodec#decode}: random bytes and mutations of valid segments. Decode
 * must never throw, must leave the datagram alone, and whatever it accepts must be self-consistent:
 * re-encoding an accepted segment and decoding that gives the same segment back.
 */
class TcpCodecFuzzTest {

    private static final int ITERATIONS_PER_SEED = 5_000;

    static IntStream seeds() {
        return IntStream.range(0, 16);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void decodeSurvivesRandomAndMutatedBytes(int seed) {
        Random random = new Random(0x5EED_0000L + seed);
        InetAddress src = seed % 2 == 0 ? RandomSegments.ipv4(random) : RandomSegments.ipv6(random);
        InetAddress dst = seed % 2 == 0 ? RandomSegments.ipv4(random) : RandomSegments.ipv6(random);
        Map<DecodeStatus, Integer> seen = new EnumMap<>(DecodeStatus.class);
        Segment into = new Segment();
        Segment again = new Segment();
        ByteBuffer reencoded = ByteBuffer.allocate(2048);
        for (int i = 0; i < ITERATIONS_PER_SEED; i++) {
            byte[] bytes = random.nextInt(4) == 0 ? randomBytes(random) : mutatedSegment(random, src, dst);
            int offset = random.nextInt(4);
            ByteBuffer datagram = ByteBuffer.allocate(offset + bytes.length + random.nextInt(4));
            datagram.order(random.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            datagram.put(offset, bytes).position(offset).limit(offset + bytes.length);
            boolean verify = random.nextBoolean();

            DecodeStatus status = TcpCodec.decode(datagram, src, dst, verify, into);

            seen.merge(status, 1, Integer::sum);
            assertEquals(offset, datagram.position());
            assertEquals(offset + bytes.length, datagram.limit());
            if (status != DecodeStatus.OK) {
                assertEquals(0, into.payloadLength());
                continue;
            }
            assertTrue(into.payload.position() >= offset + TcpCodec.MIN_HEADER_LENGTH);
            assertEquals(offset + bytes.length, into.payload.limit());
            assertTrue(into.windowScale <= TcpCodec.MAX_WINDOW_SCALE);
            reencoded.clear();
            TcpCodec.encode(into, src, dst, reencoded);
            reencoded.flip();
            assertEquals(DecodeStatus.OK, TcpCodec.decode(reencoded, src, dst, true, again));
            assertEquals(into.toString(), again.toString());
            assertEquals(into.urgentPointer, again.urgentPointer);
        }
        // The mutations must reach every outcome, or the fuzzer is not exploring the decoder.
        assertEquals(DecodeStatus.values().length, seen.size(), "outcomes seen: " + seen);
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[random.nextInt(80)];
        random.nextBytes(b);
        if (b.length > 12 && random.nextBoolean()) {
            b[12] = (byte) ((5 + random.nextInt(11)) << 4); // a plausible data offset
        }
        return b;
    }

    private static byte[] mutatedSegment(Random random, InetAddress src, InetAddress dst) {
        Segment s = RandomSegments.segment(random, random.nextInt(RandomSegments.OPTION_COMBINATIONS), 40);
        ByteBuffer out = ByteBuffer.allocate(TcpCodec.encodedLength(s));
        TcpCodec.encode(s, src, dst, out);
        byte[] b = out.array();
        int mutations = random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(4)) {
                case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                case 1 -> { // an option kind or length octet of 0..3
                    int options = b.length - TcpCodec.MIN_HEADER_LENGTH;
                    int at = options > 0 ? TcpCodec.MIN_HEADER_LENGTH + random.nextInt(options) : random.nextInt(b.length);
                    b[at] = (byte) random.nextInt(4);
                }
                case 2 -> b[12] = (byte) (random.nextInt(16) << 4 | (b[12] & 0x0F));
                default -> {
                    return java.util.Arrays.copyOf(b, random.nextInt(b.length + 1)); // truncated
                }
            }
        }
        return b;
    }
}
