package io.synack.cli.capture;

import io.synack.api.TcpState;
import io.synack.core.trace.TraceEntry;
import io.synack.core.trace.TraceEntry.StateEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Infers each side's RFC 9293 state (§3.3.2, Figure 5) from the segments of one connection as a
 * capture saw them, for a ladder diagram of a capture that carries no state of its own.
 *
 * <p>The capture point sits between the two sides, so a state is placed at the segment that
 * causes it: the sender's transition when it sends (SYN: SYN-SENT; SYN,ACK: SYN-RECEIVED; FIN:
 * FIN-WAIT-1 or LAST-ACK), the receiver's when it would receive (an ACK of its SYN: ESTABLISHED; an
 * ACK of its FIN: FIN-WAIT-2, TIME-WAIT from CLOSING, CLOSED from LAST-ACK; RST: CLOSED).
 *
 * <p>A FIN is the one case where the capture order can mislead: in a simultaneous close each
 * side sends its FIN before the other's arrives, yet the capture shows one first. So the receipt
 * of a FIN (CLOSE-WAIT, CLOSING or TIME-WAIT) is placed where the capture proves it: at the
 * receiver's first segment that acknowledges the FIN, or at the next segment from the FIN's sender
 * (which arrived after the FIN), whichever comes first; a segment the receiver sends before that
 * (its own FIN with an older ACK) was sent before the FIN arrived. At the end of the capture a FIN
 * still unproven is taken as received. As in RFC 9293 §3.10.7.4 the ACK field of a segment is
 * processed before its FIN bit. The receiver is assumed to accept what the capture shows (no
 * window checks), a retransmitted SYN or FIN changes nothing, and the side that answers the SYN
 * starts in LISTEN. If the capture begins after the handshake, both sides start ESTABLISHED.
 */
public final class StateInference {

    /** One side's view: its state, and the sequence numbers that matter for the transitions. */
    private static final class Side {
        TcpState state;
        boolean left;
        int iss;
        boolean sentSyn;
        boolean sentFin;
        int finAck;
        boolean gotFin;
        boolean pendingFin;
    }

    private final Side left = new Side();
    private final Side right = new Side();
    private final List<TraceEntry> entries;

    /**
     * @param entries where segment and state rows are appended (the caller appends the segments)
     * @param startsWithSyn whether the capture holds the connection's first SYN
     * @param firstTimeNanos the time of the first segment
     */
    public StateInference(List<TraceEntry> entries, boolean startsWithSyn, long firstTimeNanos) {
        this.entries = entries;
        left.left = true;
        right.left = false;
        if (startsWithSyn) {
            left.state = TcpState.CLOSED;
            enter(right, TcpState.LISTEN, firstTimeNanos);
        } else {
            enter(left, TcpState.ESTABLISHED, firstTimeNanos);
            enter(right, TcpState.ESTABLISHED, firstTimeNanos);
        }
    }

    /**
     * Applies one segment, after its row was appended.
     *
     * @param timeNanos when it was captured
     * @param fromLeft whether the left side sent it
     * @param flags its control bits
     * @param seq SEG.SEQ
     * @param ack SEG.ACK
     * @param payloadLength SEG.LEN without SYN and FIN
     */
    public void segment(long timeNanos, boolean fromLeft, int flags, int seq, int ack, int payloadLength) {
        Side sender = fromLeft ? left : right;
        Side receiver = fromLeft ? right : left;
        boolean syn = (flags & SYN) != 0;
        boolean fin = (flags & FIN) != 0;
        boolean hasAck = (flags & ACK) != 0;
        if (sender.pendingFin && hasAck && covers(ack, receiver.finAck)) {
            // The sender acknowledges the receiver's FIN: it had received it.
            finReceived(sender, timeNanos);
        }
        if (receiver.pendingFin) {
            // A later segment from the FIN's sender arrives: the FIN (in sequence) arrived first.
            finReceived(receiver, timeNanos);
        }
        if ((flags & RST) != 0) {
            // RFC 9293 §3.10.7: an acceptable RST deletes the TCB on both ends; the sender of a
            // RST has none (or just ABORTed it).
            sender.pendingFin = false;
            receiver.pendingFin = false;
            enter(sender, TcpState.CLOSED, timeNanos);
            if (receiver.state != TcpState.LISTEN) {
                enter(receiver, TcpState.CLOSED, timeNanos);
            }
            return;
        }
        if (syn && !sender.sentSyn) {
            sender.sentSyn = true;
            sender.iss = seq;
            if (!hasAck) {
                enter(sender, TcpState.SYN_SENT, timeNanos);
            } else {
                enter(sender, TcpState.SYN_RECEIVED, timeNanos);
            }
        }
        if (syn && !hasAck && receiver.state == TcpState.SYN_SENT) {
            // Simultaneous open (RFC 9293 Figure 8): a SYN in SYN-SENT leads to SYN-RECEIVED.
            enter(receiver, TcpState.SYN_RECEIVED, timeNanos);
        }
        if (fin && !sender.sentFin) {
            sender.sentFin = true;
            sender.finAck = seq + payloadLength + (syn ? 1 : 0) + 1;
            switch (sender.state) {
                case ESTABLISHED, SYN_RECEIVED -> enter(sender, TcpState.FIN_WAIT_1, timeNanos);
                case CLOSE_WAIT -> enter(sender, TcpState.LAST_ACK, timeNanos);
                default -> { }
            }
        }
        if (hasAck) {
            acknowledged(receiver, ack, syn, timeNanos);
        }
        if (fin && !receiver.gotFin) {
            receiver.gotFin = true;
            receiver.pendingFin = true;
        }
    }

    /**
     * The end of the capture: a FIN whose receipt nothing proved is taken as received.
     *
     * @param timeNanos the time of the last segment
     */
    public void finish(long timeNanos) {
        if (left.pendingFin) {
            finReceived(left, timeNanos);
        }
        if (right.pendingFin) {
            finReceived(right, timeNanos);
        }
    }

    /** RFC 9293 §3.10.7.4, eighth step: the FIN bit in each state. */
    private void finReceived(Side side, long timeNanos) {
        side.pendingFin = false;
        switch (side.state) {
            case ESTABLISHED, SYN_RECEIVED -> enter(side, TcpState.CLOSE_WAIT, timeNanos);
            case FIN_WAIT_1 -> enter(side, TcpState.CLOSING, timeNanos);
            case FIN_WAIT_2 -> enter(side, TcpState.TIME_WAIT, timeNanos);
            default -> { }
        }
    }

    /** The receiver processes the ACK field: its SYN or its FIN may now be acknowledged. */
    private void acknowledged(Side receiver, int ack, boolean synAck, long timeNanos) {
        if (receiver.state == TcpState.SYN_SENT && synAck && covers(ack, receiver.iss + 1)) {
            // RFC 9293 §3.10.7.3: SYN,ACK in SYN-SENT; snd ACK; ESTABLISHED.
            enter(receiver, TcpState.ESTABLISHED, timeNanos);
        } else if (receiver.state == TcpState.SYN_RECEIVED && covers(ack, receiver.iss + 1)) {
            enter(receiver, TcpState.ESTABLISHED, timeNanos);
        }
        if (receiver.sentFin && covers(ack, receiver.finAck)) {
            switch (receiver.state) {
                case FIN_WAIT_1 -> enter(receiver, TcpState.FIN_WAIT_2, timeNanos);
                case CLOSING -> enter(receiver, TcpState.TIME_WAIT, timeNanos);
                case LAST_ACK -> enter(receiver, TcpState.CLOSED, timeNanos);
                default -> { }
            }
        }
    }

    /** Whether an ACK of {@code ack} acknowledges everything before {@code target} (mod 2^32). */
    private static boolean covers(int ack, int target) {
        return ack - target >= 0;
    }

    private void enter(Side side, TcpState state, long timeNanos) {
        if (side.state == state) {
            return;
        }
        side.state = state;
        entries.add(new StateEntry(timeNanos, side.left, state));
    }

    /** The left side's state after the segments applied so far. */
    public TcpState leftState() {
        return left.state;
    }

    /** The right side's state after the segments applied so far. */
    public TcpState rightState() {
        return right.state;
    }

    private static final int FIN = io.synack.core.wire.Segment.FIN;
    private static final int SYN = io.synack.core.wire.Segment.SYN;
    private static final int RST = io.synack.core.wire.Segment.RST;
    private static final int ACK = io.synack.core.wire.Segment.ACK;
}
