package io.synack.core.wire;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's-complement sum of
 * 16-bit words, used by TCP (RFC 9293 §3.1) and the IPv4 header (RFC 791).
 *
 * <p>Sums are accumulated as plain {@code long}s of big-endian words and folded once at the end
 * (RFC 1071 §2(C) "deferred carries"). Buffers are read eight bytes at a time; a little-endian
 * buffer is summed as is and the folded result byte-swapped (RFC 1071 §2(B) "byte order
 * independence"), so the caller's buffer order is respected and never changed.
 */
public final class InternetChecksum {

    /** IP protocol number of TCP, carried in the pseudo-header. */
    public static final int PROTOCOL_TCP = 6;

    private InternetChecksum() {}

    /**
     * Plain (unfolded) sum of the big-endian 16-bit words of {@code buffer[from..to)}; an odd last
     * byte is padded with a zero octet on the right, as RFC 9293 §3.1 says. Reads by absolute index:
     * the buffer's position, limit and order are left alone.
     */
    public static long sum(ByteBuffer buffer, int from, int to) {
        long sum = 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long v = buffer.getLong(i);
            sum += (v >>> 32) + (v & 0xFFFF_FFFFL);
        }
        if (i + 4 <= to) {
            sum += buffer.getInt(i) & 0xFFFF_FFFFL;
            i += 4;
        }
        if (i + 2 <= to) {
            sum += buffer.getShort(i) & 0xFFFF;
            i += 2;
        }
        if (buffer.order() == ByteOrder.LITTLE_ENDIAN) {
            sum = Integer.reverseBytes(fold(sum)) >>> 16;
        }
        if (i < to) {
            sum += (buffer.get(i) & 0xFF) << 8;
        }
        return sum;
    }

    /** Plain sum of the big-endian 16-bit words of {@code bytes[from..to)} (odd length padded). */
    public static long sum(byte[] bytes, int from, int to) {
        long sum = 0;
        int i = from;
        for (; i + 2 <= to; i += 2) {
            sum += ((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF);
        }
        if (i < to) {
            sum += (bytes[i] & 0xFF) << 8;
        }
        return sum;
    }

    /**
     * Plain sum of the TCP pseudo-header: for IPv4 (RFC 9293 §3.1) source, destination, zero,
     * PTCL = 6, TCP length; for IPv6 (RFC 8200 §8.1) source, destination, 32-bit upper-layer packet
     * length, three zero octets, next header = 6. Both reduce to the same word sum because the
     * zero octets add nothing and the length's high word is zero in IPv4.
     */
    public static long pseudoHeaderSum(InetAddress source, InetAddress destination, int tcpLength) {
        return (long) IpAddresses.wordSum(source) + IpAddresses.wordSum(destination)
                + PROTOCOL_TCP + (tcpLength >>> 16) + (tcpLength & 0xFFFF);
    }

    /** Folds a plain sum into 16 bits with end-around carry (the one's-complement sum). */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The checksum field value for a plain sum: the one's complement of its folded sum. */
    public static int checksum(long sum) {
        return ~fold(sum) & 0xFFFF;
    }
}
