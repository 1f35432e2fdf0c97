package io.synack.core.engine;

import static io.synack.core.wire.SeqNum.gt;
import static io.synack.core.wire.SeqNum.lt;

import io.synack.core.wire.Segment;

/**
 * The sender-side and safety uses of RFC 7323 timestamps: PAWS (§5), RTTM samples (§4), and the
 * reopening of a TIME-WAIT connection by a new SYN (RFC 6191). {@link OptionNegotiation} negotiates
 * the option and keeps TS.Recent (§4.3).
 */
final class Paws {
    private Paws() {}

    /** Bytes of TCP option space the timestamps option takes on every segment (10, padded to 12, RFC 7323 Appendix A). */
    static final int TSOPT_LENGTH = 12;
    /**
     * RFC 7323 §5.5: "If a connection remains idle for more than 24 days, TS.Recent is invalid"
     * (2^31 ms at the fastest 1 ms/tick clock is 24.8 days; Linux's TCP_PAWS_24DAYS).
     */
    static final long TS_RECENT_VALID_NANOS = 24L * 24 * 3600 * 1_000_000_000L;
    private static final long NANOS_PER_MS = 1_000_000L;

    /**
     * RFC 7323 §5.3 R1: "If there is a Timestamps option in the arriving segment, SEG.TSval <
     * TS.Recent, TS.Recent is valid (see later discussion), and the RST bit is not set, then treat
     * the arriving segment as not acceptable".
     */
    static boolean rejects(Tcb tcb, Segment seg, long now) {
        return tcb.timestampsOk && seg.hasTimestamps && !seg.has(Segment.RST) && lt(seg.tsVal, tcb.tsRecent)
                && now - tcb.tsRecentAge < TS_RECENT_VALID_NANOS;
    }

    /**
     * RFC 7323 §4.1: the RTT sample of an ACK that advances SND.UNA, "the current value of the
     * timestamp clock minus SEG.TSecr", in ns; -1 when the segment carries no usable echo.
     */
    static long rttSample(Tcb tcb, Segment seg, long now) {
        if (!tcb.timestampsOk || !seg.hasTimestamps || seg.tsEcr == 0) {
            return -1;
        }
        int ms = OptionNegotiation.tsVal(tcb, now) - seg.tsEcr;
        return ms < 0 ? -1 : ms * NANOS_PER_MS;
    }

    /**
     * RFC 6191 §2: whether a SYN may reopen the connection held in TIME-WAIT at {@code slot}; the
     * cause for the state change, or null to keep TIME-WAIT.
     *
     * @param weOfferTimestamps whether the new incarnation would use timestamps from our side
     */
    static String timeWaitReopen(TimeWaitTable timeWait, int slot, Segment syn, boolean weOfferTimestamps) {
        boolean newTs = weOfferTimestamps && syn.hasTimestamps;
        boolean seqAbove = gt(syn.seq, timeWait.rcvNxt(slot));
        if (timeWait.timestampsOk(slot)) {
            // "If the previous incarnation of the connection used Timestamps, then:"
            if (newTs && gt(syn.tsVal, timeWait.tsRecent(slot))) {
                return "rcv SYN with TSval above TS.Recent (reopen, RFC 6191)";
            }
            if (newTs && syn.tsVal == timeWait.tsRecent(slot) && seqAbove) {
                return "rcv SYN with equal TSval, SEQ above RCV.NXT (reopen, RFC 6191)";
            }
            if (!newTs && seqAbove) {
                return "rcv SYN above RCV.NXT (reopen, MAY-2)";
            }
            return null;
        }
        // "If the previous incarnation of the connection did not use Timestamps, then:"
        if (newTs) {
            return "rcv SYN with timestamps (reopen, RFC 6191)";
        }
        return seqAbove ? "rcv SYN above RCV.NXT (reopen, MAY-2)" : null;
    }
}
