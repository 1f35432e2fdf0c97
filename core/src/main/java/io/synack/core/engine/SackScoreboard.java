package io.synack.core.engine;

import static io.synack.core.wire.SeqNum.ge;
import static io.synack.core.wire.SeqNum.gt;
import static io.synack.core.wire.SeqNum.le;
import static io.synack.core.wire.SeqNum.lt;

/**
 * The sender's record of what the peer selectively acknowledged (RFC 2018 §5, the "scoreboard" of
 * RFC 6675 §3): disjoint, sorted sequence ranges above SND.UNA, kept as pairs of ints in one small
 * array allocated when the first SACK block arrives. No per-segment state: the retransmission
 * queue is the send buffer, and what is missing is whatever lies between the ranges.
 *
 * <p>When the array is full, further ranges are not recorded (the sender then retransmits a little
 * more than needed, which is safe), so the memory per connection is bounded by {@link #MAX_RANGES}.
 */
final class SackScoreboard {
    /** Most ranges remembered: far more than the 3 or 4 blocks one ACK carries. */
    static final int MAX_RANGES = 16;
    private static final int[] NONE = new int[0];

    /** {@code [start0, end0, start1, end1, ...]}, ascending, disjoint, not adjacent. */
    private int[] ranges = NONE;
    private int count;
    private int sacked;

    boolean isEmpty() {
        return count == 0;
    }

    int ranges() {
        return count;
    }

    /** Bytes inside recorded ranges. */
    int sackedBytes() {
        return sacked;
    }

    void clear() {
        count = 0;
        sacked = 0;
    }

    /**
     * Records one SACK block, clipped to (SND.UNA, SND.MAX]. A block at or below SND.UNA (a D-SACK,
     * RFC 2883) or beyond SND.MAX (impossible from an honest peer) adds nothing.
     *
     * @return bytes newly recorded as SACKed
     */
    int add(int left, int right, int sndUna, int sndMax) {
        if (lt(left, sndUna)) {
            left = sndUna;
        }
        if (gt(right, sndMax)) {
            right = sndMax;
        }
        if (!lt(left, right)) {
            return 0;
        }
        if (ranges.length == 0) {
            ranges = new int[2 * MAX_RANGES];
        }
        // first range whose end reaches left (they may merge); ranges are sorted
        int i = 0;
        while (i < count && lt(ranges[2 * i + 1], left)) {
            i++;
        }
        int before = sacked;
        if (i == count || lt(right, ranges[2 * i])) {
            // no overlap or adjacency: insert a new range at i
            if (count == MAX_RANGES) {
                return 0;
            }
            System.arraycopy(ranges, 2 * i, ranges, 2 * i + 2, 2 * (count - i));
            ranges[2 * i] = left;
            ranges[2 * i + 1] = right;
            count++;
            sacked += right - left;
            return sacked - before;
        }
        // merge with ranges i..j that overlap or touch [left, right]
        int start = lt(left, ranges[2 * i]) ? left : ranges[2 * i];
        int end = right;
        int j = i;
        while (j < count && le(ranges[2 * j], right)) {
            if (gt(ranges[2 * j + 1], end)) {
                end = ranges[2 * j + 1];
            }
            sacked -= ranges[2 * j + 1] - ranges[2 * j];
            j++;
        }
        ranges[2 * i] = start;
        ranges[2 * i + 1] = end;
        sacked += end - start;
        int removed = j - i - 1;
        if (removed > 0) {
            System.arraycopy(ranges, 2 * j, ranges, 2 * i + 2, 2 * (count - j));
            count -= removed;
        }
        return sacked - before;
    }

    /** SND.UNA advanced: forget what is now cumulatively acknowledged. */
    void advance(int sndUna) {
        int drop = 0;
        while (drop < count && le(ranges[2 * drop + 1], sndUna)) {
            sacked -= ranges[2 * drop + 1] - ranges[2 * drop];
            drop++;
        }
        if (drop > 0) {
            System.arraycopy(ranges, 2 * drop, ranges, 0, 2 * (count - drop));
            count -= drop;
        }
        if (count > 0 && lt(ranges[0], sndUna)) {
            sacked -= sndUna - ranges[0];
            ranges[0] = sndUna;
        }
    }

    /**
     * Whether SND.UNA lies at or inside a recorded range: the peer discarded data it had SACKed
     * (reneging, RFC 2018 §8), and the sender must not trust the scoreboard any more.
     */
    boolean reneged(int sndUna) {
        return count > 0 && le(ranges[0], sndUna);
    }

    /** {@code seq}, or the end of the range containing it. */
    int skipSacked(int seq) {
        for (int i = 0; i < count; i++) {
            if (lt(seq, ranges[2 * i])) {
                return seq;
            }
            if (lt(seq, ranges[2 * i + 1])) {
                return ranges[2 * i + 1];
            }
        }
        return seq;
    }

    /** Start of the first range above {@code seq}, or {@code limit} if none starts before it. */
    int nextSackedStart(int seq, int limit) {
        for (int i = 0; i < count; i++) {
            if (gt(ranges[2 * i], seq)) {
                return lt(ranges[2 * i], limit) ? ranges[2 * i] : limit;
            }
        }
        return limit;
    }

    /** Bytes SACKed above {@code seq}. */
    int sackedAbove(int seq) {
        int n = 0;
        for (int i = count - 1; i >= 0; i--) {
            int s = ranges[2 * i];
            int e = ranges[2 * i + 1];
            if (le(e, seq)) {
                break;
            }
            n += e - (gt(s, seq) ? s : seq);
        }
        return n;
    }

    /** End of the highest range (RFC 6675 "HighSACK" + 1), or {@code sndUna} when empty. */
    int highSacked(int sndUna) {
        return count == 0 ? sndUna : ranges[2 * count - 1];
    }

    /** Bytes in [from, to) that are not SACKed. */
    int unsackedBytes(int from, int to) {
        if (!lt(from, to)) {
            return 0;
        }
        int n = to - from;
        for (int i = 0; i < count; i++) {
            int s = ranges[2 * i];
            int e = ranges[2 * i + 1];
            if (ge(s, to)) {
                break;
            }
            int a = gt(s, from) ? s : from;
            int b = lt(e, to) ? e : to;
            if (lt(a, b)) {
                n -= b - a;
            }
        }
        return n;
    }

    /**
     * RFC 6675 §4 IsLost: a byte is lost when more than {@code (DupThresh - 1) * SMSS} bytes above it
     * are SACKed. Returns the boundary below which every un-SACKed byte is lost (the start of the
     * lowest range that still has that many SACKed bytes from it upwards), or {@code sndUna}.
     */
    int lostBoundary(int sndUna, int smss, int dupThresh) {
        int above = 0;
        long need = (long) (dupThresh - 1) * smss;
        for (int i = count - 1; i >= 0; i--) {
            above += ranges[2 * i + 1] - ranges[2 * i];
            if (above > need) {
                return ranges[2 * i];
            }
        }
        return sndUna;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(Integer.toUnsignedString(ranges[2 * i])).append('-').append(Integer.toUnsignedString(ranges[2 * i + 1]));
        }
        return b.append(']').toString();
    }
}
