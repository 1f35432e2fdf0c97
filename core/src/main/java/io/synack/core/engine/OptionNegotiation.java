package io.synack.core.engine;

import static io.synack.core.wire.SeqNum.ge;
import static io.synack.core.wire.SeqNum.le;

import io.synack.core.wire.Segment;

/**
 * The handshake negotiation of the RFC 7323 (window scale, timestamps) and RFC 2018
 * (SACK-permitted) options, and the per-segment work they bring: scaling window fields and
 * stamping TSopt. Each option is in force only when both SYNs carried it; a SYN,ACK carries an
 * option only if the SYN it answers did (RFC 7323 §2.2, §3.2; RFC 2018 §2).
 *
 * <p>Our SYN is laid out as Linux's ({@code mss, sackOK, TS, nop, wscale}); the codec fixes the
 * layout, this class only decides what is offered.
 */
final class OptionNegotiation {
    private OptionNegotiation() {}

    /** RFC 7323 §2.3: "the shift.cnt value ... MUST be less than or equal to 14". */
    static final int MAX_WSCALE = 14;
    /** The largest value of the 16-bit window field (RFC 9293 §3.1). */
    static final int MAX_WINDOW_FIELD = 65535;
    private static final long NANOS_PER_MS = 1_000_000L;

    /**
     * The window scale we offer for a receive buffer of {@code receiveBuffer} bytes: the smallest
     * shift that lets the 16-bit field express the whole buffer, as Linux's
     * {@code tcp_select_initial_window} computes {@code rcv_wscale} from its largest receive space
     * ({@code while (space > 65535 && rcv_wscale < 14) { space >>= 1; rcv_wscale++; }}).
     */
    static int windowShift(int receiveBuffer) {
        int shift = 0;
        long space = receiveBuffer;
        while (space > MAX_WINDOW_FIELD && shift < MAX_WSCALE) {
            space >>= 1;
            shift++;
        }
        return shift;
    }

    /**
     * Our TSval at {@code now}: a per-connection offset plus a millisecond clock derived from the
     * engine's time (RFC 7323 §5.4 recommends a per-connection random offset; Linux uses 1 ms ticks).
     */
    static int tsVal(Tcb tcb, long now) {
        return tcb.tsOffset + (int) (now / NANOS_PER_MS);
    }

    /** TSval of a TIME-WAIT entry with offset {@code tsOffset}. */
    static int tsVal(int tsOffset, long now) {
        return tsOffset + (int) (now / NANOS_PER_MS);
    }

    /** Active OPEN: decides what our SYN offers, before anything is known about the peer. */
    static void offerActive(Tcb tcb, EngineConfig config) {
        tcb.wscaleOffered = config.windowScaling();
        tcb.rcvWscale = tcb.wscaleOffered ? windowShift(config.receiveBuffer()) : 0;
        tcb.tsOffered = config.timestamps();
    }

    /**
     * The peer's SYN (passive open) or SYN,ACK or SYN (simultaneous open) arrived: an option is in
     * force when both sides offered it. For a passive open our offer is the configuration, and the
     * SYN,ACK will carry exactly what is negotiated.
     *
     * @param weOffered true if our SYN already went out (active or simultaneous open)
     */
    static void negotiate(Tcb tcb, EngineConfig config, Segment peerSyn, boolean weOffered, long now) {
        if (!weOffered) {
            offerActive(tcb, config);
        }
        // RFC 7323 §2.2: "If a Window Scale option is received with a shift.cnt value larger than 14,
        // the TCP SHOULD log the error but MUST use 14 instead"; applied only if both sides sent it.
        if (tcb.wscaleOffered && peerSyn.windowScale != Segment.ABSENT) {
            tcb.sndWscale = Math.min(peerSyn.windowScale, MAX_WSCALE);
        } else {
            tcb.wscaleOffered = false;
            tcb.sndWscale = 0;
            tcb.rcvWscale = 0;
        }
        // RFC 2018 §2: SACK-permitted "MAY be sent in a SYN"; SACK blocks only if both did.
        tcb.sackPermitted = config.sack() && peerSyn.sackPermitted;
        // RFC 7323 §3.2: timestamps are sent on every segment only if both SYNs carried TSopt; the
        // peer's SYN TSval is the first TS.Recent (§4.3 "initialized from the SYN").
        tcb.timestampsOk = tcb.tsOffered && peerSyn.hasTimestamps;
        tcb.tsOffered = tcb.timestampsOk;
        if (tcb.timestampsOk) {
            tcb.tsRecent = peerSyn.tsVal;
            tcb.tsRecentAge = now;
        }
    }

    /** Fills the options of our SYN (active open; retransmissions repeat the offer). */
    static void fillSyn(Tcb tcb, EngineConfig config, Segment out, long now) {
        out.sackPermitted = config.sack();
        if (tcb.tsOffered) {
            out.hasTimestamps = true;
            out.tsVal = tsVal(tcb, now);
            out.tsEcr = 0; // RFC 7323 §3.2: TSecr is 0 when the ACK bit is off
        }
        if (tcb.wscaleOffered) {
            out.windowScale = tcb.rcvWscale;
        }
    }

    /** Fills the options of our SYN,ACK: only what the peer's SYN offered too. */
    static void fillSynAck(Tcb tcb, Segment out, long now) {
        out.sackPermitted = tcb.sackPermitted;
        if (tcb.timestampsOk) {
            out.hasTimestamps = true;
            out.tsVal = tsVal(tcb, now);
            out.tsEcr = tcb.tsRecent;
        }
        if (tcb.wscaleOffered) {
            out.windowScale = tcb.rcvWscale;
        }
    }

    /**
     * The window field for RCV.WND = {@code rcvWnd}: unscaled (at most 65535) in a SYN (RFC 7323
     * §2.2: "The window field in a segment where the SYN bit is set ... MUST NOT be scaled"),
     * else shifted right by Rcv.Wind.Shift.
     */
    static int windowField(int rcvWnd, int rcvWscale, boolean syn) {
        if (syn) {
            return Math.min(rcvWnd, MAX_WINDOW_FIELD);
        }
        return Math.min(rcvWnd >>> rcvWscale, MAX_WINDOW_FIELD);
    }

    /** SEG.WND of an arriving segment in bytes: the field shifted by Snd.Wind.Shift, except in a SYN. */
    static int segmentWindow(Tcb tcb, Segment seg) {
        return seg.has(Segment.SYN) ? seg.window : seg.window << tcb.sndWscale;
    }

    /**
     * RFC 7323 §4.3 (minimal form, before PAWS): "If SEG.TSval >= TS.Recent and SEG.SEQ =<
     * Last.ACK.sent then SEG.TSval is copied to TS.Recent; otherwise, it is ignored." Called for a
     * segment that passed the acceptability test.
     */
    static void updateTsRecent(Tcb tcb, Segment seg, long now) {
        if (tcb.timestampsOk && seg.hasTimestamps && ge(seg.tsVal, tcb.tsRecent) && le(seg.seq, tcb.lastAckSent)) {
            tcb.tsRecent = seg.tsVal;
            tcb.tsRecentAge = now;
        }
    }

    /** Stamps TSopt on an outgoing non-SYN segment of a connection that negotiated timestamps. */
    static void stamp(Tcb tcb, Segment out, long now) {
        if (tcb.timestampsOk) {
            out.hasTimestamps = true;
            out.tsVal = tsVal(tcb, now);
            out.tsEcr = tcb.tsRecent;
        }
    }
}
