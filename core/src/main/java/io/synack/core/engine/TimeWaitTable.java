package io.synack.core.engine;

import java.net.InetAddress;
import org.agrona.collections.Object2IntHashMap;

/**
 * Connections in TIME-WAIT, kept in a compact form of their own like Linux's
 * {@code inet_timewait_sock}: per entry only the 4-tuple, SND.NXT, RCV.NXT, RCV.WND, the last
 * timestamp seen, the 2×MSL deadline, its timer and the handle of a TCB still held by the application, in parallel arrays (about 40 bytes plus the key), instead
 * of a full TCB with buffers.
 */
final class TimeWaitTable {
    private final Object2IntHashMap<ConnectionKey> index = new Object2IntHashMap<>(-1);
    private ConnectionKey[] keys = new ConnectionKey[16];
    private int[] sndNxt = new int[16];
    private int[] rcvNxt = new int[16];
    private int[] rcvWnd = new int[16];
    private int[] tsRecent = new int[16];
    private int[] tsOffset = new int[16];
    /** Low 4 bits: Rcv.Wind.Shift (RFC 7323 §2.2); {@link #TIMESTAMPS}: timestamps negotiated. */
    private byte[] options = new byte[16];
    private static final int TIMESTAMPS = 0x10;
    private long[] deadline = new long[16];
    private long[] timerId = new long[16];
    private int[] owner = new int[16];
    private int[] freeSlots = new int[16];
    private int freeCount;
    private int used;
    private int live;

    /** The slot holding {@code key}, or -1. */
    int find(ConnectionKey probe) {
        return index.getValue(probe);
    }

    /** Adds an entry; {@code key} must not be changed afterwards. */
    int add(ConnectionKey key, int snd, int rcv, int wnd, int ts, long deadlineNanos) {
        int slot;
        if (freeCount > 0) {
            slot = freeSlots[--freeCount];
        } else {
            if (used == keys.length) {
                grow();
            }
            slot = used++;
        }
        keys[slot] = key;
        sndNxt[slot] = snd;
        rcvNxt[slot] = rcv;
        rcvWnd[slot] = wnd;
        tsRecent[slot] = ts;
        tsOffset[slot] = 0;
        options[slot] = 0;
        deadline[slot] = deadlineNanos;
        timerId[slot] = -1;
        owner[slot] = -1;
        index.put(key, slot);
        live++;
        return slot;
    }

    private void grow() {
        int n = keys.length * 2;
        keys = java.util.Arrays.copyOf(keys, n);
        sndNxt = java.util.Arrays.copyOf(sndNxt, n);
        rcvNxt = java.util.Arrays.copyOf(rcvNxt, n);
        rcvWnd = java.util.Arrays.copyOf(rcvWnd, n);
        tsRecent = java.util.Arrays.copyOf(tsRecent, n);
        tsOffset = java.util.Arrays.copyOf(tsOffset, n);
        options = java.util.Arrays.copyOf(options, n);
        deadline = java.util.Arrays.copyOf(deadline, n);
        timerId = java.util.Arrays.copyOf(timerId, n);
        owner = java.util.Arrays.copyOf(owner, n);
        freeSlots = java.util.Arrays.copyOf(freeSlots, n);
    }

    /** Removes an entry; returns its key. */
    ConnectionKey remove(int slot) {
        ConnectionKey k = keys[slot];
        index.removeKey(k);
        keys[slot] = null;
        freeSlots[freeCount++] = slot;
        live--;
        return k;
    }

    boolean isLive(int slot) {
        return slot >= 0 && slot < used && keys[slot] != null;
    }

    ConnectionKey key(int slot) {
        return keys[slot];
    }

    InetAddress remote(int slot) {
        return keys[slot].remote;
    }

    int sndNxt(int slot) {
        return sndNxt[slot];
    }

    int rcvNxt(int slot) {
        return rcvNxt[slot];
    }

    int rcvWnd(int slot) {
        return rcvWnd[slot];
    }

    int tsRecent(int slot) {
        return tsRecent[slot];
    }

    /**
     * Records what the connection negotiated, so TIME-WAIT's ACKs keep the window scaled and carry
     * timestamps (RFC 7323 §3.2: every non-RST segment once negotiated), as Linux's timewait sockets
     * keep {@code tw_rcv_wscale}, {@code tw_ts_recent} and {@code tw_ts_offset}.
     */
    void options(int slot, int rcvWscale, boolean timestampsOk, int tsOffsetValue) {
        options[slot] = (byte) (rcvWscale | (timestampsOk ? TIMESTAMPS : 0));
        tsOffset[slot] = tsOffsetValue;
    }

    /** Rcv.Wind.Shift of the entry (RFC 7323 §2.2). */
    int rcvWscale(int slot) {
        return options[slot] & 0x0F;
    }

    boolean timestampsOk(int slot) {
        return (options[slot] & TIMESTAMPS) != 0;
    }

    int tsOffset(int slot) {
        return tsOffset[slot];
    }

    void tsRecent(int slot, int ts) {
        tsRecent[slot] = ts;
    }

    long deadline(int slot) {
        return deadline[slot];
    }

    void deadline(int slot, long d) {
        deadline[slot] = d;
    }

    long timerId(int slot) {
        return timerId[slot];
    }

    void timerId(int slot, long id) {
        timerId[slot] = id;
    }

    /** The handle of the TCB the application still holds for this entry, or -1. */
    int owner(int slot) {
        return owner[slot];
    }

    void owner(int slot, int handle) {
        owner[slot] = handle;
    }

    /** Entries in TIME-WAIT. */
    int size() {
        return live;
    }
}
