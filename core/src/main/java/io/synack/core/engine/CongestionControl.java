package io.synack.core.engine;

/**
 * A sender's congestion control algorithm (RFC 5681 §3, "cwnd" and "ssthresh"), one instance per
 * connection, driven by the engine's loss detection: the engine decides what an ACK means (new
 * data acknowledged, a duplicate, the start or end of a recovery, a timeout) and tells this object,
 * which only keeps the window. NewReno is {@link NewReno}; CUBIC (RFC 9438) fits the same calls
 * (it needs {@code now} in {@link #onAck} and the window at the last reduction, both available).
 *
 * <p>Windows are in bytes. Implementations allocate nothing after construction.
 */
interface CongestionControl {

    /** The name used in {@code synack.tcp.congestion-control}. */
    String name();

    /** Congestion window, bytes. */
    int cwnd();

    /** Slow start threshold, bytes. */
    int ssthresh();

    /**
     * The connection is synchronized and may send: the initial window (RFC 5681 §3.1 with RFC 6928:
     * IW = min(10*SMSS, max(2*SMSS, 14600))).
     *
     * @param smss the sender maximum segment size
     */
    void init(int smss);

    /**
     * An ACK advanced SND.UNA outside loss recovery (RFC 5681 §3.1 slow start, congestion avoidance).
     *
     * @param acked bytes newly acknowledged
     * @param smss the sender maximum segment size
     * @param cwndLimited whether the sender used its window in the last round (RFC 7661's rule: a
     *     window that was not used is not grown)
     * @param now the time, for algorithms that grow with time (CUBIC)
     */
    void onAck(int acked, int smss, boolean cwndLimited, long now);

    /**
     * Loss detected by duplicate ACKs or SACK: fast retransmit starts a recovery (RFC 5681 §3.2
     * steps 2 and 3, RFC 6582 §3.2 step 2, RFC 6675 §5 step 4.2).
     *
     * @param flightSize bytes outstanding (SND.MAX - SND.UNA)
     * @param smss the sender maximum segment size
     * @param sack the recovery is SACK-based (RFC 6675: cwnd = ssthresh, no inflation)
     * @param now the time
     */
    void onEnterRecovery(int flightSize, int smss, boolean sack, long now);

    /** A further duplicate ACK in a NewReno recovery: inflate (RFC 5681 §3.2 step 4). */
    void onDuplicateAckInRecovery(int smss);

    /**
     * A partial ACK in recovery (RFC 6582 §3.2 step 5): deflate by the bytes acknowledged, add back
     * one SMSS if at least one SMSS was acknowledged. Not called for SACK recovery, whose window is
     * not inflated.
     *
     * @param acked bytes newly acknowledged
     * @param smss the sender maximum segment size
     */
    void onPartialAck(int acked, int smss);

    /**
     * A full ACK ends the recovery (RFC 6582 §3.2 step 3, option 1:
     * cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS)).
     *
     * @param flightSize bytes still outstanding after the ACK
     * @param smss the sender maximum segment size
     */
    void onExitRecovery(int flightSize, int smss);

    /**
     * The retransmission timer expired (RFC 5681 §3.1 equation 4 and the loss window): ssthresh =
     * max(FlightSize / 2, 2*SMSS) on the first expiry of a segment (held on later ones), cwnd = 1 SMSS.
     *
     * @param flightSize bytes outstanding
     * @param smss the sender maximum segment size
     * @param firstExpiry whether this is the first expiry for this data
     * @param now the time
     */
    void onRetransmissionTimeout(int flightSize, int smss, boolean firstExpiry, long now);

    /**
     * The sender was idle for longer than an RTO (RFC 5681 §4.1): cwnd = min(IW, cwnd) before sending.
     *
     * @param smss the sender maximum segment size
     */
    void onIdleRestart(int smss);

    /**
     * The last reduction was spurious (RFC 3522 Eifel detection): put back the window and threshold
     * it had before (RFC 4015 §3.2 response).
     *
     * @param cwnd the congestion window before the reduction
     * @param ssthresh the slow start threshold before the reduction
     */
    void undo(int cwnd, int ssthresh);

    /** RFC 6928 (and RFC 5681 §3.1 for small MSS): IW = min(10*SMSS, max(2*SMSS, 14600)). */
    static int initialWindow(int smss) {
        return Math.min(10 * smss, Math.max(2 * smss, 14600));
    }

    /**
     * The algorithm named {@code name}.
     *
     * @param name a value of {@code synack.tcp.congestion-control}
     * @return a new per-connection instance
     */
    static CongestionControl named(String name) {
        if ("newreno".equalsIgnoreCase(name)) {
            return new NewReno();
        }
        throw new IllegalArgumentException("unknown congestion control '" + name + "' (known: newreno)");
    }
}
