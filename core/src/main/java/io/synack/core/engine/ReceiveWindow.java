package io.synack.core.engine;

/**
 * The receive window a connection offers (RFC 9293 §3.8.6, RFC 7323 §2): what RCV.WND is, and
 * what window field a segment carries, with receiver silly-window-syndrome avoidance.
 *
 * <p>The right edge RCV.NXT + RCV.WND is kept in {@link Tcb#rcvRightEdge}. RFC 9293 §3.8.6.2.2
 * (MUST-39): "the receiver ... SHOULD NOT ... advance the right window edge ... until the
 * reduction satisfies RCV.BUFF - RCV.USER - RCV.WND >= min(Fr * RCV.BUFF, Eff.snd.MSS)" with
 * Fr = 1/2; and the window SHOULD NOT shrink (§3.8.6.2.2, RFC 7323 §2.4), so the edge never moves
 * left. As data arrives RCV.WND closes on its own; it reopens only when the buffer space beyond it
 * reaches min(RCV.BUFF / 2, MSS). A window capped by the 16-bit field (without scaling) keeps
 * moving with RCV.NXT while the buffer has room beyond it, as Linux's does.
 */
final class ReceiveWindow {
    private ReceiveWindow() {}

    /** RCV.WND: the part of the last advertised window not yet filled (never negative). */
    static int current(Tcb tcb) {
        int w = tcb.rcvRightEdge - tcb.rcvNxt;
        return w > 0 ? w : 0;
    }

    /**
     * The most the buffer could offer now: RCV.BUFF - RCV.USER (free space, which includes the
     * bytes held out of order right of RCV.NXT), at most what the scaled field can express.
     */
    static int available(Tcb tcb) {
        return Math.min(tcb.receiveBuffer.free(), OptionNegotiation.MAX_WINDOW_FIELD << tcb.rcvWscale);
    }

    /** The SWS step min(Fr * RCV.BUFF, Eff.snd.MSS), Fr = 1/2, with our announced MSS. */
    static int step(Tcb tcb, int mss) {
        return Math.min(tcb.receiveBuffer.capacity() / 2, mss);
    }

    /** The window a SYN or SYN,ACK announces (unscaled, RFC 7323 §2.2), which starts the right edge. */
    static int forSyn(Tcb tcb) {
        int w = Math.min(available(tcb), OptionNegotiation.MAX_WINDOW_FIELD);
        tcb.rcvRightEdge = tcb.rcvNxt + w;
        return w;
    }

    /**
     * The window field of an outgoing non-SYN segment: moves the right edge to what the buffer
     * allows when the space beyond the current window is at least one SWS step, else keeps it; then expresses RCV.WND in units
     * of 2^Rcv.Wind.Shift, rounding up when the buffer has the room (so the edge does not shrink)
     * and down otherwise.
     */
    static int select(Tcb tcb, int mss) {
        int avail = available(tcb);
        int potentialEdge = tcb.rcvNxt + avail;
        // MUST-39: advance the edge once RCV.BUFF - RCV.USER - RCV.WND >= min(Fr * RCV.BUFF, MSS).
        if (tcb.receiveBuffer.free() - current(tcb) >= step(tcb, mss) && potentialEdge - tcb.rcvRightEdge > 0) {
            tcb.rcvRightEdge = potentialEdge;
        }
        int wnd = current(tcb);
        int shift = tcb.rcvWscale;
        int field = (wnd + (1 << shift) - 1) >>> shift;
        if ((long) field << shift > avail) {
            field = wnd >>> shift;
        }
        field = Math.min(field, OptionNegotiation.MAX_WINDOW_FIELD);
        int announcedEdge = tcb.rcvNxt + (field << shift);
        // RFC 7323 §2.4: a field rounded down announces an edge up to 2^shift - 1 bytes left of the
        // last one, but "the receiver MUST honor, as in window, any segment that would have been in
        // window for any ACK sent by the receiver" and "SHOULD track the actual maximum window
        // sequence number": the edge only moves right (the buffer has room up to it, see above).
        if (announcedEdge - tcb.rcvRightEdge > 0) {
            tcb.rcvRightEdge = announcedEdge;
        }
        return field;
    }

    /**
     * After the application read: whether the window opened enough to tell the peer at once
     * (Linux {@code tcp_cleanup_rbuf}: the new window is at least twice the one the peer knows, and
     * by at least one SWS step). Otherwise the next ACK carries the larger window.
     */
    static boolean updateWorthSending(Tcb tcb, int mss) {
        int known = current(tcb);
        int now = available(tcb);
        return now - known >= Math.max(1, step(tcb, mss)) && now >= 2 * known;
    }
}
