package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pcap check every interop test ends with ({@link Capture#problems}) can fail: it is run on
 * pcaps written here byte by byte, one sound segment and deliberately broken ones — a flipped
 * payload bit, a wrong IPv4 header checksum, a header that claims more option bytes than there
 * are — and on the one "bad" checksum that is not bad (0xffff for 0x0000, RFC 1624), which the
 * Linux kernel really sends. Needs {@code tshark} only, not root.
 */
class CaptureCheckTest {

    private static final int LINKTYPE_RAW = 101;
    private static final InetAddress A = address("198.18.0.1");
    private static final InetAddress B = address("198.18.0.2");

    @TempDir
    Path dir;

    @BeforeAll
    static void tshark() {
        Prerequisites.requireCommand("tshark", "tshark");
    }

    @Test
    void aSoundSegmentHasNoProblem() throws Exception {
        assertEquals(List.of(), Capture.problems(pcap(ipv4(segment(new byte[] {1, 2, 3, 4, 5})))));
    }

    @Test
    void aFlippedPayloadBitIsABadTcpChecksum() throws Exception {
        byte[] segment = segment(new byte[] {1, 2, 3, 4, 5});
        segment[22] ^= 0x10;
        List<String> problems = Capture.problems(pcap(ipv4(segment)));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("1\t"), problems.toString());
    }

    @Test
    void aWrongIpv4HeaderChecksumIsAProblem() throws Exception {
        byte[] packet = ipv4(segment(new byte[] {1, 2, 3, 4, 5}));
        packet[10] ^= 0x01;
        assertEquals(1, Capture.problems(pcap(packet)).size());
    }

    @Test
    void aDataOffsetBeyondTheSegmentIsMalformed() throws Exception {
        byte[] segment = segment(new byte[0]);
        segment[12] = (byte) (15 << 4); // 60-byte header claimed, 20 present
        fixChecksum(segment);
        assertEquals(1, Capture.problems(pcap(ipv4(segment))).size());
    }

    @Test
    void zeroSentAsOxffffIsTheSameOnesComplementZeroAndAccepted() throws Exception {
        byte[] zero = segmentWithChecksumZero();
        assertEquals(List.of(), Capture.problems(pcap(ipv4(zero))), "0x0000 itself");
        zero[16] = (byte) 0xff;
        zero[17] = (byte) 0xff;
        assertEquals(List.of(), Capture.problems(pcap(ipv4(zero))), "0xffff for 0x0000: RFC 1624 §3");
    }

    @Test
    void oxffffWhereTheChecksumIsNotZeroIsBad() throws Exception {
        byte[] segment = segment(new byte[] {1, 2, 3, 4, 5});
        segment[16] = (byte) 0xff;
        segment[17] = (byte) 0xff;
        assertEquals(1, Capture.problems(pcap(ipv4(segment))).size());
    }

    /** A segment 198.18.0.1:40001 -> .2:5001, ACK, with {@code payload} and a correct checksum. */
    private static byte[] segment(byte[] payload) {
        byte[] header = TcpSegments.segment(A, B, 40001, 5001, 1000, 2000, TcpSegments.ACK);
        byte[] segment = new byte[header.length + payload.length];
        System.arraycopy(header, 0, segment, 0, header.length);
        System.arraycopy(payload, 0, segment, header.length, payload.length);
        fixChecksum(segment);
        return segment;
    }

    /** A segment whose correct checksum is 0x0000: two payload bytes cancel the rest of the sum. */
    private static byte[] segmentWithChecksumZero() {
        byte[] segment = segment(new byte[2]);
        int c = TcpSegments.checksum(A, B, zeroed(segment));
        // With c in the payload word, the sum without the checksum field is s + ~s = 0xffff.
        segment[20] = (byte) (c >> 8);
        segment[21] = (byte) c;
        segment[16] = 0;
        segment[17] = 0;
        assertEquals(0, TcpSegments.checksum(A, B, segment), "the segment's checksum is 0x0000");
        return segment;
    }

    private static byte[] zeroed(byte[] segment) {
        byte[] copy = segment.clone();
        copy[16] = 0;
        copy[17] = 0;
        return copy;
    }

    private static void fixChecksum(byte[] segment) {
        segment[16] = 0;
        segment[17] = 0;
        int c = TcpSegments.checksum(A, B, segment);
        segment[16] = (byte) (c >> 8);
        segment[17] = (byte) c;
    }

    /** An IPv4 packet (20-byte header, correct header checksum, protocol 6) around {@code segment}. */
    private static byte[] ipv4(byte[] segment) {
        ByteBuffer b = ByteBuffer.allocate(20 + segment.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + segment.length)).putShort((short) 1)
                .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0).put(A.getAddress())
                .put(B.getAddress()).put(segment);
        byte[] packet = b.array();
        long sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += (packet[i] & 0xff) << 8 | packet[i + 1] & 0xff;
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        int c = (int) ~sum & 0xffff;
        packet[10] = (byte) (c >> 8);
        packet[11] = (byte) c;
        return packet;
    }

    /** A pcap file (LINKTYPE_RAW: packets start with the IP header) holding {@code packet}. */
    private Path pcap(byte[] packet) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(24 + 16 + packet.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535)
                .putInt(LINKTYPE_RAW);
        b.putInt(1_700_000_000).putInt(0).putInt(packet.length).putInt(packet.length).put(packet);
        Path file = Files.createTempFile(dir, "check", ".pcap");
        Files.write(file, b.array());
        return file;
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
