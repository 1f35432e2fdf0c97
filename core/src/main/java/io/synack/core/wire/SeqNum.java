package io.synack.core.wire;

/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4: "all arithmetic dealing with sequence
 * numbers must be performed modulo 2**32"). Sequence numbers are Java ints holding the 32-bit value.
 */
public final class SeqNum {
    private SeqNum() {}

    /** a < b in sequence space. */
    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    /** a <= b in sequence space. */
    public static boolean le(int a, int b) {
        return a - b <= 0;
    }

    /** a > b in sequence space. */
    public static boolean gt(int a, int b) {
        return a - b > 0;
    }

    /** a >= b in sequence space. */
    public static boolean ge(int a, int b) {
        return a - b >= 0;
    }

    /** low <= x < high in sequence space (an empty range when low == high). */
    public static boolean inRange(int low, int x, int high) {
        return x - low >= 0 && x - high < 0 && high - low > 0;
    }

    /** The distance b - a as a non-negative long when b is at or after a. */
    public static long distance(int a, int b) {
        return Integer.toUnsignedLong(b - a);
    }

    /** The later of two sequence numbers. */
    public static int max(int a, int b) {
        return gt(a, b) ? a : b;
    }

    /** The earlier of two sequence numbers. */
    public static int min(int a, int b) {
        return lt(a, b) ? a : b;
    }
}
