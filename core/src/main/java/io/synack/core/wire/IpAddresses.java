package io.synack.core.wire;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Allocation-free access to the bytes of an {@link InetAddress}, for the checksum pseudo-header and
 * for synthesised IP headers.
 *
 * <p>{@link InetAddress#getAddress()} clones its array on every call, so it is kept off the hot
 * path:
 * <ul>
 *   <li>IPv4: {@link Inet4Address#hashCode()} is the address itself as a big-endian {@code int}
 *       (OpenJDK returns {@code holder().getAddress()}; {@code IpAddressesTest} pins this down for
 *       every JDK the build runs on).
 *   <li>IPv6: a small cache (256 slots, 4 probes) indexed by {@link Inet6Address#hashCode()} and confirmed
 *       with {@link Inet6Address#equals} (both read the address array in place, without copying).
 *       A miss clones the address once and publishes an immutable entry; entries have only final
 *       fields, so racing threads at worst recompute an entry, never read a torn one. A stack talks
 *       to few addresses, so in steady state every lookup hits and nothing is allocated.
 * </ul>
 */
public final class IpAddresses {

    /** Bytes of an IPv4 address. */
    public static final int IPV4_LENGTH = 4;
    /** Bytes of an IPv6 address. */
    public static final int IPV6_LENGTH = 16;

    private static final int CACHE_BITS = 8;
    private static final int CACHE_SIZE = 1 << CACHE_BITS;
    private static final int PROBES = 4;
    private static final Ipv6Entry[] CACHE = new Ipv6Entry[CACHE_SIZE];

    private IpAddresses() {}

    /** An IPv6 address, its bytes, and the one's-complement sum of its eight 16-bit words. */
    private static final class Ipv6Entry {
        final Inet6Address address;
        final byte[] bytes;
        final int wordSum;

        Ipv6Entry(Inet6Address address) {
            this.address = address;
            this.bytes = address.getAddress();
            int sum = 0;
            for (int i = 0; i < IPV6_LENGTH; i += 2) {
                sum += ((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF);
            }
            this.wordSum = sum;
        }
    }

    /** The IPv4 address as a big-endian int (its first octet in the top byte). */
    public static int ipv4(Inet4Address address) {
        return address.hashCode();
    }

    /** 4 for IPv4, 16 for IPv6. */
    public static int length(InetAddress address) {
        return address instanceof Inet4Address ? IPV4_LENGTH : IPV6_LENGTH;
    }

    /**
     * The plain sum (not yet folded) of the address's 16-bit big-endian words: its contribution to
     * an Internet checksum (RFC 1071). At most 8 × 0xFFFF, so it fits an int with room to spare.
     */
    public static int wordSum(InetAddress address) {
        if (address instanceof Inet4Address) {
            int a = address.hashCode();
            return (a >>> 16) + (a & 0xFFFF);
        }
        return ipv6((Inet6Address) address).wordSum;
    }

    /** Writes the address's 4 or 16 bytes (network order) into {@code dst} at {@code offset}. */
    public static void copy(InetAddress address, byte[] dst, int offset) {
        if (address instanceof Inet4Address) {
            int a = address.hashCode();
            dst[offset] = (byte) (a >>> 24);
            dst[offset + 1] = (byte) (a >>> 16);
            dst[offset + 2] = (byte) (a >>> 8);
            dst[offset + 3] = (byte) a;
        } else {
            System.arraycopy(ipv6((Inet6Address) address).bytes, 0, dst, offset, IPV6_LENGTH);
        }
    }

    private static Ipv6Entry ipv6(Inet6Address address) {
        // Fibonacci hashing spreads Inet6Address.hashCode() (a plain sum of the four words, so
        // addresses of one prefix differ only in their low bits) over the slots; up to PROBES
        // neighbouring slots are tried so that a few colliding addresses do not evict each other.
        int base = (address.hashCode() * 0x9E37_79B9) >>> (32 - CACHE_BITS);
        int free = -1;
        for (int i = 0; i < PROBES; i++) {
            int slot = (base + i) & (CACHE_SIZE - 1);
            Ipv6Entry entry = CACHE[slot];
            if (entry == null) {
                free = free < 0 ? slot : free;
            } else if (entry.address == address || entry.address.equals(address)) {
                return entry;
            }
        }
        Ipv6Entry entry = new Ipv6Entry(address);
        CACHE[free >= 0 ? free : (base + (address.hashCode() & (PROBES - 1))) & (CACHE_SIZE - 1)] = entry;
        return entry;
    }
}
