package io.synack.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** encode then decode gives back every field, for seeded random segments and every option mix. */
class TcpCodecRoundTripTest {

    static IntStream seeds() {
        return IntStream.range(0, 200);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomSegmentsRoundTrip(int seed) {
        Random random = new Random(seed);
        boolean ipv6 = random.nextBoolean();
        InetAddress src = ipv6 ? RandomSegments.ipv6(random) : RandomSegments.ipv4(random);
        InetAddress dst = ipv6 ? RandomSegments.ipv6(random) : RandomSegments.ipv4(random);
        Segment sent = RandomSegments.segment(random, random.nextInt(RandomSegments.OPTION_COMBINATIONS), 1500);
        // Buffers of every kind and order, at an offset, to catch absolute-index and order mistakes.
        int offset = random.nextInt(8);
        ByteBuffer out = random.nextBoolean() ? ByteBuffer.allocate(offset + 1600) : ByteBuffer.allocateDirect(offset + 1600);
        out.order(random.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        out.position(offset);
        roundTrip(sent, src, dst, out);
    }

    @ParameterizedTest(name = "options {0}")
    @MethodSource("optionCombinations")
    void everyOptionCombinationRoundTripsOverIpv4AndIpv6(int options) {
        Random random = new Random(options);
        for (boolean ipv6 : new boolean[] {false, true}) {
            InetAddress src = ipv6 ? RandomSegments.ipv6(random) : RandomSegments.ipv4(random);
            InetAddress dst = ipv6 ? RandomSegments.ipv6(random) : RandomSegments.ipv4(random);
            for (int i = 0; i < 20; i++) {
                roundTrip(RandomSegments.segment(random, options, 64), src, dst, ByteBuffer.allocate(200));
            }
        }
    }

    static IntStream optionCombinations() {
        return IntStream.range(0, RandomSegments.OPTION_COMBINATIONS);
    }

    @ParameterizedTest(name = "{0} SACK blocks")
    @ValueSource(ints = {1, 2, 3, 4})
    void sackBlocksThatDoNotFitAreTrimmedKeepingTheFirst(int blocks) {
        // RFC 2018 §3: at most 4 blocks alone, 3 with timestamps (10+2 octets), which Linux aligns.
        Random random = new Random(blocks);
        Segment s = RandomSegments.segment(random, RandomSegments.OPT_TIMESTAMPS | RandomSegments.OPT_SACK, 0);
        s.sackBlockCount = blocks;
        ByteBuffer out = ByteBuffer.allocate(100);
        InetAddress a = RandomSegments.ipv4(random);
        TcpCodec.encode(s, a, a, out);
        out.flip();
        Segment back = new Segment();
        assertEquals(DecodeStatus.OK, TcpCodec.decode(out, a, a, true, back));
        int expected = Math.min(blocks, 3);
        assertEquals(expected, back.sackBlockCount);
        for (int i = 0; i < 2 * expected; i++) {
            assertEquals(s.sackBlocks[i], back.sackBlocks[i]);
        }
        assertEquals(TcpCodec.MIN_HEADER_LENGTH + 12 + 4 + 8 * expected, out.limit());
    }

    private static void roundTrip(Segment sent, InetAddress src, InetAddress dst, ByteBuffer out) {
        int start = out.position();
        int payloadPosition = sent.payload.position();
        int written = TcpCodec.encode(sent, src, dst, out);
        assertEquals(TcpCodec.encodedLength(sent), written);
        assertEquals(start + written, out.position());
        assertEquals(payloadPosition, sent.payload.position(), "encode must not consume the payload");
        int headerLength = written - sent.payloadLength();
        assertEquals(0, headerLength % 4, "options are padded to a 32-bit boundary");
        assertTrue(headerLength <= TcpCodec.MAX_HEADER_LENGTH);

        ByteBuffer datagram = out.duplicate().order(out.order());
        datagram.limit(start + written).position(start);
        assertTrue(TcpCodec.checksumValid(datagram, src, dst));
        Segment received = new Segment();
        assertEquals(DecodeStatus.OK, TcpCodec.decode(datagram, src, dst, true, received));
        assertEquals(start, datagram.position(), "decode leaves the datagram's position alone");
        assertEquals(start + written, datagram.limit(), "decode leaves the datagram's limit alone");

        // Linux's layout: mss 4, (sackOK,)TS 12 or nop,nop,sackOK 4, nop,wscale 4; SACK gets the rest.
        int otherOptions = (sent.mss != Segment.ABSENT ? 4 : 0) + (sent.hasTimestamps ? 12 : sent.sackPermitted ? 4 : 0)
                + (sent.windowScale != Segment.ABSENT ? 4 : 0);
        int sackBlocks = Math.min(sent.sackBlockCount, Math.max(0, (40 - otherOptions - 4) / 8));
        assertEquals(sent.sourcePort, received.sourcePort);
        assertEquals(sent.destinationPort, received.destinationPort);
        assertEquals(sent.seq, received.seq);
        assertEquals(sent.ack, received.ack);
        assertEquals(sent.flags, received.flags);
        assertEquals(sent.window, received.window);
        assertEquals(sent.urgentPointer, received.urgentPointer);
        assertEquals(sent.mss, received.mss);
        assertEquals(sent.windowScale, received.windowScale);
        assertEquals(sent.sackPermitted, received.sackPermitted);
        assertEquals(sent.hasTimestamps, received.hasTimestamps);
        assertEquals(sent.hasTimestamps ? sent.tsVal : 0, received.tsVal);
        assertEquals(sent.hasTimestamps ? sent.tsEcr : 0, received.tsEcr);
        assertEquals(sackBlocks, received.sackBlockCount);
        for (int i = 0; i < 2 * sackBlocks; i++) {
            assertEquals(sent.sackBlocks[i], received.sackBlocks[i], "SACK edge " + i);
        }
        assertEquals(sent.payload, received.payload);
        assertEquals(start + headerLength, received.payload.position());

        // Decoding again into the same segment reuses the payload view instead of allocating one.
        ByteBuffer view = received.payload;
        assertEquals(DecodeStatus.OK, TcpCodec.decode(datagram, src, dst, true, received));
        assertSame(view, received.payload);
        assertEquals(sent.payload, received.payload);
    }
}
