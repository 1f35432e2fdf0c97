package io.synack.transport.rawsocket;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One TCP segment of a capture as {@code tshark} dissects it: read with one tshark run per pcap
 * ({@link #read}) so that a test can assert on the conversation in Java. Sequence and
 * acknowledgment numbers (and SACK block edges) are tshark's relative ones; {@code window} is the
 * window tshark computes with the negotiated scale (-1 when it cannot know the scale), and
 * {@code rawWindow} the field as sent.
 *
 * @param frame the frame number
 * @param source the source IP address
 * @param sourcePort the source port
 * @param destinationPort the destination port
 * @param flags the TCP flags (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10)
 * @param seq the relative sequence number
 * @param ack the relative acknowledgment number
 * @param length the payload length
 * @param rawWindow the window field
 * @param window the scaled window, or -1
 * @param optionKinds the kinds of the options, in order (2 MSS, 3 WS, 4 SACK-permitted, 5 SACK, 8 TS)
 * @param mss the MSS option, or -1
 * @param windowScale the window scale option's shift, or -1
 * @param tsval the timestamp option's TSval, or -1
 * @param tsecr the timestamp option's TSecr, or -1
 * @param sackBlocks the SACK blocks as {left, right} pairs
 * @param headerLength the header length with options (the data offset in bytes)
 */
record WireSegment(int frame, String source, int sourcePort, int destinationPort, int flags, long seq, long ack,
        int length, int rawWindow, long window, List<Integer> optionKinds, int mss, int windowScale, long tsval,
        long tsecr, List<long[]> sackBlocks, int headerLength) {

    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int ACK = 0x10;

    private static final String[] FIELDS = {"frame.number", "ip.src", "ipv6.src", "tcp.srcport", "tcp.dstport",
        "tcp.flags", "tcp.seq", "tcp.ack", "tcp.len", "tcp.window_size_value", "tcp.window_size", "tcp.option_kind",
        "tcp.options.mss_val", "tcp.options.wscale.shift", "tcp.options.timestamp.tsval",
        "tcp.options.timestamp.tsecr", "tcp.options.sack_le", "tcp.options.sack_re", "tcp.hdr_len"};

    /**
     * Every TCP segment of {@code pcap}.
     *
     * @param pcap the capture
     * @param experimental dissect IP protocol 253 as TCP
     * @return the segments in capture order
     */
    static List<WireSegment> read(Path pcap, boolean experimental) throws IOException {
        List<WireSegment> segments = new ArrayList<>();
        for (String line : Capture.fields(pcap, experimental, "tcp", FIELDS)) {
            String[] f = line.split("\t", -1);
            List<long[]> sack = new ArrayList<>();
            if (!f[16].isEmpty()) {
                String[] le = f[16].split(",");
                String[] re = f[17].split(",");
                for (int i = 0; i < le.length; i++) {
                    sack.add(new long[] {Long.parseLong(le[i]), Long.parseLong(re[i])});
                }
            }
            List<Integer> kinds = f[11].isEmpty() ? List.of()
                    : java.util.Arrays.stream(f[11].split(",")).map(Integer::parseInt).toList();
            segments.add(new WireSegment(Integer.parseInt(f[0]), f[1].isEmpty() ? f[2] : f[1], Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]), Integer.decode(f[5]), number(f[6]), number(f[7]), Integer.parseInt(f[8]),
                    Integer.parseInt(f[9]), number(f[10]), kinds, (int) number(f[12]), (int) number(f[13]),
                    number(f[14]), number(f[15]), sack, Integer.parseInt(f[18])));
        }
        return segments;
    }

    private static long number(String field) {
        return field.isEmpty() ? -1 : Long.parseLong(field.split(",")[0]);
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** The bytes of TCP options. */
    int optionBytes() {
        return headerLength - 20;
    }

    /** The sequence number just after this segment's data (SYN and FIN not counted). */
    long end() {
        return seq + length;
    }

    /** Whether this segment was sent from {@code port}. */
    boolean from(int port) {
        return sourcePort == port;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("#").append(frame).append(' ').append(sourcePort).append("->")
                .append(destinationPort).append(' ');
        b.append(has(SYN) ? "S" : "").append(has(FIN) ? "F" : "").append(has(RST) ? "R" : "")
                .append(has(ACK) ? "." : "");
        b.append(" seq=").append(seq).append(" ack=").append(ack).append(" len=").append(length).append(" win=")
                .append(rawWindow).append('/').append(window).append(" opts=").append(optionKinds);
        if (tsval >= 0) {
            b.append(" ts=").append(tsval).append('/').append(tsecr);
        }
        for (long[] block : sackBlocks) {
            b.append(" sack=").append(block[0]).append('-').append(block[1]);
        }
        return b.toString();
    }
}
