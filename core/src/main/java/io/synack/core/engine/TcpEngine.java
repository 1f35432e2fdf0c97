package io.synack.core.engine;

import static io.synack.core.wire.SeqNum.ge;
import static io.synack.core.wire.SeqNum.gt;
import static io.synack.core.wire.SeqNum.le;
import static io.synack.core.wire.SeqNum.lt;

import io.synack.api.AddressInUseException;
import io.synack.api.CloseReason;
import io.synack.api.ConnectionClosedException;
import io.synack.api.ConnectionEvent;
import io.synack.api.ConnectionId;
import io.synack.api.ConnectionRefusedException;
import io.synack.api.ConnectionResetException;
import io.synack.api.ConnectionStatistics;
import io.synack.api.ConnectionTimedOutException;
import io.synack.api.StackStatistics;
import io.synack.api.SynackException;
import io.synack.api.TcpState;
import io.synack.core.wire.Segment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.random.RandomGenerator;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.Object2IntHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sans-IO TCP engine of one stack: RFC 9293 connection management (§3.5 open, §3.6 close,
 * §3.10 event processing) with RFC 5961 hardening, RFC 6298 retransmission timers, RFC 6528
 * initial sequence numbers and RFC 6056 ephemeral ports, plus an in-order reliable byte stream.
 *
 * <p>Each kind of event has one transition function that switches on the RFC state:
 * {@link #handleSegment} (SEGMENT ARRIVES, §3.10.7), {@link #handleTimeout} (§3.10.8) and the user
 * calls (§3.10.1–§3.10.6). Every state change passes through {@link #setState}.
 *
 * <p>Handle lifecycle: every connection handle (active, or a passive child, accepted or not) ends
 * with exactly one {@link ConnectionEvent.Closed}. A connection that fails (reset, refused, timed
 * out, aborted) is released at once. A graceful one is released when its protocol work is done
 * (CLOSED, or TIME-WAIT which continues in the compact {@link TimeWaitTable}) and the application
 * has called {@link #close}; until then received data stays readable.
 */
public final class TcpEngine implements Engine {
    private static final Logger LOG = LoggerFactory.getLogger(TcpEngine.class);

    /** MUST-15: the send MSS when the peer's SYN carries no MSS option (IPv4). */
    static final int DEFAULT_MSS_IPV4 = 536;
    /** MUST-15 with RFC 8200: the IPv6 default (1280 - 40 - 20). */
    static final int DEFAULT_MSS_IPV6 = 1220;
    /** The largest unscaled window (RFC 9293 §3.1: a 16-bit field). */
    private static final int MAX_WINDOW = 65535;
    /** RFC 5681 §3.2 / RFC 6675 DupThresh: the third duplicate ACK signals a loss. */
    static final int DUP_THRESH = 3;

    private final InetAddress localAddress;
    private final EngineConfig config;
    private final IsnGenerator isnGenerator;
    private final EphemeralPortSelector ports;
    private final TimerService timers = new TimerService();
    private final TimeWaitTable timeWait = new TimeWaitTable();
    private final TransmitQueue transmit = new TransmitQueue();
    private final ArrayDeque<ConnectionEvent> events = new ArrayDeque<>();
    private final EngineStatistics stats = new EngineStatistics();
    private final ChallengeAckLimiter challengeAcks;

    private final Object2IntHashMap<ConnectionKey> connections = new Object2IntHashMap<>(-1);
    private final ConnectionKey probe = new ConnectionKey();
    private Tcb[] tcbs = new Tcb[64];
    private CloseReason[] endedAs = new CloseReason[64];
    private int[] freeHandles = new int[64];
    private int freeHandleCount;
    private int handleHighWater;
    private int liveTcbs;

    private final Int2ObjectHashMap<Listener> listenersByPort = new Int2ObjectHashMap<>();
    private Listener[] listeners = new Listener[8];

    /**
     * The smallest send MSS we accept from a peer (Linux tcp_min_snd_mss, the fix for CVE-2019-11479):
     * an MSS of 1 would make every byte a segment and every segment a retransmission-queue entry.
     */
    static final int MIN_SEND_MSS = 48;
    /** The fixed TCP header, without options (RFC 9293 §3.1). */
    private static final int TCP_HEADER = 20;
    /** MMS_S = MMS_R of RFC 9293 §3.7.1 as the transport reports it; unlimited until told. */
    private int maxSegmentSize = Integer.MAX_VALUE;

    /** An ISS imposed on the next passive child (reopen from TIME-WAIT), or 0 with the flag off. */
    private boolean forcedIssPending;
    private int forcedIss;

    /**
     * The engine clock of the input being processed (set by every input), from which outgoing
     * segments take their TSval (RFC 7323 §3.2) without threading {@code now} through every helper.
     */
    private long clock;

    /**
     * An engine with explicit ISN and port choice (tests, reproducible simulations).
     *
     * @param localAddress this stack's IP address
     * @param config validated configuration
     * @param isnGenerator ISS for new connections
     * @param ports ephemeral port selection
     */
    public TcpEngine(InetAddress localAddress, EngineConfig config, IsnGenerator isnGenerator,
            EphemeralPortSelector ports) {
        this.localAddress = localAddress;
        this.config = config;
        this.isnGenerator = isnGenerator;
        this.ports = ports;
        this.challengeAcks = new ChallengeAckLimiter(config.challengeAckLimit());
        if (config.unsafeTwoWayHandshake() || config.unsafeCloseOnFirstFin()) {
            LOG.warn("{}: UNSAFE experiment switches on (two-way handshake: {}, close on first FIN: {}): this "
                    + "is not TCP; use only to see what the mechanism prevents", localAddress.getHostAddress(),
                    config.unsafeTwoWayHandshake(), config.unsafeCloseOnFirstFin());
        }
        if (config.mslNanos() == 0) {
            LOG.warn("{}: synack.tcp.msl = 0 removes TIME-WAIT: delayed segments of a closed connection can be "
                    + "taken for data of a new one on the same ports (RFC 9293 §3.4.2). Unsafe outside experiments.",
                    localAddress.getHostAddress());
        }
    }

    /**
     * The usual way to build an engine: RFC 6528 ISNs and RFC 6056 ports keyed by
     * {@code synack.tcp.isn.secret}, or by a secret drawn from {@code random} when that is empty.
     *
     * @param localAddress this stack's IP address
     * @param config validated configuration
     * @param random source of the secret (a seeded generator makes a simulation reproducible)
     * @return the engine
     */
    public static TcpEngine create(InetAddress localAddress, EngineConfig config, RandomGenerator random) {
        long k0;
        long k1;
        if (config.isnSecret().isEmpty()) {
            k0 = random.nextLong();
            k1 = random.nextLong();
        } else {
            byte[] b = HexFormat.of().parseHex(config.isnSecret());
            k0 = java.nio.ByteBuffer.wrap(b).getLong(0);
            k1 = java.nio.ByteBuffer.wrap(b).getLong(8);
        }
        return new TcpEngine(localAddress, config, new SipHashIsnGenerator(k0, k1),
                new EphemeralPortSelector(config.ephemeralLow(), config.ephemeralHigh(), k1 ^ 0x6a09e667f3bcc908L,
                        k0 ^ 0xbb67ae8584caa73bL));
    }

    /**
     * As {@link #create(InetAddress, EngineConfig, RandomGenerator)} with every secret derived from
     * {@code seed}; fits {@code io.synack.core.driver.EngineFactory}:
     * {@code (address, seed) -> TcpEngine.create(address, config, seed)}.
     *
     * @param localAddress this stack's IP address
     * @param config validated configuration
     * @param seed the stack's seed (from a strong random source outside simulations)
     * @return the engine
     */
    public static TcpEngine create(InetAddress localAddress, EngineConfig config, long seed) {
        return create(localAddress, config, new java.util.SplittableRandom(seed));
    }

    @Override
    public InetAddress localAddress() {
        return localAddress;
    }

    // =============================================================================================
    // SEGMENT ARRIVES (RFC 9293 §3.10.7)
    // =============================================================================================

    @Override
    public void handleSegment(InetAddress remote, InetAddress destination, Segment seg, long now) {
        if (destination != null && (destination.isMulticastAddress() || isLimitedBroadcast(destination))) {
            // MUST-57 (RFC 9293 §3.9.2.2, RFC 1122 §4.2.3.10): TCP is unicast; a SYN to a broadcast or
            // multicast address is discarded silently, and so is every other segment (as Linux does:
            // tcp_v4_rcv drops packets not addressed to this host), so nothing answers it.
            stats.segmentsIn++;
            stats.drop(DropReason.NOT_UNICAST);
            return;
        }
        handleSegment(remote, seg, now);
    }

    private static boolean isLimitedBroadcast(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 4 && (b[0] & b[1] & b[2] & b[3]) == (byte) 0xff;
    }

    @Override
    public void handleSegment(InetAddress remote, Segment seg, long now) {
        clock = now;
        stats.segmentsIn++;
        if (seg.sourcePort == 0 || seg.destinationPort == 0 || remote == null) {
            stats.drop(DropReason.BAD_HEADER);
            return;
        }
        probe.set(remote, seg.sourcePort, seg.destinationPort);
        int handle = connections.getValue(probe);
        if (handle >= 0) {
            Tcb tcb = tcbs[handle];
            tcb.segmentsReceived++;
            tcb.lastReceivedAt = now; // keepalive: the peer is alive
            if (tcb.keepAliveProbes > 0) {
                tcb.keepAliveProbes = 0; // an answer: idle time counts again from here
                tcb.keepAliveDeadline = now + config.sender().keepAliveIdleNanos();
            }
            switch (tcb.state) {
                case SYN_SENT -> synSentArrives(tcb, seg, now);
                default -> synchronizedArrives(tcb, seg, now);
            }
            return;
        }
        int tw = timeWait.find(probe);
        if (tw >= 0) {
            timeWaitArrives(tw, remote, seg, now);
            return;
        }
        Listener l = listenersByPort.get(seg.destinationPort);
        if (l != null) {
            listenArrives(l, remote, seg, now);
            return;
        }
        closedArrives(remote, seg);
    }

    /** RFC 9293 §3.10.7.1: no TCB. */
    private void closedArrives(InetAddress remote, Segment seg) {
        stats.drop(DropReason.NO_CONNECTION);
        if (seg.has(Segment.RST)) {
            return; // "An incoming segment containing a RST is discarded."
        }
        if (!seg.has(Segment.ACK)) {
            // "<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>"
            sendReset(remote, seg.destinationPort, seg.sourcePort, 0, seg.seq + seg.sequenceLength(), true);
        } else {
            // "<SEQ=SEG.ACK><CTL=RST>"
            sendReset(remote, seg.destinationPort, seg.sourcePort, seg.ack, 0, false);
        }
    }

    /** RFC 9293 §3.10.7.2: LISTEN. */
    private void listenArrives(Listener l, InetAddress remote, Segment seg, long now) {
        if (seg.has(Segment.RST)) {
            stats.drop(DropReason.NO_CONNECTION);
            return; // first: "An incoming RST segment could not be valid ... ignored"
        }
        if (seg.has(Segment.ACK)) {
            // second: "Any acknowledgment is bad if it arrives on a connection still in the LISTEN
            // state. An acceptable reset segment should be formed ... <SEQ=SEG.ACK><CTL=RST>"
            stats.drop(DropReason.NO_CONNECTION);
            sendReset(remote, seg.destinationPort, seg.sourcePort, seg.ack, 0, false);
            return;
        }
        if (!seg.has(Segment.SYN)) {
            stats.drop(DropReason.NO_CONTROL); // fourth: "Any other control or text-bearing segment ... drop it"
            return;
        }
        if (seg.has(Segment.FIN)) {
            stats.drop(DropReason.SYN_FIN); // Linux tcp_rcv_state_process: SYN+FIN in LISTEN is discarded
            return;
        }
        if (remote.isMulticastAddress() || remote.isAnyLocalAddress()) {
            // RFC 9293 §3.9.2 (MUST-63 family): a SYN from a broadcast/multicast or unspecified
            // source cannot start a connection; discard it silently.
            stats.drop(DropReason.BAD_ADDRESS);
            return;
        }
        if (l.full()) {
            stats.drop(DropReason.BACKLOG_FULL); // Linux: silently dropped, the peer retransmits its SYN
            return;
        }
        // third: SYN. "Set RCV.NXT to SEG.SEQ+1, IRS is set to SEG.SEQ ... ISS should be selected and a
        // SYN segment sent of the form <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>". Text on the SYN is not
        // acknowledged and is dropped (no TCP Fast Open; the peer retransmits it), as Linux.
        ConnectionKey key = new ConnectionKey(remote, seg.sourcePort, seg.destinationPort);
        Tcb tcb = newTcb(key);
        tcb.state = TcpState.LISTEN; // born from the listener (MUST-11)
        tcb.listener = l.handle;
        tcb.passive = true;
        if (forcedIssPending) {
            tcb.iss = forcedIss;
            forcedIssPending = false;
        } else {
            tcb.iss = isnGenerator.isn(localAddress, key.localPort, remote, key.remotePort, now);
        }
        initSendSpace(tcb);
        tcb.irs = seg.seq;
        tcb.rcvNxt = seg.seq + 1;
        takePeerOptions(tcb, seg, false, now);
        l.synQueue++;
        connections.put(key, tcb.handle);
        setState(tcb, TcpState.SYN_RECEIVED, "rcv SYN; snd SYN,ACK", now);
        sendSynAck(tcb, false, now);
        if (config.unsafeTwoWayHandshake()) {
            // UNSAFE experiment (synack.tcp.unsafe.two-way-handshake), the seed's "why three?": the
            // connection counts as open without the peer confirming it wanted one, so a stale SYN
            // (RFC 9293 §3.5, Figure 8) hands the application a connection nobody asked for.
            // No ACK will set the send window (§3.10.7.4 SYN-RECEIVED does that), so take the
            // SYN's: without it the connection could never send (SND.WND = 0).
            tcb.sndWnd = seg.window;
            tcb.maxSndWnd = seg.window;
            tcb.sndWl1 = seg.seq;
            tcb.sndWl2 = tcb.iss;
            establish(tcb, "UNSAFE two-way handshake: snd SYN,ACK", now);
        }
    }

    /** RFC 9293 §3.10.7.3: SYN-SENT. */
    private void synSentArrives(Tcb tcb, Segment seg, long now) {
        boolean ackAcceptable = false;
        if (seg.has(Segment.ACK)) {
            // first: "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless the RST bit is set,
            // if so drop the segment and return) <SEQ=SEG.ACK><CTL=RST>"
            if (le(seg.ack, tcb.iss) || gt(seg.ack, tcb.sndMax)) {
                stats.drop(DropReason.BAD_ACK);
                if (!seg.has(Segment.RST)) {
                    sendReset(tcb.remote, tcb.localPort, tcb.remotePort, seg.ack, 0, false);
                }
                return;
            }
            ackAcceptable = lt(tcb.sndUna, seg.ack) && le(seg.ack, tcb.sndMax);
        }
        if (seg.has(Segment.RST)) {
            // second: "If the ACK was acceptable, then signal to the user 'error: connection reset',
            // drop the segment, enter CLOSED state, delete TCB, and return. Otherwise (no ACK), drop"
            // (RFC 5961 §3.2 keeps this rule for SYN-SENT.)
            if (ackAcceptable) {
                setState(tcb, TcpState.CLOSED, "rcv RST,ACK (connection refused)", now);
                events.add(new ConnectionEvent.Reset(tcb.id, now, true, true));
                release(tcb, CloseReason.REFUSED, now);
            } else {
                stats.drop(DropReason.BAD_RST);
            }
            return;
        }
        if (!seg.has(Segment.SYN)) {
            stats.drop(DropReason.NO_CONTROL); // fifth: "If neither of the SYN or RST bits is set, drop"
            return;
        }
        // fourth: SYN.
        tcb.irs = seg.seq;
        tcb.rcvNxt = seg.seq + 1;
        takePeerOptions(tcb, seg, true, now);
        if (ackAcceptable) {
            ackSynAndSample(tcb, seg.ack, now);
            // "If SND.UNA > ISS (our SYN has been ACKed), change the connection state to ESTABLISHED,
            // form an ACK segment <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and send it."
            tcb.sndWnd = seg.window;
            tcb.maxSndWnd = Math.max(tcb.maxSndWnd, seg.window);
            tcb.sndWl1 = seg.seq;
            tcb.sndWl2 = seg.ack;
            establish(tcb, "rcv SYN,ACK; snd ACK", now);
            // "If there are other controls or text in the segment, then continue processing at the
            // sixth step ... where the URG bit is checked"
            if (seg.payloadLength() > 0 || seg.has(Segment.FIN)) {
                processText(tcb, seg, seg.seq + 1, now); // acknowledges the SYN with the text
                if (tcb.detached || tcb.state == TcpState.CLOSED) {
                    return;
                }
            }
            tcb.ackNow = true; // the SYN is acknowledged at once (piggybacked if data goes out)
            output(tcb, now);
            flushAck(tcb);
            armTimer(tcb);
        } else {
            // MUST-10 simultaneous open: "Otherwise, enter SYN-RECEIVED, form a SYN,ACK segment
            // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> and send it. Set the variables SND.WND, SND.WL1, SND.WL2"
            tcb.sndWnd = seg.window;
            tcb.maxSndWnd = Math.max(tcb.maxSndWnd, seg.window);
            tcb.sndWl1 = seg.seq;
            tcb.sndWl2 = tcb.iss;
            tcb.passive = false; // MUST-11: came from SYN-SENT
            setState(tcb, TcpState.SYN_RECEIVED, "rcv SYN (simultaneous open); snd SYN,ACK", now);
            // The SYN we send now is a retransmission of ours in sequence space: Karn forbids timing it.
            tcb.rttStart = -1;
            sendSynAck(tcb, true, now);
        }
    }

    /** RFC 9293 §3.10.7.4: SYN-RECEIVED and the synchronized states. */
    /** Linux {@code tcp_invalid_ratelimit}: the least time between two out-of-window ACKs of a connection. */
    static final long OUT_OF_WINDOW_ACK_INTERVAL_NANOS = 500_000_000L;

    private void synchronizedArrives(Tcb tcb, Segment seg, long now) {
        TcpState state = tcb.state;
        int segLen = seg.sequenceLength();
        // Linux tcp_check_req: a retransmission of the peer's SYN (its SYN-ACK was lost) is answered
        // by retransmitting our SYN,ACK (RFC 9293 §3.8.1: the peer's SYN was already acknowledged).
        if (state == TcpState.SYN_RECEIVED && seg.has(Segment.SYN) && !seg.has(Segment.ACK)
                && !seg.has(Segment.RST) && seg.seq == tcb.irs) {
            sendSynAck(tcb, true, now);
            return;
        }
        // Linux tcp_validate_incoming: in simultaneous open (RFC 9293 Figure 7, line 5) the peer's
        // SYN,ACK is the ACK of our SYN even though its SYN is a duplicate in sequence space.
        boolean simultaneousSynAck = state == TcpState.SYN_RECEIVED && !tcb.passive && seg.has(Segment.SYN)
                && seg.has(Segment.ACK) && !seg.has(Segment.RST) && seg.seq + 1 == tcb.rcvNxt
                && seg.ack == tcb.sndMax;
        if (seg.has(Segment.SYN) && !seg.has(Segment.RST) && !simultaneousSynAck) {
            synInWindow(tcb, seg, now);
            return;
        }
        // RFC 7323 §5.3 R1 (PAWS), before the acceptability test: a segment whose TSval is older than
        // TS.Recent is an old duplicate; "send an acknowledgment in reply ... and drop the segment".
        if (Paws.rejects(tcb, seg, now)) {
            stats.drop(DropReason.PAWS);
            sendOutOfWindowAck(tcb, seg, now);
            return;
        }
        // first: check sequence number (the four cases).
        int rcvWnd = receiveWindow(tcb);
        if (!simultaneousSynAck && !acceptable(seg.seq, segLen, tcb.rcvNxt, rcvWnd)) {
            // "If the RCV.WND is zero, no segments will be acceptable, but special allowance should be
            // made to accept valid ACKs, URG, and RST bits."
            boolean zeroWindowAck = rcvWnd == 0 && seg.seq == tcb.rcvNxt && !seg.has(Segment.RST);
            if (!zeroWindowAck) {
                stats.drop(seg.has(Segment.RST) ? DropReason.BAD_RST : DropReason.OUT_OF_WINDOW);
                if (!seg.has(Segment.RST)) {
                    // "an acknowledgment should be sent in reply (unless the RST bit is set)".
                    if (seg.payloadLength() > 0) {
                        DelayedAck.enterQuickAck(tcb); // Linux tcp_data_queue out_of_window
                        if (le(seg.seq + seg.payloadLength(), tcb.rcvNxt)) {
                            reportDuplicate(tcb, seg.seq, seg.seq + seg.payloadLength()); // RFC 2883 §4
                        }
                    }
                    sendOutOfWindowAck(tcb, seg, now);
                }
                return;
            }
        }
        // RFC 7323 §4.3 (PAWS and RTTM build on it): remember the peer's TSval for our TSecr.
        OptionNegotiation.updateTsRecent(tcb, seg, now);
        // second: RST (RFC 5961 §3.2).
        if (seg.has(Segment.RST)) {
            if (seg.seq != tcb.rcvNxt) {
                // "If the RST bit is set and the sequence number does not exactly match the next
                // expected sequence value, yet is within the current receive window, TCP endpoints
                // MUST send an acknowledgment (challenge ACK)"
                stats.drop(DropReason.BAD_RST);
                sendChallengeAck(tcb, now);
                return;
            }
            resetArrives(tcb, now);
            return;
        }
        // fourth: SYN was handled above (synInWindow); fifth: ACK.
        if (!seg.has(Segment.ACK)) {
            stats.drop(DropReason.NO_ACK); // "if the ACK bit is off, drop the segment and return"
            return;
        }
        if (state == TcpState.SYN_RECEIVED) {
            // "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state and continue processing
            // with the variables SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK. If the
            // segment acknowledgment is not acceptable, form a reset segment <SEQ=SEG.ACK><CTL=RST>"
            if (!(lt(tcb.sndUna, seg.ack) && le(seg.ack, tcb.sndMax))) {
                stats.drop(DropReason.BAD_ACK);
                sendReset(tcb.remote, tcb.localPort, tcb.remotePort, seg.ack, 0, false);
                return;
            }
            if (tcb.passive && tcb.listener >= 0 && acceptQueueFull(tcb.listener)) {
                // Linux tcp_check_req with a full accept queue: drop the ACK, stay in SYN-RECEIVED,
                // the SYN,ACK retransmission gives the application time to accept.
                stats.drop(DropReason.ACCEPT_QUEUE_FULL);
                return;
            }
            ackSynAndSample(tcb, seg.ack, now);
            // RFC 7323 §2.2: SEG.WND is scaled from here on (except in the simultaneous SYN,ACK).
            tcb.sndWnd = OptionNegotiation.segmentWindow(tcb, seg);
            tcb.maxSndWnd = Math.max(tcb.maxSndWnd, tcb.sndWnd);
            tcb.sndWl1 = seg.seq;
            tcb.sndWl2 = seg.ack;
            establish(tcb, simultaneousSynAck ? "rcv SYN,ACK (simultaneous open)" : "rcv ACK of SYN", now);
            if (simultaneousSynAck) {
                sendAck(tcb); // RFC 9293 Figure 7 line 6/7: the SYN,ACK is acknowledged
                output(tcb, now);
                armTimer(tcb);
                return;
            }
        } else if (!processAck(tcb, seg, now)) {
            return;
        }
        if (tcb.detached || tcb.state == TcpState.CLOSED) {
            return;
        }
        // sixth: URG is not supported (RFC 6093 recommends against its use); the pointer is ignored.
        // seventh and eighth: segment text and FIN.
        if (seg.payloadLength() > 0 || seg.has(Segment.FIN)) {
            processText(tcb, seg, seg.seq, now);
        }
        if (!tcb.detached && tcb.state != TcpState.CLOSED) {
            output(tcb, now); // data sent now carries the ACK (piggybacked, RFC 9293 §3.8.6.3)
            flushAck(tcb);
            armTimer(tcb);
        }
    }

    /**
     * The ACK that answers an unacceptable segment (RFC 9293 §3.10.7.4 first and fifth steps). For a
     * segment that occupies no sequence space it is sent at most once per
     * {@value #OUT_OF_WINDOW_ACK_INTERVAL_NANOS} ns per connection, as Linux does
     * ({@code tcp_oow_rate_limited}, sysctl {@code tcp_invalid_ratelimit} = 500 ms): two ends whose
     * sequence spaces disagree (an old duplicate accepted into a new incarnation) would otherwise
     * ACK each other's ACKs forever. A segment with data or FIN is always answered: that ACK
     * recovers lost acknowledgments.
     */
    private void sendOutOfWindowAck(Tcb tcb, Segment seg, long now) {
        if (seg.payloadLength() == 0 && !seg.has(Segment.FIN)) {
            if (now - tcb.lastOutOfWindowAck < OUT_OF_WINDOW_ACK_INTERVAL_NANOS) {
                return; // the segment itself was already counted as dropped
            }
            tcb.lastOutOfWindowAck = now;
        }
        sendAck(tcb);
    }

    /** RFC 9293 §3.10.7.4 fourth step with RFC 5961 §4: a SYN in SYN-RECEIVED or a synchronized state. */
    private void synInWindow(Tcb tcb, Segment seg, long now) {
        stats.drop(DropReason.SYN_IN_WINDOW);
        if (tcb.state == TcpState.SYN_RECEIVED && tcb.passive
                && acceptable(seg.seq, seg.sequenceLength(), tcb.rcvNxt, receiveWindow(tcb))) {
            // "SYN-RECEIVED STATE: If the connection was initiated with a passive OPEN, then return
            // this connection to the LISTEN state and return." (MUST-11)
            setState(tcb, TcpState.LISTEN, "rcv SYN in window (passive open returns to LISTEN)", now);
            release(tcb, CloseReason.RESET, now);
            return;
        }
        // RFC 5961 §4.2: "If the SYN bit is set, irrespective of the sequence number, TCP MUST send
        // an ACK (also referred to as challenge ACK) to the remote peer".
        sendChallengeAck(tcb, now);
    }

    /** RFC 9293 §3.10.7.4 second step, RST acceptable (SEG.SEQ = RCV.NXT, RFC 5961 §3.2). */
    private void resetArrives(Tcb tcb, long now) {
        switch (tcb.state) {
            case SYN_RECEIVED -> {
                if (tcb.passive) {
                    // "If this connection was initiated with a passive OPEN (i.e., came from the LISTEN
                    // state), then return this connection to LISTEN state and return." The child is
                    // deleted and its backlog slot freed; the listener keeps listening.
                    setState(tcb, TcpState.LISTEN, "rcv RST (passive open returns to LISTEN)", now);
                    release(tcb, CloseReason.RESET, now);
                } else {
                    // "If this connection was initiated with an active OPEN (i.e., came from SYN-SENT
                    // state), then the connection was refused; signal the user 'connection refused'."
                    setState(tcb, TcpState.CLOSED, "rcv RST (connection refused)", now);
                    events.add(new ConnectionEvent.Reset(tcb.id, now, true, true));
                    release(tcb, CloseReason.REFUSED, now);
                }
            }
            case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT -> {
                // "any outstanding RECEIVEs and SEND should receive 'reset' responses ... Users should
                // also receive an unsolicited general 'connection reset' signal. Enter CLOSED, delete TCB"
                setState(tcb, TcpState.CLOSED, "rcv RST", now);
                events.add(new ConnectionEvent.Reset(tcb.id, now, true, false));
                release(tcb, CloseReason.RESET, now);
            }
            case CLOSING, LAST_ACK -> {
                // "If the RST bit is set, then enter the CLOSED state, delete the TCB, and return."
                setState(tcb, TcpState.CLOSED, "rcv RST", now);
                events.add(new ConnectionEvent.Reset(tcb.id, now, true, false));
                release(tcb, CloseReason.RESET, now);
            }
            default -> stats.drop(DropReason.BAD_RST);
        }
    }

    /**
     * RFC 9293 §3.10.7.4 fifth step (ACK) for the synchronized states, with RFC 5961 §5.2.
     *
     * @return false if the segment was dropped
     */
    private boolean processAck(Tcb tcb, Segment seg, long now) {
        int ack = seg.ack;
        // "If the ACK acks something not yet sent (SEG.ACK > SND.NXT), then send an ACK, drop the
        // segment, and return." (SND.MAX: we may have gone back to retransmit.)
        if (gt(ack, tcb.sndMax)) {
            stats.drop(DropReason.BAD_ACK);
            sendOutOfWindowAck(tcb, seg, now);
            return false;
        }
        // RFC 5961 §5.2: acceptable only if (SND.UNA - MAX.SND.WND) =< SEG.ACK; else ACK and drop.
        if (lt(ack, tcb.sndUna - Math.max(tcb.maxSndWnd, 1))) {
            stats.drop(DropReason.BAD_ACK);
            sendChallengeAck(tcb, now);
            return false;
        }
        int segWindow = OptionNegotiation.segmentWindow(tcb, seg);
        tcb.lastAckAt = now;
        int newlySacked = 0;
        if (tcb.sackPermitted && seg.sackBlockCount > 0 && le(tcb.sndUna, ack)) {
            // RFC 2018 §5 / RFC 6675 §5 step (2): record what the peer holds above SEG.ACK.
            for (int i = 0; i < seg.sackBlockCount; i++) {
                newlySacked += tcb.scoreboard.add(seg.sackBlocks[2 * i], seg.sackBlocks[2 * i + 1], ack, tcb.sndMax);
            }
        }
        tcb.probesUnansweredSince = -1; // the peer answers: zero-window probing may go on (Linux)
        if (gt(ack, tcb.sndUna)) {
            // "If SND.UNA < SEG.ACK =< SND.NXT, then set SND.UNA <- SEG.ACK. Any segments on the
            // retransmission queue that are thereby entirely acknowledged are removed."
            if (tcb.inRecovery && tcb.eifelArmed) {
                tcb.eifelArmed = false;
                if (seg.hasTimestamps && lt(seg.tsEcr, tcb.eifelTsVal)) {
                    // RFC 3522 Eifel detection: the first ACK for the retransmitted data echoes a
                    // timestamp older than the retransmission, so the original arrived (it was
                    // reordered, not lost). RFC 4015 response: undo the reduction, end the recovery.
                    tcb.spuriousRecoveries++;
                    tcb.inRecovery = false;
                    tcb.cc.undo(tcb.priorCwnd, tcb.priorSsthresh);
                }
            }
            acknowledge(tcb, ack, Paws.rttSample(tcb, seg, now), now);
        } else if (ack == tcb.sndUna && tcb.sndUna != tcb.sndMax && (tcb.sackPermitted ? newlySacked > 0
                : seg.payloadLength() == 0 && !seg.has(Segment.FIN) && segWindow == tcb.sndWnd)) {
            // RFC 5681 §2 DUPLICATE ACKNOWLEDGMENT: outstanding data, no data, no SYN/FIN, SEG.ACK =
            // SND.UNA, and the advertised window unchanged; with SACK, RFC 6675 §2: an ACK at SND.UNA
            // that SACKs data not SACKed before (whatever its window or data).
            duplicateAck(tcb, now);
        }
        if (!tcb.inRecovery && newlySacked > 0 && ge(tcb.sndUna, tcb.recoverEnd)
                && gt(tcb.scoreboard.lostBoundary(tcb.sndUna, smss(tcb), dupThresh(tcb)), tcb.sndUna)) {
            // RFC 6675 §5 (4): IsLost(HighACK + 1), checked on every ACK with new SACK information
            // (Linux tcp_time_to_recover does the same), also one that advanced SND.UNA.
            enterRecovery(tcb, now);
        }
        // "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated. If (SND.WL1 < SEG.SEQ
        // or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)), set SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ,
        // and SND.WL2 <- SEG.ACK." Duplicate ACKs (below SND.UNA) change nothing.
        if (le(tcb.sndUna, ack) && (lt(tcb.sndWl1, seg.seq) || (tcb.sndWl1 == seg.seq && le(tcb.sndWl2, ack)))) {
            tcb.sndWnd = OptionNegotiation.segmentWindow(tcb, seg); // RFC 7323 §2.3: SEG.WND << Snd.Wind.Shift
            tcb.maxSndWnd = Math.max(tcb.maxSndWnd, tcb.sndWnd);
            tcb.sndWl1 = seg.seq;
            tcb.sndWl2 = ack;
            if (tcb.sndWnd > 0) {
                tcb.persistDeadline = Tcb.NONE;
            }
        }
        switch (tcb.state) {
            case FIN_WAIT_1 -> {
                if (tcb.finAcked()) {
                    // "In addition to the processing for the ESTABLISHED state, if the FIN segment is
                    // now acknowledged, then enter FIN-WAIT-2 and continue processing in that state."
                    setState(tcb, TcpState.FIN_WAIT_2, "rcv ACK of FIN", now);
                    if (tcb.userClosed) {
                        tcb.finWait2Deadline = now + config.finTimeoutNanos(); // Linux tcp_fin_timeout
                    }
                }
            }
            case CLOSING -> {
                // "if the ACK acknowledges our FIN, then enter the TIME-WAIT state; otherwise, ignore"
                if (tcb.finAcked()) {
                    enterTimeWait(tcb, "rcv ACK of FIN", now);
                    return false;
                }
            }
            case LAST_ACK -> {
                // "The only thing that can arrive in this state is an acknowledgment of our FIN. If our
                // FIN is now acknowledged, delete the TCB, enter the CLOSED state, and return."
                if (tcb.finAcked()) {
                    setState(tcb, TcpState.CLOSED, "rcv ACK of FIN", now);
                    closedGracefully(tcb, now);
                    return false;
                }
            }
            default -> {
                // ESTABLISHED, FIN-WAIT-2, CLOSE-WAIT: the ESTABLISHED processing above is all.
            }
        }
        return true;
    }

    /**
     * RFC 5681 §3.2 fast retransmit on the third duplicate ACK, or a further duplicate ACK during
     * NewReno fast recovery (window inflation, step 4).
     */
    private void duplicateAck(Tcb tcb, long now) {
        int smss = smss(tcb);
        if (tcb.inRecovery) {
            if (!sackRecovery(tcb)) {
                tcb.cc.onDuplicateAckInRecovery(smss);
            }
            return;
        }
        tcb.dupAcks++;
        int thresh = dupThresh(tcb);
        boolean lost = tcb.dupAcks >= thresh
                || (sackRecovery(tcb) && gt(tcb.scoreboard.lostBoundary(tcb.sndUna, smss, thresh), tcb.sndUna));
        // RFC 6582 §3.2 step 1: no new recovery until everything outstanding at the last one (or at the
        // last retransmission timeout) is acknowledged; the duplicates may be caused by our own
        // unnecessary retransmissions.
        if (lost && ge(tcb.sndUna, tcb.recoverEnd)) {
            enterRecovery(tcb, now);
        }
    }

    /** RFC 5681 §3.2 steps 2-4, RFC 6582 §3.2 step 2, RFC 6675 §5 step 4. */
    private void enterRecovery(Tcb tcb, long now) {
        int smss = smss(tcb);
        boolean sack = sackRecovery(tcb);
        if (tcb.timestampsOk) {
            // RFC 3522 §3.1: remember the retransmission's TSval to recognise a spurious one later.
            tcb.eifelArmed = true;
            tcb.eifelTsVal = OptionNegotiation.tsVal(tcb, now);
            tcb.priorCwnd = tcb.cc.cwnd();
            tcb.priorSsthresh = tcb.cc.ssthresh();
        }
        // RFC 5681 §3.2 step 2: "additional data sent in limited transmit MUST NOT be included".
        tcb.cc.onEnterRecovery(tcb.sndMax - tcb.sndUna - tcb.limitedTransmit, smss, sack, now);
        tcb.inRecovery = true;
        tcb.recoverEnd = tcb.sndMax; // "record the highest sequence number transmitted in recover"
        tcb.rxtRoundMark = tcb.sndMax;
        tcb.dupAcks = 0;
        tcb.fastRetransmits++;
        // "The lost segment starting at SND.UNA MUST be retransmitted" (RFC 5681 §3.2 step 4; RFC 6675
        // step 4.3: "the first data segment presumed dropped").
        int len = transmitData(tcb, tcb.sndUna, sack ? tcb.scoreboard.nextSackedStart(tcb.sndUna, tcb.sndMax) - tcb.sndUna
                : smss, now);
        tcb.highRxt = tcb.sndUna + len;
    }

    /** SND.UNA advances to {@code ack}: free acknowledged bytes, RTT sample, restart or stop the timer. */
    private void acknowledge(Tcb tcb, int ack, long rttmSample, long now) {
        int oldUna = tcb.sndUna;
        int flightBefore = tcb.sndMax - oldUna;
        int dataEnd = tcb.sendBufferSeq + tcb.sendBuffer.size();
        int ackedData = (gt(ack, dataEnd) ? dataEnd : ack) - tcb.sendBufferSeq;
        if (ackedData > 0) {
            tcb.sendBuffer.discard(ackedData);
            tcb.sendBufferSeq += ackedData;
        }
        if (tcb.timestampsOk) {
            // RFC 7323 §4 RTTM: every ACK that advances SND.UNA gives a sample, TS clock - SEG.TSecr,
            // retransmitted data included (the echo says which transmission is acknowledged, so
            // Karn's rule is not needed). A TSecr of 0 is not an echo (Linux ignores it too).
            if (rttmSample >= 0) {
                tcb.rtt.sample(rttmSample);
            }
            tcb.rttStart = -1;
        } else if (tcb.rttStart >= 0 && ge(ack, tcb.rttSeq)) {
            // Karn (RFC 6298 §3): rttStart is cleared whenever a segment is retransmitted.
            tcb.rtt.sample(now - tcb.rttStart);
            tcb.rttStart = -1;
        }
        tcb.sndUna = ack;
        if (lt(tcb.sndNxt, ack)) {
            tcb.sndNxt = ack;
        }
        tcb.retransmits = 0;
        if (tcb.sndUna == tcb.sndMax) {
            tcb.rtoDeadline = Tcb.NONE; // RFC 6298 §5.2: all outstanding data acknowledged
            tcb.headSentAt = -1;
        } else {
            tcb.rtoDeadline = now + tcb.rtt.rto(); // RFC 6298 §5.3
            tcb.headSentAt = now;
        }
        tcb.tailProbeSent = false; // RFC 8985 §7.2: the flight moved on; the next tail may be probed
        tcb.probeTimeoutDeadline = Tcb.NONE; // re-armed from now by the output that follows
        tcb.scoreboard.advance(ack);
        if (tcb.scoreboard.reneged(ack)) {
            tcb.scoreboard.clear(); // RFC 2018 §8: the receiver discarded SACKed data; trust only cumulative ACKs
        }
        congestionOnAck(tcb, ack - oldUna, flightBefore, now);
        if (tcb.writableWanted && ackedData > 0) {
            tcb.writableWanted = false;
            events.add(new ConnectionEvent.Writable(tcb.id, now));
        }
    }

    /** Congestion control for an ACK that advanced SND.UNA by {@code acked} (RFC 5681, RFC 6582, RFC 6675). */
    private void congestionOnAck(Tcb tcb, int acked, int flightBefore, long now) {
        int smss = smss(tcb);
        tcb.dupAcks = 0;
        tcb.limitedTransmit = 0;
        if (!tcb.inRecovery) {
            tcb.cc.onAck(acked, smss, 2L * flightBefore >= tcb.cc.cwnd(), now);
            return;
        }
        if (ge(tcb.sndUna, tcb.recoverEnd)) {
            // RFC 6582 §3.2 step 3 / RFC 6675 §5: a full ACK ends the recovery.
            tcb.inRecovery = false;
            tcb.cc.onExitRecovery(tcb.sndMax - tcb.sndUna, smss);
            return;
        }
        if (sackRecovery(tcb)) {
            // RFC 6675: a partial ACK only changes the pipe; NextSeg picks the next hole in output.
            if (lt(tcb.highRxt, tcb.sndUna)) {
                tcb.highRxt = tcb.sndUna;
            }
            return;
        }
        // RFC 6582 §3.2 step 5, partial ACK: "retransmit the first unacknowledged segment", deflate.
        // (RFC 6298 §5.3 restarts the timer for every partial ACK: the Slow-but-Steady variant of RFC 6582 §4.)
        tcb.cc.onPartialAck(acked, smss);
        tcb.fastRetransmits++;
        transmitData(tcb, tcb.sndUna, smss, now);
    }

    /**
     * RFC 9293 §3.10.7.4 seventh (text) and eighth (FIN) steps. Text inside the window is kept
     * whether in order or not: in-order text becomes readable at once, text right of RCV.NXT is
     * held at its place in the receive ring ({@link OutOfOrderRanges}) until the hole before it
     * fills; duplicates and overlaps are trimmed. A FIN is processed once all text before it has
     * arrived, even if it came beyond a hole. Decides the ACK: at once for out-of-order or
     * gap-filling text and for a FIN (RFC 5681 §4.2), else delayed ({@link #ackReceivedText}).
     *
     * @param dataSeq sequence number of the first payload byte
     */
    private void processText(Tcb tcb, Segment seg, int dataSeq, long now) {
        TcpState state = tcb.state;
        int len = seg.payloadLength();
        boolean takesText = state == TcpState.ESTABLISHED || state == TcpState.FIN_WAIT_1
                || state == TcpState.FIN_WAIT_2;
        if (len > 0 && takesText && tcb.userClosed && gt(dataSeq + len, tcb.rcvNxt)) {
            // Linux (LINUX_MIB_TCPABORTONDATA): new data for a connection the application has closed
            // cannot be delivered; answer it with a reset and abort.
            stats.drop(DropReason.DATA_AFTER_CLOSE);
            sendReset(tcb.remote, tcb.localPort, tcb.remotePort, seg.ack, 0, false);
            setState(tcb, TcpState.CLOSED, "rcv data after CLOSE; snd RST", now);
            release(tcb, CloseReason.ABORTED, now);
            return;
        }
        int textEnd = dataSeq + len;
        boolean keptToEnd = true;
        if (len > 0) {
            if (takesText) {
                // "Once in the ESTABLISHED state, it is possible to deliver segment data to user
                // RECEIVE buffers ... take responsibility for delivering the data to the user."
                keptToEnd = takeText(tcb, seg, dataSeq, now);
            } else {
                // CLOSE-WAIT, CLOSING, LAST-ACK: "This should not occur since a FIN has been
                // received from the remote side. Ignore the segment text." (and acknowledge it)
                tcb.ackNow = true;
            }
        }
        if (seg.has(Segment.FIN) && !tcb.finReceived && (takesText || state == TcpState.SYN_RECEIVED)) {
            if (textEnd == tcb.rcvNxt) {
                remoteFin(tcb, now);
                return;
            }
            if (keptToEnd && gt(textEnd, tcb.rcvNxt)) {
                // A FIN beyond a hole: its place is known and everything up to it is held, so it is
                // processed when the hole fills (RFC 9293 §3.10.7.4: segments held for later).
                tcb.remoteFinPending = true;
                tcb.remoteFinSeq = textEnd;
            }
            tcb.ackNow = true;
        } else if (seg.has(Segment.FIN) && tcb.finReceived) {
            tcb.ackNow = true; // a retransmitted FIN: acknowledge it again
        }
        if (tcb.remoteFinPending && !tcb.finReceived && tcb.rcvNxt == tcb.remoteFinSeq) {
            remoteFin(tcb, now);
        }
    }

    /**
     * The seventh step for one segment's text: trims what is already received (left of RCV.NXT)
     * and what lies beyond the window (right of RCV.NXT + RCV.WND), copies the rest into the receive
     * ring at its place, and advances RCV.NXT over it and over any held ranges it joins.
     *
     * @return true if every byte of the segment up to its end was kept (or already held)
     */
    private boolean takeText(Tcb tcb, Segment seg, int dataSeq, long now) {
        int len = seg.payloadLength();
        int rcvNxt = tcb.rcvNxt;
        int textEnd = dataSeq + len;
        int wndEnd = rcvNxt + receiveWindow(tcb);
        int from = gt(dataSeq, rcvNxt) ? dataSeq : rcvNxt;
        int to = lt(textEnd, wndEnd) ? textEnd : wndEnd;
        if (len > tcb.rcvMss) {
            tcb.rcvMss = Math.min(len, config.mss());
        }
        if (gt(from, dataSeq)) {
            reportDuplicate(tcb, dataSeq, lt(textEnd, rcvNxt) ? textEnd : rcvNxt); // RFC 2883 §4: left part old
        }
        if (!lt(from, to)) {
            // Nothing new inside the window (a duplicate, or text beyond a zero window): ACK it,
            // and ACK quickly for a while (Linux: a retransmission enters quick-ACK mode).
            tcb.ackNow = true;
            DelayedAck.enterQuickAck(tcb);
            return !lt(rcvNxt, textEnd);
        }
        OutOfOrderRanges held = tcb.outOfOrder;
        if (from != rcvNxt && held != null && held.covers(from, to)) {
            // A duplicate of held text (RFC 5681 §4.2: duplicate ACK at once). RFC 2883 §4: the D-SACK
            // block first, then the block containing it (marked most recent by add).
            reportDuplicate(tcb, from, to);
            held.add(from, to);
            tcb.ackNow = true;
            return to == textEnd;
        }
        if (from != rcvNxt) {
            if (held == null) {
                held = new OutOfOrderRanges();
                tcb.outOfOrder = held;
            }
            int overlap = held.firstOverlap(from, to);
            if (overlap >= 0) {
                // RFC 2883 §4: the part already held is a duplicate; report it first (D-SACK), then
                // the block containing it (Linux tcp_data_queue_ofo: tcp_dsack_set for the overlap).
                int s = held.start(overlap);
                int e = held.end(overlap);
                reportDuplicate(tcb, gt(s, from) ? s : from, lt(e, to) ? e : to);
            }
            if (!held.add(from, to)) {
                stats.drop(DropReason.OUT_OF_ORDER); // too fragmented: the sender retransmits it
                tcb.ackNow = true;
                return false;
            }
        }
        ByteBuffer p = seg.payload;
        int oldLimit = p.limit();
        int oldPos = p.position();
        p.position(oldPos + (from - dataSeq)).limit(oldPos + (to - dataSeq));
        tcb.receiveBuffer.writeAt(tcb.receiveBuffer.size() + (from - rcvNxt), p, to - from);
        p.limit(oldLimit).position(oldPos);
        if (to != textEnd) {
            tcb.ackNow = true; // text beyond the window was cut off: tell the sender the window at once
        }
        if (from != rcvNxt) {
            // RFC 5681 §4.2: "an immediate duplicate ACK SHOULD be sent when an out-of-order
            // segment arrives" (it carries SACK blocks when negotiated).
            tcb.ackNow = true;
            return to == textEnd;
        }
        int newNxt = to;
        if (held != null && !held.isEmpty()) {
            // RFC 5681 §4.2: "an immediate ACK SHOULD be sent when the incoming segment fills in
            // all or part of a gap in the sequence space."
            int overlap = held.firstOverlap(from, to);
            if (overlap >= 0) {
                // RFC 2883 §4: the part that repeats held text is a duplicate (Linux tcp_ofo_queue).
                int s = held.start(overlap);
                int e = held.end(overlap);
                reportDuplicate(tcb, gt(s, from) ? s : from, lt(e, to) ? e : to);
            }
            newNxt = held.advance(to);
            tcb.ackNow = true;
        }
        int delivered = newNxt - rcvNxt;
        boolean wasEmpty = tcb.receiveBuffer.isEmpty();
        tcb.receiveBuffer.commit(delivered);
        tcb.rcvNxt = newNxt;
        tcb.bytesReceived += delivered;
        if (wasEmpty) {
            events.add(new ConnectionEvent.Readable(tcb.id, now, tcb.receiveBuffer.size()));
        }
        ackReceivedText(tcb, now);
        return to == textEnd;
    }

    /**
     * ACK policy for in-order text (RFC 9293 §3.8.6.3, RFC 5681 §4.2, RFC 1122 §4.2.3.2): with
     * delayed ACK on, acknowledge at once in quick-ACK mode or when more than one full-sized segment
     * is unacknowledged ("at least every second full-sized segment"), see {@link DelayedAck}; else
     * within the delayed-ACK timeout (MUST-40: under 0.5 s). An ACK or data segment sent meanwhile carries
     * the acknowledgment and cancels the timer.
     */
    private void ackReceivedText(Tcb tcb, long now) {
        DelayedAck.textArrived(tcb, now, tcb.rtt.rto());
        if (DelayedAck.dueNow(tcb, config.delayedAck())) {
            tcb.ackNow = true;
        } else if (tcb.delayedAckDeadline == Tcb.NONE) {
            tcb.delayedAckDeadline = now + config.delayedAckTimeoutNanos();
        }
    }

    /** Remembers a duplicate for the first SACK block of the next ACK (D-SACK, RFC 2883), if SACK is on. */
    private static void reportDuplicate(Tcb tcb, int start, int end) {
        if (tcb.sackPermitted && lt(start, end)) {
            tcb.dsackPending = true;
            tcb.dsackStart = start;
            tcb.dsackEnd = end;
        }
    }

    /** Sends the ACK this input owes, unless a segment sent meanwhile already carried it. */
    private void flushAck(Tcb tcb) {
        if (tcb.ackNow) {
            sendAck(tcb);
        }
    }

    /**
     * RFC 9293 §3.10.7.4 eighth step: "If the FIN bit is set, signal the user 'connection closing'
     * ..., advance RCV.NXT over the FIN, and send an acknowledgment for the FIN." The FIN is
     * acknowledged at once (never delayed).
     */
    private void remoteFin(Tcb tcb, long now) {
        TcpState state = tcb.state;
        tcb.rcvNxt += 1;
        tcb.finReceived = true;
        tcb.remoteFinPending = false;
        tcb.ackNow = true;
        events.add(new ConnectionEvent.PeerClosed(tcb.id, now));
        switch (state) {
            case SYN_RECEIVED, ESTABLISHED -> {
                setState(tcb, TcpState.CLOSE_WAIT, "rcv FIN; snd ACK", now);
                if (config.unsafeCloseOnFirstFin()) {
                    // UNSAFE experiment (synack.tcp.unsafe.close-on-first-fin), the seed's "why
                    // four?": treat the peer's FIN as closing both directions, so our FIN follows at
                    // once and nothing more can be sent. RFC 9293 §3.6 keeps the directions apart.
                    tcb.finQueued = true;
                    setState(tcb, TcpState.LAST_ACK, "UNSAFE close on first FIN; snd FIN", now);
                }
            }
            case FIN_WAIT_1 -> {
                if (tcb.finAcked()) {
                    sendAck(tcb);
                    enterTimeWait(tcb, "rcv FIN; snd ACK", now);
                    return;
                }
                setState(tcb, TcpState.CLOSING, "rcv FIN (simultaneous close); snd ACK", now);
            }
            case FIN_WAIT_2 -> {
                sendAck(tcb);
                enterTimeWait(tcb, "rcv FIN; snd ACK", now);
            }
            default -> {
                // CLOSE-WAIT, CLOSING, LAST-ACK: "Remain in the ... state."
            }
        }
    }

    /** TIME-WAIT (RFC 9293 §3.10.7.4) on the compact entry. */
    private void timeWaitArrives(int slot, InetAddress remote, Segment seg, long now) {
        int rcvNxt = timeWait.rcvNxt(slot);
        int sndNxt = timeWait.sndNxt(slot);
        int wnd = timeWait.rcvWnd(slot);
        ConnectionKey key = timeWait.key(slot);
        if (seg.has(Segment.SYN) && !seg.has(Segment.RST)) {
            Listener l = seg.has(Segment.ACK) ? null : listenersByPort.get(seg.destinationPort);
            // RFC 9293 §3.10.7.4 (MAY-2) and RFC 6191 §2: a new SYN may reopen the connection when its
            // timestamp is newer than the old incarnation's TS.Recent (both incarnations with
            // timestamps), or else when its sequence number is above the old RCV.NXT. Linux takes
            // the new ISS as the old SND.NXT + 65535 + 2 so old and new sequence spaces cannot overlap.
            String reopen = l == null || l.full() ? null : Paws.timeWaitReopen(timeWait, slot, seg, config.timestamps());
            if (reopen != null) {
                removeTimeWait(slot, reopen, now);
                forcedIss = sndNxt + MAX_WINDOW + 2;
                forcedIssPending = true;
                listenArrives(l, remote, seg, now);
                forcedIssPending = false;
                return;
            }
            stats.drop(DropReason.SYN_IN_WINDOW);
            timeWaitChallengeAck(slot, now); // RFC 5961 §4.2
            return;
        }
        if (!acceptable(seg.seq, seg.sequenceLength(), rcvNxt, wnd)) {
            boolean retransmittedFin = seg.has(Segment.FIN) && seg.seq + seg.sequenceLength() == rcvNxt;
            if (retransmittedFin && !seg.has(Segment.RST)) {
                // eighth step, TIME-WAIT: "Remain in the TIME-WAIT state. Restart the 2 MSL time-wait
                // timeout." The retransmitted FIN means our last ACK was lost: acknowledge it again.
                timeWaitAck(slot);
                restartTimeWait(slot, now);
                return;
            }
            if (seg.has(Segment.RST)) {
                stats.drop(DropReason.BAD_RST);
                return;
            }
            stats.drop(DropReason.OUT_OF_WINDOW);
            timeWaitAck(slot);
            return;
        }
        if (timeWait.timestampsOk(slot) && seg.hasTimestamps && !seg.has(Segment.RST)
                && ge(seg.tsVal, timeWait.tsRecent(slot)) && le(seg.seq, rcvNxt)) {
            // RFC 7323 §4.3 in TIME-WAIT too (Linux tcp_timewait_state_process keeps tw_ts_recent), so
            // RFC 6191 compares a new SYN with the peer's latest timestamp. Only after the
            // acceptability test: RFC 7323 §5.3 R3 records TS.Recent from a segment that passed R2,
            // so an old duplicate or a blind guess below RCV.NXT cannot move it (Linux likewise).
            timeWait.tsRecent(slot, seg.tsVal);
        }
        if (seg.has(Segment.RST)) {
            if (seg.seq != rcvNxt) {
                stats.drop(DropReason.BAD_RST);
                timeWaitChallengeAck(slot, now); // RFC 5961 §3.2
                return;
            }
            if (config.rfc1337()) {
                // RFC 1337 §3 (TW-assassination fix): ignore RST segments in TIME-WAIT.
                stats.drop(DropReason.BAD_RST);
                return;
            }
            removeTimeWait(slot, "rcv RST", now); // "enter the CLOSED state, delete the TCB"
            return;
        }
        if (!seg.has(Segment.ACK)) {
            stats.drop(DropReason.NO_ACK);
            return;
        }
        if (gt(seg.ack, sndNxt)) {
            stats.drop(DropReason.BAD_ACK);
            timeWaitAck(slot);
            return;
        }
        if (seg.payloadLength() > 0) {
            // Text cannot be taken after the peer's FIN: acknowledge what we have.
            stats.drop(DropReason.OUT_OF_WINDOW);
            timeWaitAck(slot);
        }
    }

    // =============================================================================================
    // Timeouts (RFC 9293 §3.10.8)
    // =============================================================================================

    @Override
    public void handleTimeout(long now) {
        clock = now;
        LongArrayList due = timers.expire(now);
        for (int i = 0; i < due.size(); i++) {
            long owner = due.getLong(i);
            if (owner < 0) {
                int slot = (int) ~owner;
                if (timeWait.isLive(slot)) {
                    timeWait.timerId(slot, -1);
                    if (timeWait.deadline(slot) <= now) {
                        // "If the time-wait timeout expires on a connection, delete the TCB, enter
                        // the CLOSED state, and return."
                        removeTimeWait(slot, "2MSL timeout", now);
                    } else {
                        timeWait.timerId(slot, timers.schedule(owner, timeWait.deadline(slot)));
                    }
                }
                continue;
            }
            Tcb tcb = tcbs[(int) owner];
            if (tcb == null) {
                continue;
            }
            tcb.wheelTimer = -1;
            tcb.wheelDeadline = Tcb.NONE;
            tcbTimers(tcb, now);
            if (tcbs[tcb.handle] == tcb && !tcb.detached) {
                armTimer(tcb);
            }
        }
    }

    private void tcbTimers(Tcb tcb, long now) {
        if (tcb.finWait2Deadline <= now && tcb.state == TcpState.FIN_WAIT_2) {
            // Linux tcp_fin_timeout: an orphaned connection does not wait in FIN-WAIT-2 forever.
            // Linux closes it without RST (the peer may still send its FIN and get an RST then).
            tcb.finWait2Deadline = Tcb.NONE;
            setState(tcb, TcpState.CLOSED, "FIN-WAIT-2 timeout", now);
            release(tcb, CloseReason.TIMED_OUT, now);
            return;
        }
        if (tcb.delayedAckDeadline <= now) {
            // RFC 9293 §3.8.6.3: the delayed ACK is due (MUST-40: within 0.5 s of the data).
            tcb.delayedAckDeadline = Tcb.NONE;
            sendAck(tcb);
        }
        if (tcb.rtoDeadline <= now) {
            tcb.probeTimeoutDeadline = Tcb.NONE;
            retransmissionTimeout(tcb, now);
            return;
        }
        if (tcb.probeTimeoutDeadline <= now) {
            tcb.probeTimeoutDeadline = Tcb.NONE;
            tailLossProbe(tcb, now);
        }
        if (tcb.keepAliveDeadline <= now) {
            keepAliveTimeout(tcb, now);
            if (tcbs[tcb.handle] != tcb) {
                return;
            }
        }
        if (tcb.persistDeadline <= now) {
            // MUST-36 zero-window probe, as Linux tcp_probe_timer / tcp_xmit_probe_skb: an ACK with an
            // old sequence number makes the peer answer with its current window. Backoff doubles.
            // A peer that answers keeps the connection for as long as its window stays closed (RFC 9293
            // §3.8.6.1, RFC 1122 §4.2.2.17: the connection stays open while the receiver ACKs the
            // probes); one that stops answering is given up after R2 or the user
            // timeout (Linux: tcp_retries2 unanswered probes, or TCP_USER_TIMEOUT).
            if (tcb.probesUnansweredSince < 0) {
                tcb.probesUnansweredSince = now;
            } else if (now - tcb.probesUnansweredSince >= tcb.r2Nanos) {
                TcpState was = tcb.state;
                setState(tcb, TcpState.CLOSED, "zero-window probes unanswered (R2)", now);
                events.add(new ConnectionEvent.TimedOut(tcb.id, now, was));
                release(tcb, CloseReason.TIMED_OUT, now);
                return;
            }
            tcb.persistInterval = Math.min(tcb.persistInterval * 2, config.rtoMaxNanos());
            tcb.persistDeadline = now + tcb.persistInterval;
            queueSegment(tcb, tcb.sndUna - 1, Segment.ACK);
        }
    }

    /**
     * RFC 9293 §3.8.4 keepalive, as Linux's {@code tcp_keepalive_timer}: after {@code idle} without
     * a segment from the peer and with no data outstanding (MUST-25), a probe
     * {@code <SEQ=SND.NXT-1><ACK=RCV.NXT>} without data (Linux sends no garbage octet) makes the peer
     * answer with an ACK. One unanswered probe proves nothing (§3.8.4: ACKs are not reliably
     * delivered); {@code count} probes {@code interval} apart without an answer time the connection
     * out (Linux sends an RST then, and reports ETIMEDOUT).
     */
    private void keepAliveTimeout(Tcb tcb, long now) {
        SenderOptions o = config.sender();
        TcpState s = tcb.state;
        boolean probing = s == TcpState.ESTABLISHED || s == TcpState.CLOSE_WAIT
                || (s == TcpState.FIN_WAIT_2 && tcb.finWait2Deadline == Tcb.NONE);
        if (!tcb.keepAlive || !probing) {
            tcb.keepAliveDeadline = Tcb.NONE;
            return;
        }
        long silent = now - tcb.lastReceivedAt;
        if (silent < o.keepAliveIdleNanos()) {
            tcb.keepAliveDeadline = tcb.lastReceivedAt + o.keepAliveIdleNanos();
            return;
        }
        if (tcb.sndUna != tcb.sndMax || tcb.persistDeadline != Tcb.NONE) {
            // Data outstanding or a closed window: retransmissions and probes watch the peer already.
            tcb.keepAliveDeadline = now + o.keepAliveIdleNanos();
            return;
        }
        if (tcb.keepAliveProbes >= o.keepAliveCount()) {
            setState(tcb, TcpState.CLOSED, "keepalive: " + tcb.keepAliveProbes + " probes unanswered; snd RST", now);
            sendReset(tcb.remote, tcb.localPort, tcb.remotePort, tcb.sndMax, 0, false);
            events.add(new ConnectionEvent.TimedOut(tcb.id, now, s));
            release(tcb, CloseReason.TIMED_OUT, now);
            return;
        }
        tcb.keepAliveProbes++;
        queueSegment(tcb, tcb.sndMax - 1, Segment.ACK);
        tcb.keepAliveDeadline = now + o.keepAliveIntervalNanos();
    }

    /** RFC 6298 §5.4-§5.6 and RFC 9293 §3.8.3 (R1, R2, MUST-20..23). */
    private void retransmissionTimeout(Tcb tcb, long now) {
        long limit = tcb.state == TcpState.SYN_SENT ? config.synR2Nanos()
                : tcb.r2Nanos;
        boolean passiveHalfOpen = tcb.state == TcpState.SYN_RECEIVED && tcb.passive;
        long since = tcb.headSentAt;
        if (tcb.sndWnd == 0 && tcb.lastAckAt > since && tcb.state != TcpState.SYN_SENT) {
            // Linux tcp_retransmit_timer: into a zero window the retransmissions are probes, and a peer
            // that answers them keeps the connection; R2 counts from its last answer.
            since = tcb.lastAckAt;
        }
        if (passiveHalfOpen ? tcb.retransmits >= config.synAckRetries()
                : since >= 0 && now - since >= limit) {
            // R2 reached: "close the connection" (MUST-20), for a SYN after synack.tcp.syn.r2 (MUST-23);
            // a half-open passive child expires and frees its backlog slot.
            TcpState was = tcb.state;
            setState(tcb, passiveHalfOpen ? TcpState.LISTEN : TcpState.CLOSED,
                    passiveHalfOpen ? "SYN,ACK retransmissions exhausted" : "retransmission timeout (R2)", now);
            // RFC 9293 §3.10.8 USER TIMEOUT: "flush all queues, signal the user ... delete the TCB";
            // no RST is sent (Linux tcp_write_err sends none either).
            events.add(new ConnectionEvent.TimedOut(tcb.id, now, was));
            release(tcb, CloseReason.TIMED_OUT, now);
            return;
        }
        tcb.retransmits++;
        if (tcb.retransmits == config.r1()) {
            // R1 (RFC 9293 §3.8.3, MUST-20): "pass negative advice to the IP layer". This stack's
            // transports route nothing, so the advice is a log line for the operator.
            LOG.info("{} in {}: {} retransmissions (R1): the path may be failing", tcb.id, tcb.state, tcb.retransmits);
        }
        tcb.rtt.backOff(); // RFC 6298 §5.5
        tcb.rttStart = -1; // Karn: never time a retransmitted segment
        long next = now + tcb.rtt.rto();
        if (!passiveHalfOpen && since >= 0) {
            // give up exactly at R2 (Linux clamps likewise); R2 may be "never" (Long.MAX_VALUE, MUST-21)
            next = Math.min(next, limit > Long.MAX_VALUE - since ? Long.MAX_VALUE : since + limit);
        }
        tcb.rtoDeadline = next;
        if (tcb.synUnacked()) {
            tcb.synRetransmitted = true;
            stats.retransmissions++;
            tcb.retransmissionCount++;
            if (tcb.state == TcpState.SYN_SENT) {
                sendSyn(tcb, now); // RFC 6298 §5.4: retransmit the earliest segment not acknowledged
            } else {
                sendSynAck(tcb, false, now);
            }
            return;
        }
        // RFC 5681 §3.1: ssthresh = max(FlightSize / 2, 2*SMSS) (held on repeated expiries), cwnd =
        // LW = 1 SMSS; RFC 6582 §3.2: recover = HighData, so the duplicates our go-back causes start
        // no fast retransmit; any recovery in progress ends (RFC 6675 §5.1).
        int smss = smss(tcb);
        tcb.timeouts++;
        tcb.cc.onRetransmissionTimeout(tcb.sndMax - tcb.sndUna, smss, tcb.retransmits == 1, now);
        tcb.inRecovery = false;
        tcb.dupAcks = 0;
        tcb.limitedTransmit = 0;
        tcb.recoverEnd = tcb.sndMax;
        // Go back to SND.UNA and resend the first segment, even into a zero window (Linux
        // tcp_retransmit_timer: "our retransmits become zero probes"); the ACKs it brings clock out the
        // rest from SND.NXT, skipping what the peer SACKed.
        int len = transmitData(tcb, tcb.sndUna, Math.min(smss,
                tcb.scoreboard.nextSackedStart(tcb.sndUna, tcb.sndMax) - tcb.sndUna), now);
        tcb.sndNxt = tcb.sndUna + len;
    }

    // =============================================================================================
    // User calls (RFC 9293 §3.10.1-§3.10.6)
    // =============================================================================================

    @Override
    public int listen(int port, int backlog) throws SynackException {
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        if (listenersByPort.containsKey(port)) {
            throw new AddressInUseException(localAddress.getHostAddress() + ":" + port + " already has a listener");
        }
        // MUST-42 (RFC 9293 §3.9.1.1): a port used by existing connections (e.g. one in SYN-SENT) can
        // still be listened on; demultiplexing prefers the full 4-tuple, so they do not interfere.
        int handle = 0;
        while (handle < listeners.length && listeners[handle] != null) {
            handle++;
        }
        if (handle == listeners.length) {
            listeners = Arrays.copyOf(listeners, listeners.length * 2);
        }
        Listener l = new Listener(handle, port, Math.max(1, backlog));
        listeners[handle] = l;
        listenersByPort.put(port, l);
        return handle;
    }

    @Override
    public int connect(InetSocketAddress remote, int localPort, long now) throws SynackException {
        clock = now;
        InetAddress ra = remote.getAddress();
        int rp = remote.getPort();
        if (ra == null || rp <= 0 || rp > 65535) {
            throw new IllegalArgumentException("remote must be a resolved address with a port 1..65535: " + remote);
        }
        if (ra.isMulticastAddress() || ra.isAnyLocalAddress()) {
            // RFC 9293 §3.9.1.1 (MUST-46): an OPEN to a broadcast/multicast address is an error.
            throw new IllegalArgumentException("cannot connect to " + ra.getHostAddress()
                    + ": TCP connects to one unicast address (RFC 9293 §3.9.1.1)");
        }
        int lp = localPort;
        if (lp == 0) {
            lp = ports.select(localAddress, ra, rp, p -> !listenersByPort.containsKey(p) && !inUse(ra, rp, p));
            if (lp < 0) {
                throw new AddressInUseException("no free ephemeral port towards " + remote);
            }
        } else if (inUse(ra, rp, lp)) {
            throw new AddressInUseException("connection " + localAddress.getHostAddress() + ":" + lp + "<->"
                    + ra.getHostAddress() + ":" + rp + " already exists (or is in TIME-WAIT)");
        }
        ConnectionKey key = new ConnectionKey(ra, rp, lp);
        Tcb tcb = newTcb(key);
        tcb.iss = isnGenerator.isn(localAddress, lp, ra, rp, now);
        initSendSpace(tcb);
        tcb.peerMss = defaultMss();
        OptionNegotiation.offerActive(tcb, config);
        connections.put(key, tcb.handle);
        // RFC 9293 §3.10.1 OPEN, CLOSED STATE, active: "issue a SYN segment ... Set SND.UNA to ISS,
        // SND.NXT to ISS+1, enter SYN-SENT state, and return."
        setState(tcb, TcpState.SYN_SENT, "active OPEN; snd SYN", now);
        sendSyn(tcb, now);
        return tcb.handle;
    }

    private boolean inUse(InetAddress ra, int rp, int lp) {
        probe.set(ra, rp, lp);
        return connections.containsKey(probe) || timeWait.find(probe) >= 0;
    }

    @Override
    public int accept(int listener) {
        Listener l = listener(listener);
        int h = l.acceptQueue.pollInt();
        if (h < 0) {
            return -1;
        }
        Tcb tcb = tcbs[h];
        tcb.inAcceptQueue = false;
        tcb.listener = -1;
        return h;
    }

    @Override
    public void closeListener(int listener, long now) {
        clock = now;
        Listener l = listener(listener);
        listenersByPort.remove(l.port);
        listeners[listener] = null;
        // Children not yet accepted are reset (Linux inet_csk_listen_stop).
        for (int h = 0; h < handleHighWater; h++) {
            Tcb tcb = tcbs[h];
            if (tcb != null && tcb.listener == listener) {
                abort(h, now);
            }
        }
    }

    @Override
    public int send(int connection, ByteBuffer source, long now) throws SynackException {
        clock = now;
        Tcb tcb = live(connection);
        switch (tcb.state) {
            case SYN_SENT, SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT -> {
                // §3.10.2: SYN-SENT/SYN-RECEIVED "Queue the data for transmission after entering
                // ESTABLISHED"; ESTABLISHED/CLOSE-WAIT "Segmentize the buffer and send it".
                if (tcb.finQueued) {
                    throw new ConnectionClosedException(tcb.id + ": output was shut down (" + tcb.state + ")");
                }
                int n = tcb.sendBuffer.write(source);
                if (source.hasRemaining()) {
                    tcb.writableWanted = true;
                }
                output(tcb, now);
                armTimer(tcb);
                return n;
            }
            default -> throw new ConnectionClosedException(
                    tcb.id + ": connection closing (" + tcb.state + ")"); // §3.10.2 "error: connection closing"
        }
    }

    @Override
    public int receive(int connection, ByteBuffer destination, long now) throws SynackException {
        clock = now;
        Tcb tcb = tcb(connection);
        if (tcb == null) {
            CloseReason r = connection >= 0 && connection < endedAs.length ? endedAs[connection] : null;
            throwFor(r, connection);
            return -1;
        }
        int n = tcb.receiveBuffer.read(destination);
        if (n == 0 && tcb.receiveBuffer.isEmpty() && tcb.finReceived) {
            return -1; // §3.10.3 "connection closing": all data before the FIN was delivered
        }
        if (n > 0 && !tcb.detached && tcb.state.isSynchronized() && !tcb.finReceived
                && ReceiveWindow.updateWorthSending(tcb, config.mss())) {
            // RFC 9293 §3.8.6.2.2 (receiver SWS avoidance): announce the opened window once it grew
            // by min(RCV.BUFF / 2, MSS) and at least doubled (Linux tcp_cleanup_rbuf).
            sendAck(tcb);
            armTimer(tcb);
        }
        return n;
    }

    @Override
    public void shutdownOutput(int connection, long now) {
        clock = now;
        Tcb tcb = tcb(connection);
        if (tcb == null || tcb.detached || tcb.finQueued) {
            return;
        }
        closeSend(tcb, now);
    }

    /** The FIN half of CLOSE (RFC 9293 §3.10.4). */
    private void closeSend(Tcb tcb, long now) {
        switch (tcb.state) {
            case SYN_SENT -> {
                // §3.10.4 CLOSE in SYN-SENT: "Delete the TCB"; the sockets' shutdown(SHUT_WR) is that
                // CLOSE for the sending direction, and Linux (tcp_close_state) and BSD (tcp_usrclosed)
                // both drop the connection: a late SYN,ACK then meets no TCB and draws RST.
                setState(tcb, TcpState.CLOSED, "CLOSE in SYN-SENT", now);
                release(tcb, CloseReason.ABORTED, now);
            }
            case SYN_RECEIVED, ESTABLISHED -> {
                // SYN-RECEIVED: "If no SENDs have been issued and there is no pending data to send, then
                // form a FIN segment and send it, and enter FIN-WAIT-1 state". ESTABLISHED: "Queue this
                // until all preceding SENDs have been segmentized, then form a FIN segment and send it.
                // In any case, enter FIN-WAIT-1 state."
                tcb.finQueued = true;
                setState(tcb, TcpState.FIN_WAIT_1, "CLOSE; snd FIN", now);
                output(tcb, now);
                armTimer(tcb);
            }
            case CLOSE_WAIT -> {
                // "Queue this request until all preceding SENDs have been segmentized; then send a FIN
                // segment, enter LAST-ACK state" (RFC 9293 corrects RFC 793's CLOSING here).
                tcb.finQueued = true;
                setState(tcb, TcpState.LAST_ACK, "CLOSE; snd FIN", now);
                output(tcb, now);
                armTimer(tcb);
            }
            default -> {
                // FIN-WAIT-1/2, CLOSING, LAST-ACK, TIME-WAIT: already closing.
            }
        }
    }

    @Override
    public void close(int connection, long now) {
        clock = now;
        Tcb tcb = tcb(connection);
        if (tcb == null) {
            return;
        }
        if (tcb.detached) {
            tcb.userClosed = true;
            if (tcb.timeWaitSlot >= 0) {
                timeWait.owner(tcb.timeWaitSlot, -1); // TIME-WAIT goes on in the compact table alone
                tcb.timeWaitSlot = -1;
            }
            release(tcb, CloseReason.GRACEFUL, now);
            return;
        }
        if (!tcb.receiveBuffer.isEmpty()) {
            // Linux tcp_close (RFC 2525 §2.17): closing with unread data aborts with RST so the peer
            // learns the data was not consumed.
            LOG.debug("{}: CLOSE with {} unread bytes: RST", tcb.id, tcb.receiveBuffer.size());
            abort(connection, now);
            return;
        }
        if (tcb.state == TcpState.SYN_SENT) {
            // §3.10.4 SYN-SENT: "Delete the TCB and return 'error: closing' responses to any queued SENDs"
            setState(tcb, TcpState.CLOSED, "CLOSE in SYN-SENT", now);
            release(tcb, CloseReason.ABORTED, now);
            return;
        }
        tcb.userClosed = true;
        if (!tcb.finQueued) {
            closeSend(tcb, now);
        } else if (tcb.state == TcpState.FIN_WAIT_2 && tcb.finWait2Deadline == Tcb.NONE) {
            tcb.finWait2Deadline = now + config.finTimeoutNanos();
            armTimer(tcb);
        }
    }

    @Override
    public void abort(int connection, long now) {
        clock = now;
        Tcb tcb = tcb(connection);
        if (tcb == null) {
            return;
        }
        if (tcb.detached) {
            close(connection, now);
            return;
        }
        switch (tcb.state) {
            case SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT ->
                // §3.10.5: "Send a reset segment: <SEQ=SND.NXT><CTL=RST>"
                sendReset(tcb.remote, tcb.localPort, tcb.remotePort, tcb.sndMax, 0, false);
            default -> {
                // SYN-SENT, CLOSING, LAST-ACK, TIME-WAIT: "delete the TCB" without RST.
            }
        }
        setState(tcb, TcpState.CLOSED, "ABORT", now);
        events.add(new ConnectionEvent.Reset(tcb.id, now, false, false));
        release(tcb, CloseReason.ABORTED, now);
    }

    @Override
    public void setNoDelay(int connection, boolean noDelay) {
        Tcb tcb = tcb(connection);
        if (tcb != null) {
            tcb.noDelay = noDelay;
        }
    }

    @Override
    public void setKeepAlive(int connection, boolean on, long now) {
        clock = now;
        Tcb tcb = tcb(connection);
        if (tcb == null || tcb.detached) {
            return;
        }
        tcb.keepAlive = on;
        tcb.keepAliveProbes = 0;
        tcb.keepAliveDeadline = on && tcb.state.isSynchronized() ? now + config.sender().keepAliveIdleNanos() : Tcb.NONE;
        armTimer(tcb);
    }

    @Override
    public void setR2(int connection, long r2Nanos) {
        if (r2Nanos <= 0) {
            throw new IllegalArgumentException("R2 must be positive: " + r2Nanos + " ns");
        }
        Tcb tcb = tcb(connection);
        if (tcb != null) {
            tcb.r2Nanos = r2Nanos; // MUST-21; a running retransmission timer picks it up at its next expiry
        }
    }

    // =============================================================================================
    // Queries and outputs
    // =============================================================================================

    @Override
    public TcpState state(int connection) {
        Tcb tcb = tcb(connection);
        return tcb == null ? TcpState.CLOSED : tcb.state;
    }

    @Override
    public ConnectionId id(int connection) {
        Tcb tcb = tcb(connection);
        if (tcb == null) {
            throw new IllegalArgumentException("no connection with handle " + connection);
        }
        return tcb.id;
    }

    @Override
    public int readableBytes(int connection) {
        Tcb tcb = tcb(connection);
        return tcb == null ? 0 : tcb.receiveBuffer.size();
    }

    @Override
    public int writableBytes(int connection) {
        Tcb tcb = tcb(connection);
        return tcb == null || tcb.finQueued || tcb.detached ? 0 : tcb.sendBuffer.free();
    }

    @Override
    public ConnectionStatistics statistics(int connection) {
        Tcb t = tcb(connection);
        if (t == null) {
            throw new IllegalArgumentException("no connection with handle " + connection);
        }
        return new ConnectionStatistics(t.segmentsSent, t.segmentsReceived, t.retransmissionCount, t.bytesSent,
                t.bytesReceived, t.rtt.srtt(), t.rtt.rto(), t.peerMss, Integer.toUnsignedLong(t.sndWnd),
                receiveWindow(t));
    }

    @Override
    public StackStatistics statistics() {
        StackStatistics s = stats.snapshot(timeWait.size());
        int listening = listenersByPort.size();
        if (listening > 0) {
            java.util.Map<TcpState, Integer> m = new java.util.EnumMap<>(TcpState.class);
            m.putAll(s.connectionsByState());
            m.put(TcpState.LISTEN, listening);
            s = new StackStatistics(s.segmentsIn(), s.segmentsOut(), s.retransmissions(), s.challengeAcks(),
                    s.resetsSent(), s.drops(), s.transitions(), java.util.Collections.unmodifiableMap(m));
        }
        return s;
    }

    @Override
    public void handleMalformed(String reason) {
        stats.segmentsIn++;
        stats.drop(reason);
    }

    @Override
    public InetAddress pollTransmit(Segment out) {
        return transmit.poll(out);
    }

    @Override
    public ConnectionEvent pollEvent() {
        return events.poll();
    }

    @Override
    public long nextDeadline() {
        return timers.next();
    }

    /** The TCB behind a handle, for segment-level tests; null when released. */
    Tcb tcbForTest(int handle) {
        return tcb(handle);
    }

    /** TCBs alive (not yet released), for leak checks. */
    public int tcbCount() {
        return liveTcbs;
    }

    /** Timers armed in the wheel, for leak checks. */
    public long timerCount() {
        return timers.count();
    }

    /** Bytes of receive-buffer storage a connection holds (0 until its first byte arrives), for memory checks. */
    int receiveBufferAllocated(int connection) {
        Tcb tcb = tcb(connection);
        return tcb == null ? 0 : tcb.receiveBuffer.allocated();
    }

    /** Entries in the compact TIME-WAIT table. */
    public int timeWaitCount() {
        return timeWait.size();
    }

    /** Children of a listener occupying its SYN queue and accept queue (backlog slots in use). */
    public int backlogInUse(int listener) {
        Listener l = listener(listener);
        return l.synQueue + l.acceptQueue.size();
    }

    // =============================================================================================
    // State, TCB lifecycle
    // =============================================================================================

    /** The one place where a connection changes state: counts {@code FROM => TO} and emits the event. */
    private void setState(Tcb tcb, TcpState to, String cause, long now) {
        TcpState from = tcb.state;
        if (from == to) {
            return;
        }
        if (!tcb.detached) {
            if (from.ordinal() >= TcpState.SYN_SENT.ordinal()) {
                stats.liveByState[from.ordinal()]--;
            }
            if (to.ordinal() >= TcpState.SYN_SENT.ordinal()) {
                stats.liveByState[to.ordinal()]++;
            }
        }
        if (from == TcpState.SYN_RECEIVED && tcb.passive && tcb.listener >= 0 && listeners[tcb.listener] != null) {
            listeners[tcb.listener].synQueue--; // the child leaves the SYN queue
        }
        tcb.state = to;
        stats.transition(from, to);
        events.add(new ConnectionEvent.StateChanged(tcb.id, now, from, to, cause));
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} ({})", tcb.id, EngineStatistics.transitionName(from, to), cause);
        }
    }

    private Tcb newTcb(ConnectionKey key) {
        int handle;
        if (freeHandleCount > 0) {
            handle = freeHandles[--freeHandleCount];
        } else {
            if (handleHighWater == tcbs.length) {
                tcbs = Arrays.copyOf(tcbs, tcbs.length * 2);
                endedAs = Arrays.copyOf(endedAs, endedAs.length * 2);
                freeHandles = Arrays.copyOf(freeHandles, freeHandles.length * 2);
            }
            handle = handleHighWater++;
        }
        ConnectionId id = new ConnectionId(new InetSocketAddress(localAddress, key.localPort),
                new InetSocketAddress(key.remote, key.remotePort));
        Tcb tcb = new Tcb(handle, key, id, config);
        // RFC 7323 §5.4: a per-connection TSval offset; the keyed ISN hash of the reversed 4-tuple
        // at time 0 makes it unpredictable to others yet reproducible from the stack's secret.
        tcb.tsOffset = isnGenerator.isn(key.remote, key.remotePort, localAddress, key.localPort, 0);
        tcbs[handle] = tcb;
        endedAs[handle] = null;
        liveTcbs++;
        return tcb;
    }

    private void initSendSpace(Tcb tcb) {
        tcb.sndUna = tcb.iss;
        tcb.sndNxt = tcb.iss;
        tcb.sndMax = tcb.iss;
        tcb.sendBufferSeq = tcb.iss + 1;
    }

    /** Deletes the TCB (RFC 9293 "delete the TCB"), telling the application how it ended (MUST-12). */
    private void release(Tcb tcb, CloseReason reason, long now) {
        if (!tcb.detached) {
            connections.removeKey(tcb.key);
            if (tcb.state.ordinal() >= TcpState.SYN_SENT.ordinal()) {
                stats.liveByState[tcb.state.ordinal()]--;
            }
        }
        if (tcb.state == TcpState.SYN_RECEIVED && tcb.passive && tcb.listener >= 0 && listeners[tcb.listener] != null) {
            listeners[tcb.listener].synQueue--;
        }
        if (tcb.inAcceptQueue && tcb.listener >= 0 && listeners[tcb.listener] != null) {
            removeFromAcceptQueue(listeners[tcb.listener], tcb.handle);
        }
        if (tcb.wheelTimer >= 0) {
            timers.cancel(tcb.wheelTimer);
            tcb.wheelTimer = -1;
        }
        if (tcb.timeWaitSlot >= 0) {
            timeWait.owner(tcb.timeWaitSlot, -1);
            tcb.timeWaitSlot = -1;
        }
        tcbs[tcb.handle] = null;
        endedAs[tcb.handle] = reason;
        freeHandles[freeHandleCount++] = tcb.handle;
        liveTcbs--;
        events.add(new ConnectionEvent.Closed(tcb.id, now, reason));
    }

    private static void removeFromAcceptQueue(Listener l, int handle) {
        for (int n = l.acceptQueue.size(); n > 0; n--) {
            int h = l.acceptQueue.pollInt();
            if (h != handle) {
                l.acceptQueue.offerInt(h);
            }
        }
    }

    /** CLOSED after a graceful close: released now if the application closed, else kept readable. */
    private void closedGracefully(Tcb tcb, long now) {
        if (tcb.userClosed) {
            release(tcb, CloseReason.GRACEFUL, now);
        } else {
            detach(tcb);
        }
    }

    private void detach(Tcb tcb) {
        connections.removeKey(tcb.key);
        if (tcb.state.ordinal() >= TcpState.SYN_SENT.ordinal()) {
            stats.liveByState[tcb.state.ordinal()]--;
        }
        if (tcb.wheelTimer >= 0) {
            timers.cancel(tcb.wheelTimer);
            tcb.wheelTimer = -1;
            tcb.wheelDeadline = Tcb.NONE;
        }
        tcb.rtoDeadline = Tcb.NONE;
        tcb.persistDeadline = Tcb.NONE;
        tcb.finWait2Deadline = Tcb.NONE;
        tcb.delayedAckDeadline = Tcb.NONE;
        tcb.detached = true;
    }

    /** Enter TIME-WAIT: the TCB gives way to a compact entry holding only what TIME-WAIT needs. */
    private void enterTimeWait(Tcb tcb, String cause, long now) {
        setState(tcb, TcpState.TIME_WAIT, cause, now);
        detach(tcb);
        if (config.unsafeTwoWayHandshake() || config.unsafeCloseOnFirstFin()) {
            LOG.warn("{}: UNSAFE experiment switches on (two-way handshake: {}, close on first FIN: {}): this "
                    + "is not TCP; use only to see what the mechanism prevents", localAddress.getHostAddress(),
                    config.unsafeTwoWayHandshake(), config.unsafeCloseOnFirstFin());
        }
        if (config.mslNanos() == 0) {
            // MSL 0 (unsafe, warned at creation): no TIME-WAIT at all.
            setStateDetached(tcb, TcpState.CLOSED, "2MSL timeout (MSL = 0)", now);
            closedGracefully(tcb, now);
            return;
        }
        // "Start the time-wait timer, turn off the other timers." (eighth step)
        long deadline = now + 2 * config.mslNanos();
        int slot = timeWait.add(tcb.key, tcb.sndMax, tcb.rcvNxt, receiveWindow(tcb), tcb.tsRecent, deadline);
        timeWait.options(slot, tcb.rcvWscale, tcb.timestampsOk, tcb.tsOffset);
        timeWait.timerId(slot, timers.schedule(~(long) slot, deadline));
        if (tcb.userClosed) {
            release(tcb, CloseReason.GRACEFUL, now);
        } else {
            tcb.timeWaitSlot = slot;
            timeWait.owner(slot, tcb.handle);
        }
    }

    private void restartTimeWait(int slot, long now) {
        long deadline = now + 2 * config.mslNanos();
        timeWait.deadline(slot, deadline);
        // The wheel timer stays at the old (earlier) deadline and re-arms itself when it fires.
    }

    private void removeTimeWait(int slot, String cause, long now) {
        long id = timeWait.timerId(slot);
        if (id >= 0) {
            timers.cancel(id);
        }
        int owner = timeWait.owner(slot);
        ConnectionKey key = timeWait.key(slot);
        timeWait.remove(slot);
        stats.transition(TcpState.TIME_WAIT, TcpState.CLOSED);
        if (owner >= 0 && tcbs[owner] != null) {
            Tcb tcb = tcbs[owner];
            tcb.timeWaitSlot = -1;
            setStateDetached(tcb, TcpState.CLOSED, cause, now);
        } else {
            events.add(new ConnectionEvent.StateChanged(new ConnectionId(
                    new InetSocketAddress(localAddress, key.localPort), new InetSocketAddress(key.remote, key.remotePort)),
                    now, TcpState.TIME_WAIT, TcpState.CLOSED, cause));
        }
    }

    /** A state change of a TCB that is no longer demultiplexed (counted by the TIME-WAIT table). */
    private void setStateDetached(Tcb tcb, TcpState to, String cause, long now) {
        TcpState from = tcb.state;
        tcb.state = to;
        if (config.unsafeTwoWayHandshake() || config.unsafeCloseOnFirstFin()) {
            LOG.warn("{}: UNSAFE experiment switches on (two-way handshake: {}, close on first FIN: {}): this "
                    + "is not TCP; use only to see what the mechanism prevents", localAddress.getHostAddress(),
                    config.unsafeTwoWayHandshake(), config.unsafeCloseOnFirstFin());
        }
        if (config.mslNanos() == 0) {
            stats.transition(from, to); // with TIME-WAIT, removeTimeWait counts the transition
        }
        events.add(new ConnectionEvent.StateChanged(tcb.id, now, from, to, cause));
    }

    private void establish(Tcb tcb, String cause, long now) {
        if (tcb.synRetransmitted) {
            tcb.rtt.fallBackAfterSynTimeout(); // RFC 6298 §5.7
        }
        tcb.cc.init(smss(tcb)); // RFC 6928 initial window
        tcb.lastReceivedAt = now;
        if (tcb.keepAlive) {
            tcb.keepAliveDeadline = now + config.sender().keepAliveIdleNanos(); // MUST-25 idle interval
        }
        tcb.recoverEnd = tcb.sndUna; // RFC 6582 §3.2: "recover" starts at the ISS
        tcb.highRxt = tcb.sndUna;
        setState(tcb, TcpState.ESTABLISHED, cause, now);
        if (tcb.passive && tcb.listener >= 0 && listeners[tcb.listener] != null) {
            listeners[tcb.listener].acceptQueue.offerInt(tcb.handle);
            tcb.inAcceptQueue = true;
        }
        events.add(new ConnectionEvent.Connected(tcb.id, now));
        if (tcb.finQueued) {
            // shutdownOutput was called in SYN-SENT: the FIN follows the queued data now.
            setState(tcb, TcpState.FIN_WAIT_1, "queued CLOSE; snd FIN", now);
        }
    }

    /** Our SYN is acknowledged by {@code ack}: SND.UNA advances, the handshake RTT is sampled (Karn). */
    private void ackSynAndSample(Tcb tcb, int ack, long now) {
        if (!tcb.synRetransmitted && tcb.rttStart >= 0) {
            tcb.rtt.sample(now - tcb.rttStart);
        }
        tcb.rttStart = -1;
        tcb.sndUna = ack;
        if (lt(tcb.sndNxt, ack)) {
            tcb.sndNxt = ack;
        }
        tcb.retransmits = 0;
        if (tcb.sndUna == tcb.sndMax) {
            tcb.rtoDeadline = Tcb.NONE;
            tcb.headSentAt = -1;
        } else {
            tcb.rtoDeadline = now + tcb.rtt.rto();
            tcb.headSentAt = now;
        }
    }

    private boolean acceptQueueFull(int listener) {
        Listener l = listeners[listener];
        return l != null && l.acceptQueue.size() >= l.backlog;
    }

    // =============================================================================================
    // Output
    // =============================================================================================

    private void output(Tcb tcb, long now) {
        TcpState s = tcb.state;
        if (!(s == TcpState.ESTABLISHED || s == TcpState.CLOSE_WAIT || s == TcpState.FIN_WAIT_1
                || s == TcpState.CLOSING || s == TcpState.LAST_ACK)) {
            return;
        }
        int wndEnd = tcb.sndUna + tcb.sndWnd;
        int dataEnd = tcb.sendBufferSeq + tcb.sendBuffer.size();
        int mss = smss(tcb);
        SackScoreboard sb = tcb.scoreboard;
        if (tcb.sndUna == tcb.sndMax && tcb.lastDataSentAt >= 0 && lt(tcb.sndNxt, dataEnd)
                && now - tcb.lastDataSentAt > tcb.rtt.rto()) {
            // RFC 5681 §4.1 restart after idle: "if TCP has not sent data in an interval exceeding the
            // retransmission timeout", cwnd = min(IW, cwnd) before sending.
            tcb.cc.onIdleRestart(mss);
        }
        boolean sackRecovery = tcb.inRecovery && sackRecovery(tcb);
        if (sackRecovery && gt(tcb.highRxt, tcb.sndUna)
                && sb.sackedAbove(tcb.rxtRoundMark) > (DUP_THRESH - 1) * mss) {
            // A retransmission was lost too: more than DupThresh - 1 segments sent after this round of
            // retransmissions began were SACKed while the holes it filled are still missing. RFC 6675
            // would wait for the RTO; like Linux's lost-retransmit detection (and RACK, RFC 8985
            // §6.2), start another round from SND.UNA.
            tcb.highRxt = tcb.sndUna;
            tcb.rxtRoundMark = tcb.sndMax;
            tcb.fastRetransmits++;
        }
        while (true) {
            int flight;
            if (sackRecovery) {
                // RFC 6675 §5 step (C): while cwnd - pipe >= 1 SMSS, NextSeg.
                int lostBoundary = sb.lostBoundary(tcb.sndUna, mss, dupThresh(tcb));
                flight = pipe(tcb, lostBoundary);
                if (tcb.cc.cwnd() - flight < mss) {
                    break;
                }
                int hole = sb.skipSacked(ge(tcb.highRxt, tcb.sndUna) ? tcb.highRxt : tcb.sndUna);
                if (lt(hole, lostBoundary)) {
                    // NextSeg rule 1: the first un-SACKed, lost byte above HighRxt.
                    int len = transmitData(tcb, hole, Math.min(mss, sb.nextSackedStart(hole, tcb.sndMax) - hole), now);
                    tcb.highRxt = hole + len;
                    if (len == 0) {
                        break;
                    }
                    continue;
                }
                boolean newData = lt(tcb.sndNxt, dataEnd) && lt(tcb.sndNxt, wndEnd);
                if (!newData && lt(hole, sb.highSacked(tcb.sndUna))) {
                    // NextSeg rule 3: nothing new may go, so retransmit a hole not yet deemed lost.
                    int len = transmitData(tcb, hole, Math.min(mss, sb.nextSackedStart(hole, tcb.sndMax) - hole), now);
                    tcb.highRxt = hole + len;
                    if (len == 0) {
                        break;
                    }
                    continue;
                }
            } else {
                if (lt(tcb.sndNxt, tcb.sndMax) && !sb.isEmpty()) {
                    tcb.sndNxt = sb.skipSacked(tcb.sndNxt); // after a timeout: resend only what was not SACKed
                }
                flight = sb.isEmpty() ? tcb.sndNxt - tcb.sndUna : sb.unsackedBytes(tcb.sndUna, tcb.sndNxt);
                if (!tcb.sackPermitted && !tcb.inRecovery && tcb.dupAcks > 0 && tcb.sndNxt == tcb.sndMax) {
                    // RFC 3042 §2 (RFC 5681 §3.2: "TCP SHOULD use the limited transmit algorithm"),
                    // without SACK: on each of the first two duplicate ACKs one new segment may go
                    // while the outstanding data stays within cwnd + 2*SMSS; cwnd is not changed. As
                    // Linux's Reno, where each duplicate counts as a segment that left (tcp_add_reno_sack).
                    flight -= Math.min(tcb.dupAcks, DUP_THRESH - 1) * mss;
                }
            }
            int seq = tcb.sndNxt;
            int avail = (lt(dataEnd, wndEnd) ? dataEnd : wndEnd) - seq;
            if (avail > 0) {
                int len = Math.min(avail, mss);
                if (lt(seq, tcb.sndMax) && !sb.isEmpty()) {
                    len = Math.min(len, sb.nextSackedStart(seq, tcb.sndMax) - seq);
                }
                if (flight + len > tcb.cc.cwnd()) {
                    break; // RFC 5681 §3.1: never more than cwnd in flight (the sender uses min(cwnd, rwnd))
                }
                if (len < mss && ge(seq, tcb.sndMax) && !sendSmallSegment(tcb, len, seq + len == dataEnd)) {
                    break; // held until more data, an ACK or the persist timer (the override timeout)
                }
                boolean fresh = ge(seq, tcb.sndMax);
                int sent = transmitData(tcb, seq, len, now);
                if (tcb.dupAcks > 0 && !tcb.inRecovery && fresh) {
                    // RFC 3042 limited transmit: with SACK, the bytes the duplicates report as
                    // delivered leave the pipe, and new data takes their place.
                    tcb.limitedTransmit += sent;
                }
                tcb.sndNxt = seq + sent;
                if (gt(tcb.sndNxt, tcb.sndMax)) {
                    tcb.sndMax = tcb.sndNxt;
                }
                continue;
            }
            if (tcb.finQueued && tcb.sndNxt == dataEnd && lt(tcb.sndNxt, wndEnd)
                    && (tcb.sndNxt != tcb.sndMax || !tcb.finSent())) {
                int sent = transmitData(tcb, tcb.sndNxt, 0, now);
                tcb.sndNxt += sent;
            }
            break;
        }
        armTailLossProbe(tcb, now);
        boolean pending = lt(tcb.sndNxt, dataEnd) || (tcb.finQueued && !tcb.finSent());
        if (pending && tcb.sndUna == tcb.sndMax && tcb.rtoDeadline == Tcb.NONE) {
            if (tcb.persistDeadline == Tcb.NONE) {
                tcb.persistInterval = tcb.rtt.rto();
                tcb.persistDeadline = now + tcb.persistInterval;
            }
        } else {
            tcb.persistDeadline = Tcb.NONE;
        }
    }

    /** RFC 8985 §7.2 WCDelAckT: the worst-case delayed-ACK time of a peer holding one segment. */
    static final long WORST_CASE_DELAYED_ACK_NANOS = 200_000_000L;

    /**
     * Arms the tail loss probe (RFC 8985 §7.2) when data is outstanding outside loss recovery and
     * SACK can report what the probe reveals: PTO = 2*SRTT (plus WCDelAckT when one segment is out),
     * and only if it would fire before the RTO. One probe per flight.
     */
    private void armTailLossProbe(Tcb tcb, long now) {
        long srtt = tcb.rtt.srtt();
        if (!tcb.sackPermitted || tcb.inRecovery || tcb.tailProbeSent || tcb.retransmits > 0
                || tcb.sndUna == tcb.sndMax || tcb.rtoDeadline == Tcb.NONE || srtt < 0) {
            tcb.probeTimeoutDeadline = Tcb.NONE;
            return;
        }
        if (tcb.probeTimeoutDeadline != Tcb.NONE) {
            return; // armed since the last ACK that advanced SND.UNA: other output does not push it back
        }
        long pto = Math.max(2 * srtt, RttEstimator.GRANULARITY_NANOS);
        if (tcb.sndMax - tcb.sndUna <= smss(tcb)) {
            pto += WORST_CASE_DELAYED_ACK_NANOS;
        }
        tcb.probeTimeoutDeadline = now + pto < tcb.rtoDeadline ? now + pto : Tcb.NONE;
    }

    /**
     * RFC 8985 §7.3: the probe is one new segment if the peer's window allows, else the last segment
     * sent again. Its ACK (with SACK) lets fast recovery repair a lost tail instead of the RTO.
     */
    private void tailLossProbe(Tcb tcb, long now) {
        TcpState s = tcb.state;
        if (tcb.inRecovery || tcb.sndUna == tcb.sndMax || !(s == TcpState.ESTABLISHED || s == TcpState.CLOSE_WAIT
                || s == TcpState.FIN_WAIT_1 || s == TcpState.CLOSING || s == TcpState.LAST_ACK)) {
            return;
        }
        tcb.tailProbeSent = true;
        tcb.tailLossProbes++;
        int smss = smss(tcb);
        int dataEnd = tcb.sendBufferSeq + tcb.sendBuffer.size();
        int wndEnd = tcb.sndUna + tcb.sndWnd;
        if (tcb.sndNxt == tcb.sndMax && lt(tcb.sndMax, dataEnd) && lt(tcb.sndMax, wndEnd)) {
            int seq = tcb.sndMax;
            int sent = transmitData(tcb, seq, Math.min(smss, (lt(dataEnd, wndEnd) ? dataEnd : wndEnd) - seq), now);
            tcb.sndNxt = seq + sent;
        } else {
            int end = lt(tcb.sndMax, dataEnd) ? tcb.sndMax : dataEnd;
            int start = end - smss;
            if (lt(start, tcb.sndUna)) {
                start = tcb.sndUna;
            }
            if (lt(start, end)) {
                transmitData(tcb, start, end - start, now);
            } else {
                transmitData(tcb, start, 0, now); // only the FIN is outstanding
            }
        }
        tcb.rtoDeadline = now + tcb.rtt.rto(); // §7.3: "the sender MUST arm the RTO timer"
    }

    /**
     * RFC 6675 §4 SetPipe: bytes the sender believes are in the network. Un-SACKed bytes above the
     * loss boundary count, and so do lost ones already retransmitted in this recovery (below HighRxt).
     */
    private static int pipe(Tcb tcb, int lostBoundary) {
        SackScoreboard sb = tcb.scoreboard;
        int pipe = sb.unsackedBytes(tcb.sndUna, tcb.sndMax);
        int from = ge(tcb.highRxt, tcb.sndUna) ? tcb.highRxt : tcb.sndUna;
        return pipe - sb.unsackedBytes(from, lostBoundary);
    }

    /**
     * Sends (or resends) up to {@code maxLen} bytes of the send buffer from {@code seq}, with PSH
     * on the segment that empties the buffer (Linux sets PSH on the last segment of a write) and the
     * FIN when it follows the last byte and fits the window (or was sent before).
     *
     * @return the sequence space the segment occupies (data plus FIN), 0 if there was nothing to send
     */
    private int transmitData(Tcb tcb, int seq, int maxLen, long now) {
        int dataEnd = tcb.sendBufferSeq + tcb.sendBuffer.size();
        // One segment at most (RFC 9293 §3.7.1): every caller means one, but a hole before the first
        // SACKed range (the fast retransmit's length) may be several segments long.
        int len = Math.max(0, Math.min(Math.min(maxLen, smss(tcb)), dataEnd - seq));
        int flags = Segment.ACK;
        int fin = 0;
        if (seq + len == dataEnd) {
            if (len > 0) {
                flags |= Segment.PSH;
            }
            if (tcb.finQueued && (gt(tcb.sndMax, dataEnd) || lt(dataEnd, tcb.sndUna + tcb.sndWnd))) {
                flags |= Segment.FIN;
                fin = 1;
            }
        }
        if (len == 0 && fin == 0) {
            return 0;
        }
        TransmitQueue.Entry e = queueSegment(tcb, seq, flags);
        if (len > 0) {
            fitSackBlocks(tcb, e.segment, len);
            ByteBuffer buf = e.payloadBuffer(len);
            tcb.sendBuffer.peek(seq - tcb.sendBufferSeq, buf, len);
            buf.flip();
        }
        afterSend(tcb, seq, len + fin, now);
        return len + fin;
    }

    /**
     * Whether a segment shorter than the MSS may go now: sender silly-window-syndrome avoidance
     * (RFC 9293 §3.8.6.2.1, MUST-38) with Nagle's algorithm (§3.7.4; MUST-17: switchable). It may
     * if it carries everything queued and either Nagle is off or nothing is unacknowledged (Nagle:
     * at most one small segment in flight), or if it fills at least half the largest window the peer
     * offered (Fs = 1/2: a peer with a small buffer still gets data).
     */
    private static boolean sendSmallSegment(Tcb tcb, int len, boolean allQueued) {
        if (allQueued && (tcb.noDelay || tcb.sndNxt == tcb.sndUna)) {
            return true;
        }
        return len >= Math.max(1, tcb.maxSndWnd / 2);
    }

    /** Bookkeeping after sending {@code len} sequence numbers from {@code seq}: SND.MAX, counters, timers. */
    private void afterSend(Tcb tcb, int seq, int len, long now) {
        int end = seq + len;
        boolean fresh = ge(seq, tcb.sndMax);
        if (fresh) {
            int dataEnd = tcb.sendBufferSeq + tcb.sendBuffer.size();
            tcb.bytesSent += Math.max(0, (lt(end, dataEnd) ? end : dataEnd) - seq);
            if (tcb.rttStart < 0) {
                tcb.rttStart = now; // time one segment per RTT (RFC 6298 §3 with Karn)
                tcb.rttSeq = end;
            }
        } else {
            stats.retransmissions++;
            tcb.retransmissionCount++;
            tcb.rttStart = -1; // Karn (RFC 6298 §3): no sample across a retransmission
        }
        if (gt(end, tcb.sndMax)) {
            tcb.sndMax = end;
        }
        tcb.lastDataSentAt = now;
        if (tcb.rtoDeadline == Tcb.NONE) {
            tcb.rtoDeadline = now + tcb.rtt.rto(); // RFC 6298 §5.1
            tcb.headSentAt = now;
        }
    }

    /**
     * Queues a segment of {@code tcb} with ACK = RCV.NXT, the window field (scaled unless SYN, RFC
     * 7323 §2.2) and TSopt when negotiated (RFC 7323 §3.2: on every non-RST segment).
     */
    private TransmitQueue.Entry queueSegment(Tcb tcb, int seq, int flags) {
        tcb.segmentsSent++;
        boolean syn = (flags & Segment.SYN) != 0;
        TransmitQueue.Entry e = queueControl(tcb.remote, tcb.localPort, tcb.remotePort, seq, tcb.rcvNxt, flags,
                syn ? ReceiveWindow.forSyn(tcb) : ReceiveWindow.select(tcb, config.mss()));
        if ((flags & Segment.ACK) != 0) {
            tcb.lastAckSent = tcb.rcvNxt; // RFC 7323 §4.3 Last.ACK.sent
            tcb.ackNow = false; // this segment carries the acknowledgment owed
            tcb.delayedAckDeadline = Tcb.NONE;
            DelayedAck.ackSent(tcb);
            boolean held = tcb.outOfOrder != null && !tcb.outOfOrder.isEmpty();
            if (!syn && tcb.sackPermitted && (held || tcb.dsackPending)) {
                // RFC 2018 §4: SACK blocks for the held ranges, the most recent first; 3 fit next
                // to timestamps, 4 without (the codec drops any that would not fit). RFC 2883: a
                // duplicate just received is reported first, once.
                Segment out = e.segment;
                int max = tcb.timestampsOk ? 3 : Segment.MAX_SACK_BLOCKS;
                int n = 0;
                if (tcb.dsackPending) {
                    out.sackBlocks[0] = tcb.dsackStart;
                    out.sackBlocks[1] = tcb.dsackEnd;
                    tcb.dsackPending = false;
                    n = 1;
                }
                if (held) {
                    n += tcb.outOfOrder.sackBlocks(out.sackBlocks, 2 * n, max - n);
                }
                out.sackBlockCount = n;
            }
        }
        if (!syn) {
            OptionNegotiation.stamp(tcb, e.segment, clock);
        }
        return e;
    }

    /**
     * MUST-16 (RFC 9293 §3.7.1): data and options together fit the effective MSS. {@link #smss}
     * leaves room for the timestamps only; SACK blocks ({@code nop,nop,sack}: 4 + 8 per block)
     * that a data segment has no room for are left out of it (RFC 2018 §4 allows fewer; the next
     * pure ACK carries them). Without this a full segment with blocks was up to 28 bytes over the
     * link's limit, and the transport refused it.
     */
    private static void fitSackBlocks(Tcb tcb, Segment out, int len) {
        if (out.sackBlockCount > 0) {
            int room = tcb.peerMss - (tcb.timestampsOk ? Paws.TSOPT_LENGTH : 0) - len - 4;
            out.sackBlockCount = Math.max(0, Math.min(out.sackBlockCount, room / 8));
        }
    }

    private void sendAck(Tcb tcb) {
        // BSD: a pure ACK carries SND.MAX, the next new sequence number, even while retransmitting.
        queueSegment(tcb, tcb.sndMax, Segment.ACK);
    }

    private void sendSyn(Tcb tcb, long now) {
        TransmitQueue.Entry e = queueControl(tcb.remote, tcb.localPort, tcb.remotePort, tcb.iss, 0, Segment.SYN,
                ReceiveWindow.forSyn(tcb));
        tcb.segmentsSent++;
        e.segment.mss = announcedMss(); // MUST-14: announce our MSS on the SYN
        OptionNegotiation.fillSyn(tcb, config, e.segment, now);
        synSent(tcb, now);
    }

    private void sendSynAck(Tcb tcb, boolean retransmission, long now) {
        TransmitQueue.Entry e = queueSegment(tcb, tcb.iss, Segment.SYN | Segment.ACK);
        e.segment.mss = announcedMss();
        OptionNegotiation.fillSynAck(tcb, e.segment, now);
        if (retransmission && tcb.sndMax != tcb.iss) {
            stats.retransmissions++;
            tcb.retransmissionCount++;
            tcb.rttStart = -1;
        }
        synSent(tcb, now);
    }

    private void synSent(Tcb tcb, long now) {
        if (tcb.sndMax == tcb.iss) {
            tcb.sndNxt = tcb.iss + 1;
            tcb.sndMax = tcb.iss + 1;
            tcb.rttStart = now;
            tcb.rttSeq = tcb.iss + 1;
        }
        if (tcb.rtoDeadline == Tcb.NONE) {
            tcb.rtoDeadline = now + tcb.rtt.rto();
            tcb.headSentAt = now;
        }
        armTimer(tcb);
    }

    private TransmitQueue.Entry queueControl(InetAddress dst, int srcPort, int dstPort, int seq, int ack, int flags,
            int window) {
        TransmitQueue.Entry e = transmit.add(dst);
        Segment s = e.segment;
        s.sourcePort = srcPort;
        s.destinationPort = dstPort;
        s.seq = seq;
        s.ack = (flags & Segment.ACK) != 0 ? ack : 0;
        s.flags = flags;
        s.window = window;
        stats.segmentsOut++;
        return e;
    }

    private void sendReset(InetAddress dst, int srcPort, int dstPort, int seq, int ack, boolean withAck) {
        stats.resetsSent++;
        queueControl(dst, srcPort, dstPort, seq, ack, withAck ? Segment.RST | Segment.ACK : Segment.RST, 0);
    }

    private void sendChallengeAck(Tcb tcb, long now) {
        if (challengeAllowed(now)) {
            stats.challengeAcks++;
            queueSegment(tcb, tcb.sndMax, Segment.ACK);
        }
    }

    private void timeWaitChallengeAck(int slot, long now) {
        if (challengeAllowed(now)) {
            stats.challengeAcks++;
            timeWaitAck(slot);
        }
    }

    /**
     * An ACK from a TIME-WAIT entry: SND.NXT, RCV.NXT, the window scaled as the connection agreed
     * and, if negotiated, TSopt echoing TS.Recent (RFC 7323 §3.2), as Linux's tcp_timewait_state_process.
     */
    private void timeWaitAck(int slot) {
        ConnectionKey key = timeWait.key(slot);
        int shift = timeWait.rcvWscale(slot);
        TransmitQueue.Entry e = queueControl(key.remote, key.localPort, key.remotePort, timeWait.sndNxt(slot),
                timeWait.rcvNxt(slot), Segment.ACK, OptionNegotiation.windowField(timeWait.rcvWnd(slot), shift, false));
        if (timeWait.timestampsOk(slot)) {
            e.segment.hasTimestamps = true;
            e.segment.tsVal = OptionNegotiation.tsVal(timeWait.tsOffset(slot), clock);
            e.segment.tsEcr = timeWait.tsRecent(slot);
        }
    }

    /** RFC 5961 §7: at most {@code challenge-ack.limit} challenge ACKs per second per stack. */
    private boolean challengeAllowed(long now) {
        if (challengeAcks.tryAcquire(now)) {
            return true;
        }
        stats.drop(DropReason.CHALLENGE_ACK_LIMITED);
        return false;
    }

    // =============================================================================================
    // Helpers
    // =============================================================================================

    /**
     * RFC 9293 §3.10.7.4 acceptability test:
     * <pre>
     * len  wnd  test
     * 0    0    SEG.SEQ = RCV.NXT
     * 0    >0   RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
     * >0   0    not acceptable
     * >0   >0   RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
     *           or RCV.NXT =< SEG.SEQ+SEG.LEN-1 < RCV.NXT+RCV.WND
     * </pre>
     */
    static boolean acceptable(int seq, int len, int rcvNxt, int rcvWnd) {
        if (len == 0) {
            return rcvWnd == 0 ? seq == rcvNxt : inWindow(seq, rcvNxt, rcvWnd);
        }
        if (rcvWnd == 0) {
            return false;
        }
        return inWindow(seq, rcvNxt, rcvWnd) || inWindow(seq + len - 1, rcvNxt, rcvWnd);
    }

    private static boolean inWindow(int x, int rcvNxt, int rcvWnd) {
        return ge(x, rcvNxt) && lt(x, rcvNxt + rcvWnd);
    }

    /** RCV.WND: what is left of the window last advertised ({@link ReceiveWindow}). */
    private static int receiveWindow(Tcb tcb) {
        return ReceiveWindow.current(tcb);
    }

    /** The peer's SYN options: its MSS, and the RFC 7323 / RFC 2018 options negotiated against ours. */
    private void takePeerOptions(Tcb tcb, Segment seg, boolean weOffered, long now) {
        // MUST-15: "If an MSS Option is not received at connection setup, TCP implementations MUST
        // assume a default send MSS of 536 (576 - 40) for IPv4 or 1220 (1280 - 60) for IPv6".
        int sendMss = seg.mss != Segment.ABSENT && seg.mss > 0 ? seg.mss : defaultMss();
        // MUST-16: Eff.snd.MSS = min(SendMSS + 20, MMS_S) - TCPhdrsize - IPoptionsize; the options part
        // of TCPhdrsize is taken off per segment in smss().
        tcb.peerMss = Math.max(MIN_SEND_MSS, Math.min(sendMss, maxSegmentSize - TCP_HEADER));
        OptionNegotiation.negotiate(tcb, config, seg, weOffered, now);
        ReceiveWindow.forSyn(tcb); // the window our SYN (or the SYN,ACK to come) announces
    }

    /**
     * RFC 5681 SMSS: the peer's MSS less the TCP options every segment carries (RFC 9293 §3.7.1:
     * the MSS counts no options; with timestamps each segment carries 12 option bytes, RFC 7323 §3.2).
     */
    static int smss(Tcb tcb) {
        return Math.max(1, tcb.peerMss - (tcb.timestampsOk ? Paws.TSOPT_LENGTH : 0));
    }

    /**
     * DupThresh (RFC 5681 §3.2, RFC 6675): 3, lowered by early retransmit (RFC 5827 §3) when fewer
     * than 4 segments are outstanding, to one less than their number, so that a loss in a small
     * window is repaired by fast retransmit instead of the retransmission timer.
     */
    private static int dupThresh(Tcb tcb) {
        int smss = smss(tcb);
        int outstanding = (int) (((long) (tcb.sndMax - tcb.sndUna) + smss - 1) / smss);
        // RFC 5827 §3.1: ER_thresh = oldSeg - 1 for 2 <= oldSeg < 4; one segment cannot be early retransmitted.
        return outstanding >= DUP_THRESH + 1 || outstanding < 2 ? DUP_THRESH : outstanding - 1;
    }

    /** Loss recovery uses the SACK scoreboard (RFC 6675) rather than NewReno's inflation. */
    private static boolean sackRecovery(Tcb tcb) {
        return tcb.sackPermitted;
    }

    private int defaultMss() {
        return localAddress instanceof Inet6Address ? DEFAULT_MSS_IPV6 : DEFAULT_MSS_IPV4;
    }

    /** MUST-14 with MUST-16's MMS_R: synack.tcp.mss, at most what one datagram of the transport carries. */
    private int announcedMss() {
        return Math.min(config.mss(), maxSegmentSize - TCP_HEADER);
    }

    @Override
    public void limitSegmentSize(int maxSegmentSize) {
        if (maxSegmentSize <= TCP_HEADER) {
            throw new IllegalArgumentException("a transport must carry more than a TCP header: " + maxSegmentSize);
        }
        this.maxSegmentSize = maxSegmentSize;
    }

    /**
     * Sets the TCB's one wheel timer to the earliest of its deadlines, so {@link #nextDeadline()}
     * is exact. Called once per input, after the transition function changed the deadlines.
     */
    private void armTimer(Tcb tcb) {
        long next = tcb.nextDeadline();
        if (next == tcb.wheelDeadline) {
            return;
        }
        if (tcb.wheelTimer >= 0) {
            timers.cancel(tcb.wheelTimer);
            tcb.wheelTimer = -1;
        }
        tcb.wheelDeadline = next;
        if (next != Tcb.NONE) {
            tcb.wheelTimer = timers.schedule(tcb.handle, next);
        }
    }

    private Tcb tcb(int handle) {
        return handle >= 0 && handle < tcbs.length ? tcbs[handle] : null;
    }

    private Tcb live(int handle) throws SynackException {
        Tcb tcb = tcb(handle);
        if (tcb == null) {
            throwFor(handle >= 0 && handle < endedAs.length ? endedAs[handle] : null, handle);
            throw new ConnectionClosedException("connection " + handle + " is closed");
        }
        if (tcb.detached) {
            throw new ConnectionClosedException(tcb.id + ": connection closing (" + tcb.state + ")");
        }
        return tcb;
    }

    private static void throwFor(CloseReason r, int handle) throws SynackException {
        if (r == null || r == CloseReason.GRACEFUL) {
            return;
        }
        switch (r) {
            case RESET -> throw new ConnectionResetException("connection " + handle + " was reset by the peer");
            case REFUSED -> throw new ConnectionRefusedException("connection " + handle + " was refused");
            case TIMED_OUT -> throw new ConnectionTimedOutException("connection " + handle + " timed out");
            default -> throw new ConnectionClosedException("connection " + handle + " was " + r.name().toLowerCase());
        }
    }

    private Listener listener(int handle) {
        Listener l = handle >= 0 && handle < listeners.length ? listeners[handle] : null;
        if (l == null) {
            throw new IllegalArgumentException("no listener with handle " + handle);
        }
        return l;
    }
}
