package io.synack.core.engine;

import io.synack.api.ConnectionId;
import io.synack.api.TcpState;
import java.net.InetAddress;

/**
 * The Transmission Control Block of one connection (RFC 9293 §3.3.1), with the names the RFC
 * uses. Plain fields: the engine's transition functions own all the logic. Buffers are allocated
 * on first use. Later options (window scale, timestamps, SACK, congestion control, delayed ACK)
 * add their fields here and their steps in {@link TcpEngine}'s transition functions.
 */
final class Tcb {
    static final long NONE = Long.MAX_VALUE;

    final int handle;
    TcpState state = TcpState.CLOSED;
    final ConnectionKey key;
    final ConnectionId id;
    final InetAddress remote;
    final int localPort;
    final int remotePort;

    /** MUST-11: the listener this passive child came from, or -1 (active OPEN or listener gone). */
    int listener = -1;
    /** MUST-11: SYN-RECEIVED was entered from LISTEN (true) or from SYN-SENT (false). */
    boolean passive;
    /** Sits in its listener's accept queue. */
    boolean inAcceptQueue;

    // Send sequence space (RFC 9293 §3.3.1, Figure 3); SND.MAX is the highest SND.NXT ever sent
    // (BSD's snd_max), so that going back to retransmit keeps the ACK acceptability test right.
    int iss;
    int sndUna;
    int sndNxt;
    int sndMax;
    int sndWnd;
    int sndWl1;
    int sndWl2;
    int maxSndWnd;

    // Receive sequence space (Figure 4).
    int irs;
    int rcvNxt;
    /**
     * RCV.NXT + RCV.WND as last advertised: the right edge of the receive window. It never moves
     * left (RFC 9293 §3.8.6.2.2: the window SHOULD NOT shrink) and moves right only in steps of
     * min(RCV.BUFF / 2, MSS) (receiver SWS avoidance, MUST-39); see {@link ReceiveWindow}.
     */
    int rcvRightEdge;
    /** Largest segment text received: the "full-sized segment" of the delayed-ACK rule (Linux rcv_mss). */
    int rcvMss = 536;
    /** Ranges held right of RCV.NXT, or null until the first out-of-order segment. */
    OutOfOrderRanges outOfOrder;
    /** The peer's FIN arrived beyond a hole: processed when RCV.NXT reaches {@link #remoteFinSeq}. */
    boolean remoteFinPending;
    /** Sequence number of the peer's FIN while {@link #remoteFinPending}. */
    int remoteFinSeq;
    /** An ACK must go out after this input (piggybacked on data if any is sent, else alone). */
    boolean ackNow;
    /** A duplicate to report in the next ACK's first SACK block (D-SACK, RFC 2883), [dsackStart, dsackEnd). */
    boolean dsackPending;
    int dsackStart;
    int dsackEnd;
    /** ACKs of in-order text still to send at once (Linux quick-ACK mode, see {@link DelayedAck}). */
    int quickAcks;
    /** When in-order text last arrived (Linux icsk_ack.lrcvtime), or Long.MIN_VALUE before any. */
    long lastTextAt = Long.MIN_VALUE;

    /** The peer's MSS, or the default of MUST-15. */
    int peerMss;

    // ---- Options negotiated in the handshake (RFC 7323, RFC 2018) -------------------------------
    // Each is in force only when BOTH SYNs carried the option: our SYN (or SYN,ACK) offers what the
    // configuration allows, and the peer's SYN (or SYN,ACK) decides.

    /**
     * RFC 7323 §2.2 Snd.Wind.Shift: the peer's window field is shifted left by this many bits
     * (0..14, §2.3). 0 unless both SYNs carried the window scale option; never applied to the
     * window field of a SYN segment.
     */
    int sndWscale;
    /**
     * RFC 7323 §2.2 Rcv.Wind.Shift: our window field is RCV.WND shifted right by this. Chosen when
     * our SYN is built (see {@link WindowScale#shiftFor}) and reset to 0 if the peer's SYN lacked the option.
     */
    int rcvWscale;
    /** Our SYN (or SYN,ACK) offered window scale with {@link #rcvWscale}. */
    boolean wscaleOffered;
    /** RFC 2018 §2: both SYNs carried SACK-permitted, so we send SACK blocks and may use the peer's. */
    boolean sackPermitted;
    /** RFC 7323 §3.2: both SYNs carried timestamps; every non-RST segment carries TSopt from now on. */
    boolean timestampsOk;
    /** Our SYN offered timestamps (before the peer's SYN tells whether it did too). */
    boolean tsOffered;
    /**
     * TS.Recent (RFC 7323 §4.3): the peer's TSval to echo in TSecr; updated by the rule of §4.3
     * ({@code SEG.TSval >= TS.Recent and SEG.SEQ =< Last.ACK.sent}).
     */
    int tsRecent;
    /** When TS.Recent was last updated (engine clock, ns): PAWS treats a TS.Recent idle 24 days as invalid (§5.5). */
    long tsRecentAge;
    /** Last.ACK.sent (RFC 7323 §4.3): the ACK field of the last segment we sent (RCV.NXT then). */
    int lastAckSent;
    /** Per-connection random offset added to our millisecond clock to form TSval (RFC 7323 §5.4, Linux tsoffset). */
    int tsOffset;

    final ByteRing sendBuffer;
    final ByteRing receiveBuffer;
    /** Sequence number of the first byte in {@link #sendBuffer}. */
    int sendBufferSeq;

    /** The application closed the sending direction: a FIN follows the queued data. */
    boolean finQueued;
    /** The peer's FIN was received in order. */
    boolean finReceived;
    /** The application called CLOSE (or the connection is orphaned): it will read nothing more. */
    boolean userClosed;
    /** No longer demultiplexed (in TIME-WAIT's compact table or CLOSED) but kept for the application. */
    boolean detached;
    /** TIME-WAIT slot while {@link #detached} in TIME-WAIT, else -1. */
    int timeWaitSlot = -1;
    boolean noDelay;
    boolean writableWanted;

    // Timers, as data (DESIGN §3): deadlines, or NONE.
    long rtoDeadline = NONE;
    /** Delayed ACK (RFC 9293 §3.8.6.3): an ACK of in-order data is owed by then, unless one goes out before. */
    long delayedAckDeadline = NONE;
    long persistDeadline = NONE;
    /** Tail loss probe timer (RFC 8985 §7), and whether this flight already had its probe. */
    long probeTimeoutDeadline = NONE;
    boolean tailProbeSent;
    long tailLossProbes;
    /** When we last answered an unacceptable segment without data with an ACK (Linux last_oow_ack_time). */
    long lastOutOfWindowAck = Long.MIN_VALUE / 2;
    long finWait2Deadline = NONE;
    /** Keepalive (RFC 9293 §3.8.4): on for this connection, its timer, unanswered probes. */
    boolean keepAlive;
    long keepAliveDeadline = NONE;
    int keepAliveProbes;
    /** When a segment of this connection last arrived (keepalive idle time). */
    long lastReceivedAt;
    /** When the oldest unacknowledged segment was first sent (R2 and the user timeout run from here). */
    long headSentAt = -1;
    int retransmits;
    /** R2 for data and FIN (RFC 9293 §3.8.3): the user timeout or synack.tcp.r2, settable per connection (MUST-21). */
    long r2Nanos;
    long persistInterval;
    boolean synRetransmitted;
    final RttEstimator rtt;
    /** Karn: the segment being timed ends at this sequence number; {@link #rttStart} -1 if none. */
    int rttSeq;
    long rttStart = -1;

    // Congestion control and loss recovery (RFC 5681, RFC 6582, RFC 6675).
    final CongestionControl cc;
    /** Duplicate ACKs in a row (RFC 5681 §2 definition), outside recovery. */
    int dupAcks;
    /** New data sent on duplicate ACKs before a recovery (RFC 3042), not counted in FlightSize for ssthresh. */
    int limitedTransmit;
    /** In fast recovery (RFC 6582 §3.2, RFC 6675 §5). */
    boolean inRecovery;
    /**
     * SND.MAX when the last recovery or retransmission timeout began: RFC 6582's "recover" + 1.
     * A new fast retransmit needs SND.UNA to reach it (RFC 6582 §3.2 step 1), and an ACK reaching
     * it ends the recovery (step 3).
     */
    int recoverEnd;
    /**
     * Eifel detection (RFC 3522): the TSval of the fast retransmission that began the recovery, and
     * the window before it; 0 / unarmed without timestamps.
     */
    boolean eifelArmed;
    int eifelTsVal;
    int priorCwnd;
    int priorSsthresh;
    long spuriousRecoveries;
    /** RFC 6675 HighRxt + 1: retransmissions in this recovery have covered up to here. */
    int highRxt;
    /** SND.MAX when the current round of hole retransmissions began (lost retransmission detection). */
    int rxtRoundMark;
    /** What the peer SACKed (RFC 2018, RFC 6675 §3). */
    final SackScoreboard scoreboard = new SackScoreboard();
    /** When data was last sent, for restart after idle (RFC 5681 §4.1); -1 before any. */
    long lastDataSentAt = -1;
    /** When an acceptable ACK last arrived, for zero-window probing give-up; -1 before any. */
    long lastAckAt = -1;
    /** When the first still unanswered zero-window probe was sent, or -1. */
    long probesUnansweredSince = -1;
    long fastRetransmits;
    long timeouts;

    long wheelTimer = -1;
    long wheelDeadline = NONE;

    long segmentsSent;
    long segmentsReceived;
    long retransmissionCount;
    long bytesSent;
    long bytesReceived;

    Tcb(int handle, ConnectionKey key, ConnectionId id, EngineConfig config) {
        this.handle = handle;
        this.key = key;
        this.id = id;
        this.remote = key.remote;
        this.localPort = key.localPort;
        this.remotePort = key.remotePort;
        this.sendBuffer = new ByteRing(config.sendBuffer());
        this.receiveBuffer = new ByteRing(config.receiveBuffer());
        this.rtt = new RttEstimator(config.rtoInitialNanos(), config.rtoMinNanos(), config.rtoMaxNanos());
        this.noDelay = config.noDelay();
        this.cc = CongestionControl.named(config.sender().congestionControl());
        this.keepAlive = config.sender().keepAlive();
        this.r2Nanos = config.userTimeoutNanos() > 0 ? config.userTimeoutNanos() : config.r2Nanos();
    }

    /** Sequence number of the FIN once queued: right after the last queued byte. */
    int finSeq() {
        return sendBufferSeq + sendBuffer.size();
    }

    boolean finSent() {
        return finQueued && io.synack.core.wire.SeqNum.gt(sndMax, finSeq());
    }

    boolean finAcked() {
        return finQueued && io.synack.core.wire.SeqNum.gt(sndUna, finSeq());
    }

    /** Unacknowledged SYN (our ISS not yet acknowledged). */
    boolean synUnacked() {
        return sndUna == iss;
    }

    long nextDeadline() {
        return Math.min(Math.min(Math.min(rtoDeadline, delayedAckDeadline), Math.min(probeTimeoutDeadline,
                keepAliveDeadline)),
                Math.min(persistDeadline, finWait2Deadline));
    }
}
