package io.synack.core.engine;

import static io.synack.core.wire.SeqNum.gt;
import static io.synack.core.wire.SeqNum.le;
import static io.synack.core.wire.SeqNum.lt;

/**
 * The sequence ranges received right of RCV.NXT (RFC 9293 §3.10.7.4 seventh step: "segments with
 * higher beginning sequence numbers ... may be held"), whose bytes already sit at their place in
 * the receive ring. A compact sorted list of disjoint {@code [start, end)} ranges, merged as they
 * touch, plus the order in which ranges were last added to, for the SACK blocks of RFC 2018 §4.
 *
 * <p>No allocation per segment: the arrays are allocated on the first out-of-order segment of a
 * connection and never grow. The number of ranges is bounded ({@link #MAX_RANGES}); a segment
 * that would need one more is not kept (the sender retransmits it), so memory stays bounded
 * whatever the peer sends, like Linux's pruning of its out-of-order queue.
 */
final class OutOfOrderRanges {
    /** Most disjoint ranges kept; a hole pattern finer than this is not worth the bookkeeping. */
    static final int MAX_RANGES = 32;
    /** Ranges remembered by recency for SACK (RFC 2018 §3: at most 4 blocks fit in the header). */
    private static final int RECENT = 4;

    private int[] starts;
    private int[] ends;
    private int count;
    /** Sequence numbers inside the most recently extended ranges, newest first. */
    private final int[] recent = new int[RECENT];
    private int recentCount;

    boolean isEmpty() {
        return count == 0;
    }

    int count() {
        return count;
    }

    /** The right edge of the highest range (only when not empty). */
    int highestEnd() {
        return ends[count - 1];
    }

    /**
     * Records {@code [start, end)} as received, merging with the ranges it overlaps or touches.
     *
     * @return false if it would need a range beyond {@link #MAX_RANGES} (nothing recorded)
     */
    boolean add(int start, int end) {
        if (starts == null) {
            starts = new int[MAX_RANGES];
            ends = new int[MAX_RANGES];
        }
        int i = 0;
        while (i < count && lt(ends[i], start)) {
            i++;
        }
        int j = i;
        int s = start;
        int e = end;
        while (j < count && le(starts[j], end)) {
            if (lt(starts[j], s)) {
                s = starts[j];
            }
            if (gt(ends[j], e)) {
                e = ends[j];
            }
            j++;
        }
        if (i == j) {
            if (count == MAX_RANGES) {
                return false;
            }
            System.arraycopy(starts, i, starts, i + 1, count - i);
            System.arraycopy(ends, i, ends, i + 1, count - i);
            count++;
        } else if (j - i > 1) {
            System.arraycopy(starts, j, starts, i + 1, count - j);
            System.arraycopy(ends, j, ends, i + 1, count - j);
            count -= j - i - 1;
        }
        starts[i] = s;
        ends[i] = e;
        noteRecent(start);
        return true;
    }

    /** Whether {@code [start, end)} lies entirely inside one recorded range (a duplicate). */
    boolean covers(int start, int end) {
        for (int i = 0; i < count; i++) {
            if (le(starts[i], start) && le(end, ends[i])) {
                return true;
            }
        }
        return false;
    }

    /** Index of the first range sharing a byte with {@code [start, end)}, or -1. */
    int firstOverlap(int start, int end) {
        for (int i = 0; i < count; i++) {
            if (lt(starts[i], end) && gt(ends[i], start)) {
                return i;
            }
        }
        return -1;
    }

    int start(int i) {
        return starts[i];
    }

    int end(int i) {
        return ends[i];
    }

    private void noteRecent(int seq) {
        int n = Math.min(recentCount, RECENT - 1);
        System.arraycopy(recent, 0, recent, 1, n);
        recent[0] = seq;
        recentCount = n + 1;
    }

    /**
     * RCV.NXT reached {@code rcvNxt}: removes the ranges it reached or passed and returns the new
     * RCV.NXT, the end of the contiguous data (a hole filled, RFC 9293 §3.10.7.4).
     */
    int advance(int rcvNxt) {
        int removed = 0;
        while (removed < count && le(starts[removed], rcvNxt)) {
            if (gt(ends[removed], rcvNxt)) {
                rcvNxt = ends[removed];
            }
            removed++;
        }
        if (removed > 0) {
            System.arraycopy(starts, removed, starts, 0, count - removed);
            System.arraycopy(ends, removed, ends, 0, count - removed);
            count -= removed;
        }
        return rcvNxt;
    }

    /**
     * Writes up to {@code max} SACK blocks into {@code blocks} (left, right pairs), RFC 2018 §4:
     * the first is the range holding the most recently received segment, then the other recently
     * added ranges, newest first, then the remaining ranges from the highest down.
     *
     * @return the number of blocks written
     */
    int sackBlocks(int[] blocks, int offset, int max) {
        int n = 0;
        for (int r = 0; r < recentCount && n < max; r++) {
            int i = indexOf(recent[r]);
            if (i >= 0 && !written(blocks, offset, n, starts[i])) {
                blocks[offset + 2 * n] = starts[i];
                blocks[offset + 2 * n + 1] = ends[i];
                n++;
            }
        }
        for (int i = count - 1; i >= 0 && n < max; i--) {
            if (!written(blocks, offset, n, starts[i])) {
                blocks[offset + 2 * n] = starts[i];
                blocks[offset + 2 * n + 1] = ends[i];
                n++;
            }
        }
        return n;
    }

    private int indexOf(int seq) {
        for (int i = 0; i < count; i++) {
            if (le(starts[i], seq) && lt(seq, ends[i])) {
                return i;
            }
        }
        return -1;
    }

    private static boolean written(int[] blocks, int offset, int n, int start) {
        for (int k = 0; k < n; k++) {
            if (blocks[offset + 2 * k] == start) {
                return true;
            }
        }
        return false;
    }

    /** Forgets every range (the connection no longer receives). */
    void clear() {
        count = 0;
        recentCount = 0;
    }
}
