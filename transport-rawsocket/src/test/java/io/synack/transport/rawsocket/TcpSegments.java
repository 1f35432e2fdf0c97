package io.synack.transport.rawsocket;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Minimal TCP segments for the transport's tests (the engine's codec lives in core, which this
 * module must not depend on): a 20-byte header with the checksum over the IPv4 or IPv6
 * pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1).
 */
final class TcpSegments {

    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int ACK = 0x10;

    private TcpSegments() {
    }

    /** A header-only segment with a correct checksum. */
    static byte[] segment(InetAddress source, InetAddress destination, int sourcePort, int destinationPort,
            long seq, long ack, int flags) {
        ByteBuffer b = ByteBuffer.allocate(20);
        b.putShort((short) sourcePort).putShort((short) destinationPort).putInt((int) seq).putInt((int) ack);
        b.put((byte) (5 << 4)).put((byte) flags).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        byte[] bytes = b.array();
        int sum = checksum(source, destination, bytes);
        bytes[16] = (byte) (sum >> 8);
        bytes[17] = (byte) sum;
        return bytes;
    }

    /** The Internet checksum of the segment with its pseudo-header (0 in the checksum field gives the value to put there). */
    static int checksum(InetAddress source, InetAddress destination, byte[] segment) {
        long sum = 0;
        sum += words(source.getAddress());
        sum += words(destination.getAddress());
        if (source instanceof Inet6Address) {
            sum += segment.length >>> 16;
            sum += segment.length & 0xffff;
        } else {
            sum += segment.length;
        }
        sum += 6;
        sum += words(segment);
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static long words(byte[] bytes) {
        long sum = 0;
        for (int i = 0; i < bytes.length; i += 2) {
            int hi = bytes[i] & 0xff;
            int lo = i + 1 < bytes.length ? bytes[i + 1] & 0xff : 0;
            sum += hi << 8 | lo;
        }
        return sum;
    }

    static int flags(byte[] segment) {
        return segment[13] & 0xff;
    }

    static int sourcePort(byte[] segment) {
        return (segment[0] & 0xff) << 8 | segment[1] & 0xff;
    }

    static int destinationPort(byte[] segment) {
        return (segment[2] & 0xff) << 8 | segment[3] & 0xff;
    }

    static long seq(byte[] segment) {
        return ByteBuffer.wrap(segment).getInt(4) & 0xffffffffL;
    }
}
