package io.synack.core.engine;

/**
 * NewReno congestion control: RFC 5681 slow start and congestion avoidance, RFC 6582 fast
 * recovery (window inflation by duplicate ACKs, deflation by partial ACKs), RFC 6928 initial
 * window, RFC 5681 §4.1 restart after idle. With SACK the recovery follows RFC 6675 (cwnd =
 * ssthresh, the engine counts the pipe).
 */
final class NewReno implements CongestionControl {
    private int cwnd;
    private int ssthresh = Integer.MAX_VALUE;
    /** Bytes acknowledged in congestion avoidance not yet turned into window (RFC 5681 §3.1, byte counting). */
    private int bytesAcked;

    @Override
    public String name() {
        return "newreno";
    }

    @Override
    public int cwnd() {
        return cwnd;
    }

    @Override
    public int ssthresh() {
        return ssthresh;
    }

    @Override
    public void init(int smss) {
        // RFC 5681 §3.1: "The initial value of ssthresh SHOULD be set arbitrarily high (e.g., to the
        // size of the largest possible advertised window)"; IW per RFC 6928.
        cwnd = CongestionControl.initialWindow(smss);
        ssthresh = Integer.MAX_VALUE;
        bytesAcked = 0;
    }

    @Override
    public void onAck(int acked, int smss, boolean cwndLimited, long now) {
        if (!cwndLimited) {
            return; // RFC 7661 §4.1 / RFC 5681 §3.1 note: do not grow a window the sender is not using
        }
        if (cwnd < ssthresh) {
            // Slow start (RFC 5681 §3.1 equation 2, with RFC 3465 L = 1 SMSS): cwnd += min(N, SMSS).
            cwnd = saturatedAdd(cwnd, Math.min(acked, smss));
            return;
        }
        // Congestion avoidance (RFC 5681 §3.1, appropriate byte counting of RFC 3465 §2.1): cwnd
        // grows by one SMSS once a whole cwnd of bytes has been acknowledged.
        bytesAcked = saturatedAdd(bytesAcked, acked);
        if (bytesAcked >= cwnd) {
            bytesAcked -= cwnd;
            cwnd = saturatedAdd(cwnd, smss);
        }
    }

    @Override
    public void onEnterRecovery(int flightSize, int smss, boolean sack, long now) {
        // RFC 5681 §3.2 step 2 (equation 4): ssthresh = max(FlightSize / 2, 2*SMSS).
        ssthresh = Math.max(flightSize / 2, 2 * smss);
        // Step 3: cwnd = ssthresh + 3*SMSS ("artificially inflates the congestion window by the
        // number of segments (three) that have left the network"); RFC 6675 §5 step 4.2: cwnd = ssthresh.
        cwnd = sack ? ssthresh : ssthresh + 3 * smss;
        bytesAcked = 0;
    }

    @Override
    public void onDuplicateAckInRecovery(int smss) {
        cwnd = saturatedAdd(cwnd, smss); // RFC 5681 §3.2 step 4
    }

    @Override
    public void onPartialAck(int acked, int smss) {
        // RFC 6582 §3.2 step 5: "deflate the congestion window by the amount of new data acknowledged
        // by the cumulative acknowledgment field. If the partial ACK acknowledges at least one SMSS of
        // new data, then add back SMSS bytes to the congestion window."
        cwnd = Math.max(smss, cwnd - acked + (acked >= smss ? smss : 0));
    }

    @Override
    public void onExitRecovery(int flightSize, int smss) {
        // RFC 6582 §3.2 step 3, option (1): "Set cwnd to min (ssthresh, max(FlightSize, SMSS) + SMSS)"
        // (protects against a burst when little is outstanding).
        cwnd = Math.min(ssthresh, Math.max(flightSize, smss) + smss);
        bytesAcked = 0;
    }

    @Override
    public void onRetransmissionTimeout(int flightSize, int smss, boolean firstExpiry, long now) {
        if (firstExpiry) {
            // RFC 5681 §3.1 equation 4; "if the same segment is retransmitted multiple times ... the
            // value of ssthresh is held constant" (§3.1, note on equation 4).
            ssthresh = Math.max(flightSize / 2, 2 * smss);
        }
        cwnd = smss; // the loss window, LW = 1 SMSS
        bytesAcked = 0;
    }

    @Override
    public void onIdleRestart(int smss) {
        // RFC 5681 §4.1: "cwnd is set to RW before beginning transmission", RW = min(IW, cwnd).
        cwnd = Math.min(CongestionControl.initialWindow(smss), cwnd);
        bytesAcked = 0;
    }

    @Override
    public void undo(int priorCwnd, int priorSsthresh) {
        cwnd = Math.max(cwnd, priorCwnd);
        ssthresh = Math.max(ssthresh, priorSsthresh);
        bytesAcked = 0;
    }

    private static int saturatedAdd(int a, int b) {
        long s = (long) a + b;
        return s > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) s;
    }
}
