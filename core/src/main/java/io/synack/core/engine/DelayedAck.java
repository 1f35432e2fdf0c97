package io.synack.core.engine;

/**
 * When to acknowledge in-order text (RFC 9293 §3.8.6.3, RFC 5681 §4.2, RFC 1122 §4.2.3.2), as
 * Linux does it: delayed by up to the delayed-ACK timeout, but at least every second full-sized
 * segment, and at once in "quick-ACK" mode — for the first segments of a connection and after the
 * sender has been silent longer than an RTO (Linux {@code tcp_event_data_recv} /
 * {@code tcp_incr_quickack}: up to 16 ACKs, at most one per two segments the window holds), so
 * that a sender in slow start or restarting after idle is not slowed by delayed ACKs.
 * Out-of-order text, a segment filling a gap and a FIN are acknowledged at once by the caller.
 */
final class DelayedAck {
    private DelayedAck() {}

    /** Linux TCP_MAX_QUICKACKS. */
    static final int MAX_QUICK_ACKS = 16;

    /**
     * In-order text arrived at {@code now} (Linux {@code tcp_event_data_recv}): the first text of
     * the connection, or text after a silence longer than the RTO, enters quick-ACK mode.
     */
    static void textArrived(Tcb tcb, long now, long rtoNanos) {
        if (tcb.lastTextAt == Long.MIN_VALUE || now - tcb.lastTextAt > rtoNanos) {
            enterQuickAck(tcb);
        }
        tcb.lastTextAt = now;
    }

    /** Linux {@code tcp_incr_quickack}: RCV.WND / (2 × receive MSS) ACKs, at least 2, at most 16. */
    static void enterQuickAck(Tcb tcb) {
        int quick = ReceiveWindow.current(tcb) / (2 * Math.max(1, tcb.rcvMss));
        if (quick == 0) {
            quick = 2;
        }
        tcb.quickAcks = Math.max(tcb.quickAcks, Math.min(quick, MAX_QUICK_ACKS));
    }

    /**
     * Whether in-order text must be acknowledged at once: delayed ACK switched off, quick-ACK
     * mode, or more than one full-sized segment unacknowledged (Linux {@code __tcp_ack_snd_check}).
     */
    static boolean dueNow(Tcb tcb, boolean delayedAckOn) {
        return !delayedAckOn || tcb.quickAcks > 0 || tcb.rcvNxt - tcb.lastAckSent > tcb.rcvMss;
    }

    /** A segment carrying an ACK was sent (Linux {@code tcp_dec_quickack_mode}). */
    static void ackSent(Tcb tcb) {
        if (tcb.quickAcks > 0) {
            tcb.quickAcks--;
        }
    }
}
