package io.synack.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every malformed case the decoder names, and the lenient cases it must accept as Linux does. */
class TcpCodecMalformedTest {

    private static final InetAddress SRC = address("192.0.2.1");
    private static final InetAddress DST = address("192.0.2.2");

    @ParameterizedTest(name = "{0} octets")
    @ValueSource(ints = {0, 1, 8, 19})
    void fewerThanTwentyOctetsIsAShortHeader(int length) {
        Segment into = dirty();
        assertEquals(DecodeStatus.SHORT_HEADER, decode(new byte[length], false, into));
        assertCleared(into);
    }

    @ParameterizedTest(name = "data offset {0}")
    @ValueSource(ints = {0, 1, 4})
    void dataOffsetBelowFiveWordsIsBad(int words) {
        byte[] segment = header(words, new byte[0], new byte[0]);
        assertEquals(DecodeStatus.BAD_DATA_OFFSET, decode(segment, false, new Segment()));
    }

    @Test
    void dataOffsetBeyondTheDatagramIsBad() {
        byte[] segment = header(6, new byte[0], new byte[0]); // says 24 octets of header, has 20
        assertEquals(DecodeStatus.BAD_DATA_OFFSET, decode(segment, false, new Segment()));
        byte[] fifteenWords = header(15, new byte[36], new byte[0]); // 56 octets, needs 60
        assertEquals(DecodeStatus.BAD_DATA_OFFSET, decode(fifteenWords, false, new Segment()));
    }

    @ParameterizedTest(name = "option length {0}")
    @ValueSource(ints = {0, 1})
    void optionLengthZeroOrOneIsBad(int length) {
        // RFC 9293 §3.2, MUST-7: "MUST be prepared to handle an illegal option length (e.g., zero)".
        byte[] options = {(byte) TcpCodec.KIND_MSS, (byte) length, 0x05, (byte) 0xB4};
        Segment into = new Segment();
        assertEquals(DecodeStatus.BAD_OPTION_LENGTH, decode(header(6, options, new byte[0]), false, into));
        assertCleared(into);
        byte[] unknown = {(byte) 99, (byte) length, 0, 0};
        assertEquals(DecodeStatus.BAD_OPTION_LENGTH, decode(header(6, unknown, new byte[0]), false, new Segment()));
    }

    @Test
    void optionRunningPastTheHeaderIsBadEvenWhenPayloadFollows() {
        // Timestamps (10 octets) starting 2 octets before the end of a 24-octet header: the option
        // would swallow payload octets.
        byte[] options = {1, 1, (byte) TcpCodec.KIND_TIMESTAMPS, 10};
        assertEquals(DecodeStatus.BAD_OPTION_LENGTH, decode(header(6, options, new byte[16]), false, new Segment()));
    }

    @Test
    void optionKindWithoutRoomForItsLengthIsBad() {
        byte[] options = {1, 1, 1, (byte) TcpCodec.KIND_MSS};
        assertEquals(DecodeStatus.BAD_OPTION_LENGTH, decode(header(6, options, new byte[4]), false, new Segment()));
    }

    @Test
    void badChecksumIsDetectedAndCheckedBeforeOptions() {
        byte[] segment = valid(new byte[] {1, 1, 1, 1}, new byte[] {1, 2, 3});
        segment[TcpCodec.MIN_HEADER_LENGTH + 4] ^= 0x40;
        assertEquals(DecodeStatus.BAD_CHECKSUM, decode(segment, true, new Segment()));
        assertEquals(DecodeStatus.OK, decode(segment, false, new Segment()), "not verified on request");
        // An illegal option in a segment whose checksum is also bad counts as a bad checksum:
        // nothing in a corrupted segment is believed.
        byte[] badOption = valid(new byte[] {(byte) TcpCodec.KIND_MSS, 4, 5, (byte) 0xB4}, new byte[0]);
        badOption[TcpCodec.MIN_HEADER_LENGTH + 1] = 0;
        assertEquals(DecodeStatus.BAD_CHECKSUM, decode(badOption, true, new Segment()));
    }

    @Test
    void reasonsAreTheStatisticsKeys() {
        assertEquals("short-header", DecodeStatus.SHORT_HEADER.reason());
        assertEquals("bad-data-offset", DecodeStatus.BAD_DATA_OFFSET.reason());
        assertEquals("bad-option-length", DecodeStatus.BAD_OPTION_LENGTH.reason());
        assertEquals("bad-checksum", DecodeStatus.BAD_CHECKSUM.reason());
    }

    @Test
    void unknownOptionsAreSkippedByTheirLength() {
        // RFC 9293 §3.2, MUST-6: kind 99 length 6 between NOPs and an MSS.
        byte[] options = {(byte) 99, 6, 9, 9, 9, 9, 1, 1, (byte) TcpCodec.KIND_MSS, 4, 0x05, (byte) 0xB4};
        Segment into = new Segment();
        assertEquals(DecodeStatus.OK, decode(valid(options, new byte[] {42}), true, into));
        assertEquals(1460, into.mss);
        assertEquals(1, into.payloadLength());
        assertEquals(42, into.payload.get(into.payload.position()));
    }

    @Test
    void knownOptionsWithTheWrongLengthAreIgnoredAsLinuxDoes() {
        byte[] options = {
            (byte) TcpCodec.KIND_MSS, 3, 5,
            (byte) TcpCodec.KIND_WINDOW_SCALE, 4, 7, 0,
            (byte) TcpCodec.KIND_SACK_PERMITTED, 3, 0,
            (byte) TcpCodec.KIND_TIMESTAMPS, 6, 1, 2, 3, 4,
            (byte) TcpCodec.KIND_SACK, 9, 0, 0, 0, 0, 0, 0, 0,
            1, 1, 1};
        Segment into = new Segment();
        assertEquals(DecodeStatus.OK, decode(valid(options, new byte[0]), true, into));
        assertEquals(Segment.ABSENT, into.mss);
        assertEquals(Segment.ABSENT, into.windowScale);
        assertFalse(into.sackPermitted);
        assertFalse(into.hasTimestamps);
        assertEquals(0, into.sackBlockCount);
    }

    @Test
    void endOfOptionListStopsParsing() {
        // After EOL the rest of the header is padding, even if it looks like an illegal option.
        byte[] options = {(byte) TcpCodec.KIND_MSS, 4, 0x02, 0x18, 0, (byte) TcpCodec.KIND_MSS, 0, 0};
        Segment into = new Segment();
        assertEquals(DecodeStatus.OK, decode(valid(options, new byte[0]), true, into));
        assertEquals(536, into.mss);
    }

    @Test
    void windowScaleAboveFourteenReadsAsFourteen() {
        // RFC 7323 §2.3: "If a Window Scale option is received with a shift.cnt value larger than
        // 14, the TCP SHOULD log the error but MUST use 14 instead of the specified value."
        byte[] options = {1, (byte) TcpCodec.KIND_WINDOW_SCALE, 3, (byte) 200};
        Segment into = new Segment();
        assertEquals(DecodeStatus.OK, decode(valid(options, new byte[0]), true, into));
        assertEquals(14, into.windowScale);
    }

    @Test
    void reservedBitsAreIgnored() {
        // RFC 9293 §3.1 Rsrvd: "must be ignored in received segments".
        byte[] segment = header(5, new byte[0], new byte[0]);
        segment[12] |= 0x0F;
        segment[13] = (byte) (Segment.SYN | Segment.ACK);
        Segment into = new Segment();
        assertEquals(DecodeStatus.OK, decode(segment, false, into));
        assertEquals(Segment.SYN | Segment.ACK, into.flags);
    }

    @Test
    void repeatedOptionsOverrideEarlierOnes() {
        byte[] options = {(byte) TcpCodec.KIND_MSS, 4, 0x02, 0x18, (byte) TcpCodec.KIND_MSS, 4, 0x05, (byte) 0xB4};
        Segment into = new Segment();
        assertEquals(DecodeStatus.OK, decode(valid(options, new byte[0]), true, into));
        assertEquals(1460, into.mss);
    }

    @Test
    void encodeRejectsOutOfRangeFieldsAndShortBuffersWithoutWriting() {
        Segment s = new Segment();
        s.window = 65536;
        assertThrows(IllegalArgumentException.class, () -> TcpCodec.encode(s, SRC, DST, ByteBuffer.allocate(60)));
        s.window = 0;
        s.windowScale = 15;
        assertThrows(IllegalArgumentException.class, () -> TcpCodec.encode(s, SRC, DST, ByteBuffer.allocate(60)));
        s.windowScale = Segment.ABSENT;
        assertThrows(IllegalArgumentException.class,
                () -> TcpCodec.encode(s, SRC, address("2001:db8::1"), ByteBuffer.allocate(60)));
        s.sourcePort = 1;
        ByteBuffer small = ByteBuffer.allocate(19);
        assertThrows(BufferOverflowException.class, () -> TcpCodec.encode(s, SRC, DST, small));
        assertEquals(0, small.position());
        assertEquals(0, small.get(1), "nothing written");
    }

    @Test
    void checksumValidIsFalseForShortDatagrams() {
        assertFalse(TcpCodec.checksumValid(ByteBuffer.allocate(19), SRC, DST));
        assertTrue(TcpCodec.checksumValid(ByteBuffer.wrap(valid(new byte[0], new byte[0])), SRC, DST));
    }

    /** A 20-octet header with the given data offset, followed by options and payload octets. */
    private static byte[] header(int dataOffsetWords, byte[] options, byte[] payload) {
        byte[] b = new byte[TcpCodec.MIN_HEADER_LENGTH + options.length + payload.length];
        b[0] = 0x30;
        b[1] = 0x39; // 12345
        b[3] = 80;
        b[12] = (byte) (dataOffsetWords << 4);
        b[13] = Segment.ACK;
        System.arraycopy(options, 0, b, TcpCodec.MIN_HEADER_LENGTH, options.length);
        System.arraycopy(payload, 0, b, TcpCodec.MIN_HEADER_LENGTH + options.length, payload.length);
        return b;
    }

    /** A header whose data offset covers {@code options} (a multiple of 4), with a correct checksum. */
    private static byte[] valid(byte[] options, byte[] payload) {
        byte[] b = header(5 + options.length / 4, options, payload);
        long sum = InternetChecksum.sum(b, 0, b.length) + InternetChecksum.pseudoHeaderSum(SRC, DST, b.length);
        int checksum = InternetChecksum.checksum(sum);
        b[16] = (byte) (checksum >>> 8);
        b[17] = (byte) checksum;
        return b;
    }

    private static DecodeStatus decode(byte[] bytes, boolean verify, Segment into) {
        ByteBuffer datagram = ByteBuffer.wrap(bytes);
        DecodeStatus status = TcpCodec.decode(datagram, SRC, DST, verify, into);
        assertEquals(0, datagram.position());
        assertEquals(bytes.length, datagram.limit());
        return status;
    }

    private static Segment dirty() {
        Segment s = new Segment();
        s.seq = 7;
        s.mss = 1000;
        s.flags = Segment.SYN;
        s.payload = ByteBuffer.allocate(3);
        return s;
    }

    private static void assertCleared(Segment s) {
        assertEquals(0, s.seq);
        assertEquals(0, s.flags);
        assertEquals(Segment.ABSENT, s.mss);
        assertEquals(0, s.payloadLength());
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
