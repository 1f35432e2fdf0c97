package io.synack.cli.capture;

import io.synack.core.capture.PcapPacket;
import io.synack.core.capture.PcapReader;
import io.synack.core.trace.Trace;
import io.synack.core.trace.TraceEntry;
import io.synack.core.trace.TraceEntry.SegmentEntry;
import io.synack.core.wire.DecodeStatus;
import io.synack.core.wire.Segment;
import io.synack.core.wire.TcpCodec;
import io.synack.spi.DatagramFate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One TCP connection read from a pcap file as ladder-diagram rows: its segments and each side's
 * inferred state ({@link StateInference}). Connections are numbered 0, 1, ... by the first
 * appearance of their address-and-port pair, as Wireshark's {@code tcp.stream} does; the left
 * side is the one that sent the first SYN (or, if the capture has none, the first segment).
 *
 * @param left the left side's address and port
 * @param right the right side's address and port
 * @param entries the rows, in capture order
 * @param streams how many connections the file holds
 * @param undecodable TCP segments of the chosen connection whose header could not be decoded
 */
public record CapturedConnection(InetSocketAddress left, InetSocketAddress right, List<TraceEntry> entries,
        int streams, int undecodable) {

    /** The 4-tuple without direction. */
    private record Pair(InetSocketAddress a, InetSocketAddress b) {
        static Pair of(InetSocketAddress x, InetSocketAddress y) {
            String sx = x.toString();
            String sy = y.toString();
            return sx.compareTo(sy) <= 0 ? new Pair(x, y) : new Pair(y, x);
        }
    }

    /** A captured segment of the chosen connection. */
    private record Captured(long time, InetSocketAddress source, int flags, int seq, int ack, int window,
            int payloadLength, String options) {}

    /**
     * Reads the connection {@code stream} (or the first that uses {@code port}, if given) from
     * the capture.
     *
     * @param reader the open capture
     * @param stream the connection's number, used when port is 0
     * @param port a port the connection uses, or 0
     * @return the connection, or null if the file has no such connection
     * @throws IOException if the file is not a readable pcap capture
     */
    public static CapturedConnection read(PcapReader reader, int stream, int port) throws IOException {
        Map<Pair, Integer> numbers = new LinkedHashMap<>();
        List<Captured> chosen = new ArrayList<>();
        Pair chosenPair = null;
        int undecodable = 0;
        Segment s = new Segment();
        PcapPacket p;
        while ((p = reader.next()) != null) {
            ByteBuffer bytes = p.segment();
            if (bytes.remaining() < TcpCodec.MIN_HEADER_LENGTH) {
                continue;
            }
            int sourcePort = bytes.getShort(bytes.position()) & 0xFFFF;
            int destinationPort = bytes.getShort(bytes.position() + 2) & 0xFFFF;
            InetSocketAddress from = new InetSocketAddress(p.source(), sourcePort);
            InetSocketAddress to = new InetSocketAddress(p.destination(), destinationPort);
            Pair pair = Pair.of(from, to);
            Integer number = numbers.get(pair);
            if (number == null) {
                number = numbers.size();
                numbers.put(pair, number);
                if (chosenPair == null && (port == 0 ? number == stream : sourcePort == port || destinationPort == port)) {
                    chosenPair = pair;
                }
            }
            if (!pair.equals(chosenPair)) {
                continue;
            }
            int headerLength = ((bytes.get(bytes.position() + 12) >> 4) & 0xF) * 4;
            if (TcpCodec.decode(bytes.duplicate(), null, null, false, s.clear()) != DecodeStatus.OK
                    && (headerLength < TcpCodec.MIN_HEADER_LENGTH || bytes.remaining() < headerLength
                            || TcpCodec.decode(bytes.duplicate().limit(bytes.position() + headerLength), null, null,
                                    false, s.clear()) != DecodeStatus.OK)) {
                undecodable++;
                continue;
            }
            // A capture cut by its snapshot length holds fewer octets than the segment had: the IP
            // header's length is the truth.
            int payload = Math.max(0, p.segmentLength() - headerLength);
            chosen.add(new Captured(p.timestampNanos(), from, s.flags, s.seq, s.ack, s.window, payload, Trace.options(s)));
        }
        if (chosenPair == null || chosen.isEmpty()) {
            return null;
        }
        return build(chosenPair, chosen, numbers.size(), undecodable);
    }

    private static CapturedConnection build(Pair pair, List<Captured> segments, int streams, int undecodable) {
        Captured firstSyn = null;
        for (Captured c : segments) {
            if ((c.flags() & Segment.SYN) != 0 && (c.flags() & Segment.ACK) == 0) {
                firstSyn = c;
                break;
            }
        }
        InetSocketAddress left = firstSyn != null ? firstSyn.source() : segments.get(0).source();
        InetSocketAddress right = left.equals(pair.a()) ? pair.b() : pair.a();
        List<TraceEntry> entries = new ArrayList<>();
        StateInference states = new StateInference(entries, firstSyn != null, segments.get(0).time());
        for (Captured c : segments) {
            boolean fromLeft = c.source().equals(left);
            entries.add(new SegmentEntry(c.time(), fromLeft, c.flags(), Integer.toUnsignedLong(c.seq()),
                    Integer.toUnsignedLong(c.ack()), c.window(), c.payloadLength(), c.options(), DatagramFate.SENT, ""));
            states.segment(c.time(), fromLeft, c.flags(), c.seq(), c.ack(), c.payloadLength());
        }
        states.finish(segments.get(segments.size() - 1).time());
        return new CapturedConnection(left, right, List.copyOf(entries), streams, undecodable);
    }

    /** {@code host:port} for a diagram header. */
    public static String name(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        String host = ip.getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
