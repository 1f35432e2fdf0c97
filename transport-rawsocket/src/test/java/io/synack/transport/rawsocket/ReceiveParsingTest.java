package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The receive thread's checks of what the kernel hands over: the IPv4 header (RFC 791 §3.1) and
 * the control messages carrying {@code IPV6_PKTINFO} (RFC 3542 §6.1). Malformed input is refused,
 * never read outside the buffer; random bytes never throw (seeded, so a failure replays).
 */
class ReceiveParsingTest {

    private static final int PROTOCOL = 253;

    /** A 20-byte header (+ options) of {@code total} bytes, then zeros. */
    private static Memory ipv4(int ihlWords, int total, int fragment, int protocol) {
        Memory m = new Memory(ReceiveLoop.DATAGRAM_BUFFER);
        m.clear();
        m.setByte(0, (byte) (0x40 | ihlWords));
        m.setByte(2, (byte) (total >> 8));
        m.setByte(3, (byte) total);
        m.setByte(6, (byte) (fragment >> 8));
        m.setByte(7, (byte) fragment);
        m.setByte(8, (byte) 64);
        m.setByte(9, (byte) protocol);
        return m;
    }

    @ParameterizedTest(name = "IHL {0}, length {1}, flags/offset {2}")
    @CsvSource({"5, 20, 0", "5, 40, 0", "6, 44, 0", "15, 60, 0", "15, 65535, 0", "5, 100, 0x4000"})
    void aWellFormedHeaderGivesItsLength(int ihl, int length, String fragment) {
        // 0x4000 is DF alone: allowed; MF or an offset is not.
        try (Memory m = ipv4(ihl, length, Integer.decode(fragment), PROTOCOL)) {
            assertEquals(ihl * 4, ReceiveLoop.ipv4HeaderLength(m, length, PROTOCOL));
        }
    }

    @Test
    void malformedHeadersAreRefused() {
        try (Memory m = ipv4(5, 40, 0, PROTOCOL)) {
            assertEquals(-1, ReceiveLoop.ipv4HeaderLength(m, 19, PROTOCOL), "shorter than a header");
            assertEquals(-1, ReceiveLoop.ipv4HeaderLength(m, 41, PROTOCOL), "total length differs from what was read");
            assertEquals(-1, ReceiveLoop.ipv4HeaderLength(m, 40, 6), "another protocol");
        }
        try (Memory m = ipv4(4, 40, 0, PROTOCOL)) {
            assertEquals(-1, ReceiveLoop.ipv4HeaderLength(m, 40, PROTOCOL), "IHL below 5");
        }
        try (Memory m = ipv4(15, 40, 0, PROTOCOL)) {
            assertEquals(-1, ReceiveLoop.ipv4HeaderLength(m, 40, PROTOCOL), "IHL beyond the datagram");
        }
        for (int fragment : new int[] {0x2000, 0x0001, 0x1fff, 0x6000}) {
            try (Memory m = ipv4(5, 40, fragment, PROTOCOL)) {
                assertEquals(-1, ReceiveLoop.ipv4HeaderLength(m, 40, PROTOCOL), "a fragment: " + fragment);
            }
        }
        try (Memory m = ipv4(5, 40, 0, PROTOCOL)) {
            m.setByte(0, (byte) 0x65);
            assertEquals(-1, ReceiveLoop.ipv4HeaderLength(m, 40, PROTOCOL), "version 6");
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void randomBytesNeverThrowAndAreAcceptedOnlyWhenConsistent(long seed) {
        Random random = new Random(seed);
        byte[] bytes = new byte[64];
        try (Memory m = new Memory(ReceiveLoop.DATAGRAM_BUFFER)) {
            for (int i = 0; i < 20_000; i++) {
                random.nextBytes(bytes);
                if (random.nextBoolean()) {
                    bytes[0] = (byte) (0x40 | bytes[0] & 0x0f);
                    bytes[9] = (byte) PROTOCOL;
                    bytes[6] &= (byte) 0x40;
                    bytes[7] = 0;
                }
                int length = random.nextInt(ReceiveLoop.DATAGRAM_BUFFER + 10);
                if (random.nextBoolean()) {
                    bytes[2] = (byte) (length >> 8);
                    bytes[3] = (byte) length;
                }
                m.write(0, bytes, 0, bytes.length);
                int header = ReceiveLoop.ipv4HeaderLength(m, length, PROTOCOL);
                if (header >= 0) {
                    assertTrue(header >= 20 && header <= 60 && header <= length, "seed " + seed + " #" + i);
                    assertEquals(length, (bytes[2] & 0xff) << 8 | bytes[3] & 0xff);
                }
            }
        }
    }

    /** One control message at {@code offset}. */
    private static void cmsg(Memory control, long offset, long length, int level, int type) {
        control.setLong(offset + Linux.CMSG_LEN, length);
        control.setInt(offset + Linux.CMSG_LEVEL, level);
        control.setInt(offset + Linux.CMSG_TYPE, type);
    }

    @Test
    void thePacketInfoIsFoundAfterAnotherControlMessage() {
        try (Memory control = new Memory(ReceiveLoop.CONTROL_BUFFER)) {
            control.clear();
            cmsg(control, 0, 20, 1, 29); // e.g. SOL_SOCKET/SO_TIMESTAMP-like, 4 data bytes, aligned to 24
            cmsg(control, 24, 36, Linux.IPPROTO_IPV6, Linux.IPV6_PKTINFO);
            byte[] address = new byte[16];
            for (int i = 0; i < 16; i++) {
                address[i] = (byte) (0xf0 + i);
            }
            control.write(24 + Linux.CMSG_DATA, address, 0, 16);
            byte[] found = new byte[16];
            assertTrue(ReceiveLoop.findPacketInfo(control, 60, found));
            assertArrayEquals(address, found);
            assertFalse(ReceiveLoop.findPacketInfo(control, 24, new byte[16]), "cut before the packet info");
        }
    }

    @Test
    void impossibleLengthsEndTheWalk() {
        try (Memory control = new Memory(ReceiveLoop.CONTROL_BUFFER)) {
            control.clear();
            for (long bad : new long[] {0, 15, 65, -1, Long.MIN_VALUE}) {
                cmsg(control, 0, bad, Linux.IPPROTO_IPV6, Linux.IPV6_PKTINFO);
                assertFalse(ReceiveLoop.findPacketInfo(control, ReceiveLoop.CONTROL_BUFFER, new byte[16]), "cmsg_len " + bad);
            }
            cmsg(control, 0, 36, Linux.IPPROTO_IPV6, Linux.IPV6_PKTINFO);
            assertTrue(ReceiveLoop.findPacketInfo(control, Long.MAX_VALUE, new byte[16]), "msg_controllen is capped");
            cmsg(control, 0, 32, Linux.IPPROTO_IPV6, Linux.IPV6_PKTINFO);
            assertFalse(ReceiveLoop.findPacketInfo(control, 64, new byte[16]), "too short for in6_pktinfo");
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void randomControlBytesNeverThrow(long seed) {
        Random random = new Random(seed);
        byte[] bytes = new byte[ReceiveLoop.CONTROL_BUFFER];
        try (Memory control = new Memory(ReceiveLoop.CONTROL_BUFFER)) {
            for (int i = 0; i < 20_000; i++) {
                random.nextBytes(bytes);
                if (random.nextBoolean()) {
                    bytes[0] = (byte) random.nextInt(80);
                    for (int j = 1; j < 8; j++) {
                        bytes[j] = 0;
                    }
                }
                control.write(0, bytes, 0, bytes.length);
                ReceiveLoop.findPacketInfo(control, random.nextLong(), new byte[16]);
                ReceiveLoop.findPacketInfo(control, random.nextInt(ReceiveLoop.CONTROL_BUFFER + 1), new byte[16]);
            }
        }
    }
}
