package io.synack.core.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes and decodes TCP segments: the RFC 9293 §3.1 header, the options of RFC 9293 §3.2,
 * RFC 7323 (window scale, timestamps) and RFC 2018 (SACK), and the checksum over the IPv4
 * (RFC 9293 §3.1) or IPv6 (RFC 8200 §8.1) pseudo-header.
 *
 * <p><b>Decoding</b> never throws for any input bytes: a malformed datagram yields a
 * {@link DecodeStatus} naming why, to be counted and dropped. The checks run in the order Linux's
 * {@code tcp_v4_rcv} runs them: length, data offset, checksum, then options. Options are parsed as
 * Linux's {@code tcp_parse_options} does: EOL ends the list, NOP is one octet, every other kind is
 * skipped by its length octet; a known kind with the wrong length is ignored (not an error); a
 * repeated option overrides the earlier one. Option values are not interpreted against the
 * connection's state (MSS on a non-SYN, for example, is reported; the engine decides).
 *
 * <p><b>Encoding</b> lays options out as Linux's {@code tcp_options_write} does, each group padded
 * with NOPs to a 32-bit boundary, so that captures look like Linux's:
 * MSS; timestamps (as {@code sackOK,TS} when SACK-permitted is also sent, else {@code nop,nop,TS});
 * SACK-permitted alone as {@code nop,nop,sackOK}; window scale as {@code nop,wscale}; SACK blocks as
 * {@code nop,nop,sack}. A SYN with everything reads {@code mss,sackOK,TS,nop,wscale} (20 octets).
 *
 * <p><b>No allocation</b> on either path: addresses are read through {@link IpAddresses}, sums go
 * eight bytes at a time ({@link InternetChecksum}), and the payload view is reused (see
 * {@link #decode}). Buffers are read and written by absolute index in network order whatever the
 * buffer's {@link ByteOrder}.
 */
public final class TcpCodec {

    /** The fixed header: 5 words (RFC 9293 §3.1). */
    public static final int MIN_HEADER_LENGTH = 20;
    /** The largest header the 4-bit Data Offset can describe: 15 words. */
    public static final int MAX_HEADER_LENGTH = 60;
    /** Octets available for options (RFC 9293 §3.1: "Options: [TCP Option]; size(Options) == (DOffset-5)*32"). */
    public static final int MAX_OPTIONS_LENGTH = MAX_HEADER_LENGTH - MIN_HEADER_LENGTH;
    /** Largest window scale shift (RFC 7323 §2.3). */
    public static final int MAX_WINDOW_SCALE = 14;

    /** Option kind: End of Option List (RFC 9293 §3.2). */
    public static final int KIND_EOL = 0;
    /** Option kind: No-Operation (RFC 9293 §3.2). */
    public static final int KIND_NOP = 1;
    /** Option kind: Maximum Segment Size (RFC 9293 §3.2). */
    public static final int KIND_MSS = 2;
    /** Option kind: Window Scale (RFC 7323 §2.2). */
    public static final int KIND_WINDOW_SCALE = 3;
    /** Option kind: SACK-Permitted (RFC 2018 §2). */
    public static final int KIND_SACK_PERMITTED = 4;
    /** Option kind: SACK (RFC 2018 §3). */
    public static final int KIND_SACK = 5;
    /** Option kind: Timestamps (RFC 7323 §3.2). */
    public static final int KIND_TIMESTAMPS = 8;

    private static final int LENGTH_MSS = 4;
    private static final int LENGTH_WINDOW_SCALE = 3;
    private static final int LENGTH_SACK_PERMITTED = 2;
    private static final int LENGTH_SACK_BASE = 2;
    private static final int LENGTH_SACK_BLOCK = 8;
    private static final int LENGTH_TIMESTAMPS = 10;

    private static final int OFFSET_SEQ = 4;
    private static final int OFFSET_ACK = 8;
    private static final int OFFSET_DATA_OFFSET = 12;
    private static final int OFFSET_WINDOW = 14;
    private static final int OFFSET_CHECKSUM = 16;
    private static final int OFFSET_URGENT = 18;

    /** The last payload views this thread made, and the datagrams they view (see {@link #decode}). */
    private static final ThreadLocal<PayloadViews> PAYLOAD_VIEWS = ThreadLocal.withInitial(PayloadViews::new);

    /**
     * A few (datagram, view) pairs per thread, so that several decoders sharing a thread (a driver
     * and a trace recorder, say) each keep reusing their own view. Round-robin replacement.
     */
    private static final class PayloadViews {
        static final int SIZE = 4;
        final ByteBuffer[] datagrams = new ByteBuffer[SIZE];
        final ByteBuffer[] views = new ByteBuffer[SIZE];
        int next;

        ByteBuffer viewOf(ByteBuffer datagram, ByteBuffer previous) {
            for (int i = 0; i < SIZE; i++) {
                if (views[i] == previous && datagrams[i] == datagram) {
                    previous.clear();
                    return previous;
                }
            }
            ByteBuffer view = datagram.duplicate();
            datagrams[next] = datagram;
            views[next] = view;
            next = (next + 1) % SIZE;
            return view;
        }
    }

    private TcpCodec() {}

    /**
     * Decodes {@code datagram[position..limit)} into {@code into}, which is cleared first. Never
     * throws for any input bytes, and leaves {@code datagram}'s position, limit and order alone.
     *
     * <p>On {@link DecodeStatus#OK}, {@code into.payload} is a view of the payload octets inside
     * {@code datagram} (no copy), valid until {@code datagram}'s contents change or the next decode
     * into the same {@code into}. To avoid allocating, the view is reused: when {@code into.payload}
     * is the view this thread's previous decode made of the same {@code datagram} buffer, its
     * position and limit are simply moved (so a driver that decodes each datagram of a reused
     * receive buffer into one reused {@link Segment} allocates nothing); otherwise one
     * {@link ByteBuffer#duplicate()} is made. Each thread remembers its last four views (and so
     * holds on to at most four datagram buffers).
     * On any other status {@code into} is left cleared.
     *
     * <p>Option values are reported as carried, except that a window scale above
     * {@value #MAX_WINDOW_SCALE} reads as {@value #MAX_WINDOW_SCALE} (RFC 7323 §2.3: "MUST use 14
     * instead"; Linux clamps at parse time too).
     *
     * @param datagram the TCP segment bytes (header, options, payload) from position to limit
     * @param source IP source, for the pseudo-header (unused, and may be null, unless verifying)
     * @param destination IP destination, for the pseudo-header (likewise)
     * @param verifyChecksum whether to check the checksum (RFC 9293 MUST-3); false when the
     *     transport already did, or when reading truncated captures
     * @param into the segment to fill
     * @return {@link DecodeStatus#OK} or the reason to drop
     */
    public static DecodeStatus decode(ByteBuffer datagram, InetAddress source, InetAddress destination,
            boolean verifyChecksum, Segment into) {
        ByteBuffer previousPayload = into.payload;
        into.clear();
        int start = datagram.position();
        int limit = datagram.limit();
        int length = limit - start;
        if (length < MIN_HEADER_LENGTH) {
            return DecodeStatus.SHORT_HEADER;
        }
        boolean littleEndian = datagram.order() == ByteOrder.LITTLE_ENDIAN;
        int offsetAndFlags = u16(datagram, start + OFFSET_DATA_OFFSET, littleEndian);
        int headerLength = (offsetAndFlags >>> 12) << 2;
        // RFC 9293 §3.1 Data Offset: "the number of 32-bit words in the TCP header"; a header is at
        // least 5 words and cannot end after the datagram does.
        if (headerLength < MIN_HEADER_LENGTH || headerLength > length) {
            return DecodeStatus.BAD_DATA_OFFSET;
        }
        // RFC 9293 §3.1 and MUST-3: a segment with a bad checksum is discarded before anything else
        // in it (its options included) is believed.
        if (verifyChecksum && !checksumValid(datagram, source, destination)) {
            return DecodeStatus.BAD_CHECKSUM;
        }
        if (!decodeOptions(datagram, start + MIN_HEADER_LENGTH, start + headerLength, into)) {
            into.clear();
            return DecodeStatus.BAD_OPTION_LENGTH;
        }
        into.sourcePort = u16(datagram, start, littleEndian);
        into.destinationPort = u16(datagram, start + 2, littleEndian);
        into.seq = i32(datagram, start + OFFSET_SEQ, littleEndian);
        into.ack = i32(datagram, start + OFFSET_ACK, littleEndian);
        // The low 8 bits are CWR..FIN; the 4 bits between Data Offset and CWR are reserved: "must be
        // ignored in received segments" (RFC 9293 §3.1, Rsrvd).
        into.flags = offsetAndFlags & 0xFF;
        into.window = u16(datagram, start + OFFSET_WINDOW, littleEndian);
        into.urgentPointer = u16(datagram, start + OFFSET_URGENT, littleEndian);
        into.payload = payloadView(datagram, start + headerLength, limit, previousPayload);
        return DecodeStatus.OK;
    }

    private static ByteBuffer payloadView(ByteBuffer datagram, int from, int to, ByteBuffer previous) {
        ByteBuffer view = PAYLOAD_VIEWS.get().viewOf(datagram, previous);
        view.limit(to).position(from);
        return view;
    }

    /**
     * Parses the options in {@code [from, to)} (RFC 9293 §3.2).
     *
     * @return false on an illegal option length
     */
    private static boolean decodeOptions(ByteBuffer b, int from, int to, Segment into) {
        int i = from;
        while (i < to) {
            int kind = b.get(i) & 0xFF;
            if (kind == KIND_EOL) {
                // RFC 9293 §3.2: "used at the end of all options, not the end of each option";
                // whatever follows is padding.
                return true;
            }
            if (kind == KIND_NOP) {
                i++;
                continue;
            }
            // Every other kind has a length octet counting kind and length (RFC 9293 §3.2 case 2).
            if (i + 1 >= to) {
                return false;
            }
            int length = b.get(i + 1) & 0xFF;
            if (length < 2 || i + length > to) {
                return false;
            }
            decodeOption(b, kind, i, length, into);
            i += length;
        }
        return true;
    }

    private static void decodeOption(ByteBuffer b, int kind, int at, int length, Segment into) {
        boolean littleEndian = b.order() == ByteOrder.LITTLE_ENDIAN;
        switch (kind) {
            case KIND_MSS:
                if (length == LENGTH_MSS) {
                    into.mss = u16(b, at + 2, littleEndian);
                }
                break;
            case KIND_WINDOW_SCALE:
                if (length == LENGTH_WINDOW_SCALE) {
                    into.windowScale = Math.min(b.get(at + 2) & 0xFF, MAX_WINDOW_SCALE);
                }
                break;
            case KIND_SACK_PERMITTED:
                if (length == LENGTH_SACK_PERMITTED) {
                    into.sackPermitted = true;
                }
                break;
            case KIND_SACK:
                // RFC 2018 §3: "Length: Variable", 2 + 8n octets; at most 4 blocks fit in 40 octets.
                int blocks = (length - LENGTH_SACK_BASE) / LENGTH_SACK_BLOCK;
                if (blocks >= 1 && blocks <= Segment.MAX_SACK_BLOCKS
                        && LENGTH_SACK_BASE + blocks * LENGTH_SACK_BLOCK == length) {
                    for (int k = 0; k < 2 * blocks; k++) {
                        into.sackBlocks[k] = i32(b, at + LENGTH_SACK_BASE + 4 * k, littleEndian);
                    }
                    into.sackBlockCount = blocks;
                }
                break;
            case KIND_TIMESTAMPS:
                if (length == LENGTH_TIMESTAMPS) {
                    into.hasTimestamps = true;
                    into.tsVal = i32(b, at + 2, littleEndian);
                    into.tsEcr = i32(b, at + 6, littleEndian);
                }
                break;
            default:
                // RFC 9293 §3.2, MUST-6: "MUST ignore without error any TCP Option it does not
                // implement, assuming that the option has a length field": skipped by its length.
                break;
        }
    }

    /**
     * The number of octets {@link #encode} writes for {@code segment}: header, options and payload.
     *
     * @throws IllegalArgumentException if a field is out of range (see {@link #encode})
     */
    public static int encodedLength(Segment segment) {
        return headerLength(segment) + segment.payload.remaining();
    }

    private static int headerLength(Segment s) {
        return MIN_HEADER_LENGTH + optionsLength(s, sackBlocksToWrite(s));
    }

    private static int optionsLength(Segment s, int sackBlocks) {
        int length = 0;
        if (s.mss != Segment.ABSENT) {
            length += 4;
        }
        if (s.hasTimestamps) {
            length += 12; // sackOK,TS or nop,nop,TS
        }
        if (s.sackPermitted && !s.hasTimestamps) {
            length += 4; // nop,nop,sackOK
        }
        if (s.windowScale != Segment.ABSENT) {
            length += 4; // nop,wscale
        }
        if (sackBlocks > 0) {
            length += 4 + LENGTH_SACK_BLOCK * sackBlocks; // nop,nop,sack
        }
        return length;
    }

    /**
     * SACK blocks beyond what fits in the 40 option octets are left out, keeping the first ones
     * (RFC 2018 §4: the first block reports the most recently received segment; §3: "a SACK option
     * that specifies n blocks will have a length of 8*n+2", at most 3 with timestamps), as Linux's
     * {@code tcp_established_options} trims them.
     */
    private static int sackBlocksToWrite(Segment s) {
        validate(s);
        int requested = s.sackBlockCount;
        if (requested == 0) {
            return 0;
        }
        int room = MAX_OPTIONS_LENGTH - optionsLength(s, 0) - 4;
        return Math.max(0, Math.min(requested, room / LENGTH_SACK_BLOCK));
    }

    private static void validate(Segment s) {
        check(s.sourcePort, 0, 0xFFFF, "sourcePort");
        check(s.destinationPort, 0, 0xFFFF, "destinationPort");
        check(s.flags, 0, 0xFF, "flags");
        check(s.window, 0, 0xFFFF, "window");
        check(s.urgentPointer, 0, 0xFFFF, "urgentPointer");
        if (s.mss != Segment.ABSENT) {
            check(s.mss, 0, 0xFFFF, "mss");
        }
        if (s.windowScale != Segment.ABSENT) {
            // RFC 7323 §2.3: the shift count sent is at most 14.
            check(s.windowScale, 0, MAX_WINDOW_SCALE, "windowScale");
        }
        check(s.sackBlockCount, 0, Segment.MAX_SACK_BLOCKS, "sackBlockCount");
    }

    private static void check(int value, int min, int max, String field) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " = " + value + " is outside " + min + ".." + max);
        }
    }

    /**
     * Writes {@code segment} (header, options, payload) at {@code out.position()}, fills in the
     * checksum over the pseudo-header of {@code source} and {@code destination} (RFC 9293 §3.1,
     * RFC 8200 §8.1, MUST-2), and advances the position past it. The reserved bits are sent as zero
     * (RFC 9293 §3.1) and the payload's position is left alone. The codec writes the options the
     * segment holds; which segments may carry which (MSS and window scale only with SYN, RFC 9293
     * §3.2 and RFC 7323 §2.2) is the sender's business.
     *
     * @return the number of octets written, {@link #encodedLength(Segment)}
     * @throws IllegalArgumentException if a port, the window, the urgent pointer, the MSS, the flags
     *     or the SACK block count are out of range, the window scale is above 14, or the two
     *     addresses are of different families
     * @throws BufferOverflowException if {@code out} has less room than that (nothing is written)
     * @throws java.nio.ReadOnlyBufferException if {@code out} is read-only
     */
    public static int encode(Segment segment, InetAddress source, InetAddress destination, ByteBuffer out) {
        if ((source instanceof Inet4Address) != (destination instanceof Inet4Address)) {
            throw new IllegalArgumentException("source " + source + " and destination " + destination
                    + " are of different address families");
        }
        int sackBlocks = sackBlocksToWrite(segment);
        int headerLength = MIN_HEADER_LENGTH + optionsLength(segment, sackBlocks);
        int payloadLength = segment.payload.remaining();
        int total = headerLength + payloadLength;
        int start = out.position();
        if (out.remaining() < total) {
            throw new BufferOverflowException();
        }
        boolean le = out.order() == ByteOrder.LITTLE_ENDIAN;
        putInt(out, start, (segment.sourcePort << 16) | segment.destinationPort, le);
        putInt(out, start + OFFSET_SEQ, segment.seq, le);
        putInt(out, start + OFFSET_ACK, segment.ack, le);
        putInt(out, start + OFFSET_DATA_OFFSET,
                ((headerLength >>> 2) << 28) | (segment.flags << 16) | segment.window, le);
        putInt(out, start + OFFSET_CHECKSUM, segment.urgentPointer, le); // checksum 0 for now
        int at = start + MIN_HEADER_LENGTH;
        if (segment.mss != Segment.ABSENT) {
            putInt(out, at, (KIND_MSS << 24) | (LENGTH_MSS << 16) | segment.mss, le);
            at += 4;
        }
        if (segment.hasTimestamps) {
            int lead = segment.sackPermitted
                    ? (KIND_SACK_PERMITTED << 24) | (LENGTH_SACK_PERMITTED << 16)
                    : (KIND_NOP << 24) | (KIND_NOP << 16);
            putInt(out, at, lead | (KIND_TIMESTAMPS << 8) | LENGTH_TIMESTAMPS, le);
            putInt(out, at + 4, segment.tsVal, le);
            putInt(out, at + 8, segment.tsEcr, le);
            at += 12;
        } else if (segment.sackPermitted) {
            putInt(out, at, (KIND_NOP << 24) | (KIND_NOP << 16) | (KIND_SACK_PERMITTED << 8) | LENGTH_SACK_PERMITTED, le);
            at += 4;
        }
        if (segment.windowScale != Segment.ABSENT) {
            putInt(out, at, (KIND_NOP << 24) | (KIND_WINDOW_SCALE << 16) | (LENGTH_WINDOW_SCALE << 8) | segment.windowScale, le);
            at += 4;
        }
        if (sackBlocks > 0) {
            putInt(out, at, (KIND_NOP << 24) | (KIND_NOP << 16) | (KIND_SACK << 8)
                    | (LENGTH_SACK_BASE + LENGTH_SACK_BLOCK * sackBlocks), le);
            at += 4;
            for (int k = 0; k < 2 * sackBlocks; k++) {
                putInt(out, at, segment.sackBlocks[k], le);
                at += 4;
            }
        }
        if (payloadLength > 0) {
            out.put(at, segment.payload, segment.payload.position(), payloadLength);
        }
        long sum = InternetChecksum.sum(out, start, start + total)
                + InternetChecksum.pseudoHeaderSum(source, destination, total);
        putShort(out, start + OFFSET_CHECKSUM, InternetChecksum.checksum(sum), le);
        out.position(start + total);
        return total;
    }

    /**
     * Whether the checksum of the segment in {@code datagram[position..limit)} is right for the
     * pseudo-header of {@code source} and {@code destination}: the one's-complement sum over
     * pseudo-header, header and data, checksum field included, is all ones (RFC 9293 §3.1, MUST-3).
     * False for fewer than {@value #MIN_HEADER_LENGTH} octets. Allocation-free; leaves the buffer alone.
     */
    public static boolean checksumValid(ByteBuffer datagram, InetAddress source, InetAddress destination) {
        int start = datagram.position();
        int limit = datagram.limit();
        int length = limit - start;
        if (length < MIN_HEADER_LENGTH) {
            return false;
        }
        long sum = InternetChecksum.sum(datagram, start, limit)
                + InternetChecksum.pseudoHeaderSum(source, destination, length);
        return InternetChecksum.fold(sum) == 0xFFFF;
    }

    private static int u16(ByteBuffer b, int index, boolean littleEndian) {
        short v = b.getShort(index);
        return (littleEndian ? Short.reverseBytes(v) : v) & 0xFFFF;
    }

    private static int i32(ByteBuffer b, int index, boolean littleEndian) {
        int v = b.getInt(index);
        return littleEndian ? Integer.reverseBytes(v) : v;
    }

    private static void putInt(ByteBuffer b, int index, int value, boolean littleEndian) {
        b.putInt(index, littleEndian ? Integer.reverseBytes(value) : value);
    }

    private static void putShort(ByteBuffer b, int index, int value, boolean littleEndian) {
        short v = (short) value;
        b.putShort(index, littleEndian ? Short.reverseBytes(v) : v);
    }
}
