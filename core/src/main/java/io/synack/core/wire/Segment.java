package io.synack.core.wire;

import java.nio.ByteBuffer;

/**
 * A decoded TCP segment (RFC 9293 §3.1 header and §3.2 options), mutable so that one instance is
 * reused for every segment a stack processes: decoding and building segments allocates nothing.
 *
 * <p>Sequence and acknowledgment numbers are kept as Java {@code int}s holding the 32-bit value;
 * compare them only with {@link SeqNum} (modulo-2^32 arithmetic, RFC 9293 §3.4).
 * Options absent from the segment read as {@link #ABSENT} (or false).
 */
public final class Segment {

    /** The value of an option field that the segment does not carry. */
    public static final int ABSENT = -1;

    /** Control bit: no more data from sender. */
    public static final int FIN = 0x01;
    /** Control bit: synchronize sequence numbers. */
    public static final int SYN = 0x02;
    /** Control bit: reset the connection. */
    public static final int RST = 0x04;
    /** Control bit: push function. */
    public static final int PSH = 0x08;
    /** Control bit: acknowledgment field is significant. */
    public static final int ACK = 0x10;
    /** Control bit: urgent pointer field is significant. */
    public static final int URG = 0x20;
    /** Control bit: ECN-Echo (RFC 3168). */
    public static final int ECE = 0x40;
    /** Control bit: congestion window reduced (RFC 3168). */
    public static final int CWR = 0x80;

    /** Most SACK blocks a header can carry (RFC 2018 §3: 4, or 3 with timestamps). */
    public static final int MAX_SACK_BLOCKS = 4;

    public int sourcePort;
    public int destinationPort;
    /** SEG.SEQ. */
    public int seq;
    /** SEG.ACK, meaningful when {@link #ACK} is set. */
    public int ack;
    /** Control bits, a combination of {@link #FIN} ... {@link #CWR}. */
    public int flags;
    /** SEG.WND as carried in the header (unscaled), 0..65535. */
    public int window;
    /** SEG.UP. */
    public int urgentPointer;

    /** MSS option (kind 2), or {@link #ABSENT}. */
    public int mss = ABSENT;
    /** Window scale shift count (kind 3), or {@link #ABSENT}. */
    public int windowScale = ABSENT;
    /** SACK-permitted option (kind 4) present. */
    public boolean sackPermitted;
    /** Timestamps option (kind 8) present. */
    public boolean hasTimestamps;
    /** TSval, when {@link #hasTimestamps}. */
    public int tsVal;
    /** TSecr, when {@link #hasTimestamps}. */
    public int tsEcr;
    /** Number of SACK blocks (kind 5) carried, 0..{@link #MAX_SACK_BLOCKS}. */
    public int sackBlockCount;
    /** SACK blocks as left/right edge pairs: {@code [left0, right0, left1, right1, ...]}. */
    public final int[] sackBlocks = new int[2 * MAX_SACK_BLOCKS];

    /**
     * The payload: a view (position..limit) into the datagram the segment was decoded from, or the
     * data to send when encoding. Never null; empty when there is no data.
     */
    public ByteBuffer payload = EMPTY;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    /** Clears every field so the instance can be reused. */
    public Segment clear() {
        sourcePort = 0;
        destinationPort = 0;
        seq = 0;
        ack = 0;
        flags = 0;
        window = 0;
        urgentPointer = 0;
        mss = ABSENT;
        windowScale = ABSENT;
        sackPermitted = false;
        hasTimestamps = false;
        tsVal = 0;
        tsEcr = 0;
        sackBlockCount = 0;
        payload = EMPTY;
        return this;
    }

    /** Whether every bit of {@code mask} is set. */
    public boolean has(int mask) {
        return (flags & mask) == mask;
    }

    /** Payload length in bytes. */
    public int payloadLength() {
        return payload.remaining();
    }

    /**
     * SEG.LEN: payload length plus one for SYN and one for FIN (RFC 9293 §3.4: "the number of
     * octets occupied by the data in the segment (counting SYN and FIN)").
     */
    public int sequenceLength() {
        return payload.remaining() + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
    }

    /** Flags as tcpdump writes them: {@code S}, {@code S.}, {@code F.}, {@code R}, {@code P.}. */
    public static String flagsToString(int flags) {
        StringBuilder b = new StringBuilder(8);
        if ((flags & SYN) != 0) {
            b.append('S');
        }
        if ((flags & FIN) != 0) {
            b.append('F');
        }
        if ((flags & RST) != 0) {
            b.append('R');
        }
        if ((flags & PSH) != 0) {
            b.append('P');
        }
        if ((flags & URG) != 0) {
            b.append('U');
        }
        if ((flags & ECE) != 0) {
            b.append('E');
        }
        if ((flags & CWR) != 0) {
            b.append('W');
        }
        if ((flags & ACK) != 0) {
            b.append('.');
        }
        return b.length() == 0 ? "none" : b.toString();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(96);
        b.append(sourcePort).append(" > ").append(destinationPort)
                .append(" [").append(flagsToString(flags)).append("] seq ").append(Integer.toUnsignedString(seq));
        if (has(ACK)) {
            b.append(" ack ").append(Integer.toUnsignedString(ack));
        }
        b.append(" win ").append(window);
        if (mss != ABSENT) {
            b.append(" mss ").append(mss);
        }
        if (windowScale != ABSENT) {
            b.append(" wscale ").append(windowScale);
        }
        if (sackPermitted) {
            b.append(" sackOK");
        }
        if (hasTimestamps) {
            b.append(" TS val ").append(Integer.toUnsignedString(tsVal)).append(" ecr ").append(Integer.toUnsignedString(tsEcr));
        }
        for (int i = 0; i < sackBlockCount; i++) {
            b.append(i == 0 ? " sack " : ",").append(Integer.toUnsignedString(sackBlocks[2 * i]))
                    .append(':').append(Integer.toUnsignedString(sackBlocks[2 * i + 1]));
        }
        return b.append(" length ").append(payloadLength()).toString();
    }
}
