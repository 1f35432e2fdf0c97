package io.synack.core.capture;

import io.synack.core.wire.Segment;
import io.synack.core.wire.TcpCodec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole connection's worth of encoded segments: three-way handshake, a request and a response,
 * and a four-way close (RFC 9293 §3.5 Figure 6, §3.6 Figure 12), with sequence numbers that wrap around 2^32.
 */
final class Handshake {

    /** One encoded segment and who sent it. */
    record Datagram(InetAddress source, InetAddress destination, int sourcePort, int destinationPort,
            int seq, int ack, int flags, int payloadLength, ByteBuffer bytes) { }

    static final int CLIENT_ISN = 0xFFFF_FFF0;
    static final int SERVER_ISN = 0x7FFF_FFFE;

    private Handshake() {}

    static List<Datagram> between(String clientAddress, String serverAddress) {
        InetAddress c = address(clientAddress);
        InetAddress s = address(serverAddress);
        byte[] request = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] response = "HTTP/1.0 200 OK\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII);
        int cs = CLIENT_ISN;
        int ss = SERVER_ISN;
        List<Datagram> out = new ArrayList<>();
        out.add(syn(c, s, 40000, 80, cs, 0, Segment.SYN, 1460));
        out.add(syn(s, c, 80, 40000, ss, cs + 1, Segment.SYN | Segment.ACK, 1400));
        cs += 1;
        ss += 1;
        out.add(data(c, s, 40000, 80, cs, ss, Segment.ACK, new byte[0]));
        out.add(data(c, s, 40000, 80, cs, ss, Segment.PSH | Segment.ACK, request));
        cs += request.length;
        out.add(data(s, c, 80, 40000, ss, cs, Segment.ACK, new byte[0]));
        out.add(data(s, c, 80, 40000, ss, cs, Segment.PSH | Segment.ACK, response));
        ss += response.length;
        out.add(data(c, s, 40000, 80, cs, ss, Segment.ACK, new byte[0]));
        out.add(data(c, s, 40000, 80, cs, ss, Segment.FIN | Segment.ACK, new byte[0]));
        cs += 1;
        out.add(data(s, c, 80, 40000, ss, cs, Segment.ACK, new byte[0]));
        out.add(data(s, c, 80, 40000, ss, cs, Segment.FIN | Segment.ACK, new byte[0]));
        ss += 1;
        out.add(data(c, s, 40000, 80, cs, ss, Segment.ACK, new byte[0]));
        return out;
    }

    private static Datagram syn(InetAddress src, InetAddress dst, int sport, int dport, int seq, int ack, int flags,
            int mss) {
        Segment segment = base(sport, dport, seq, ack, flags);
        segment.window = 64240;
        segment.mss = mss;
        segment.sackPermitted = true;
        segment.windowScale = 7;
        return encode(src, dst, segment);
    }

    private static Datagram data(InetAddress src, InetAddress dst, int sport, int dport, int seq, int ack, int flags,
            byte[] payload) {
        Segment segment = base(sport, dport, seq, ack, flags);
        segment.window = 502;
        segment.payload = ByteBuffer.wrap(payload);
        return encode(src, dst, segment);
    }

    private static Segment base(int sport, int dport, int seq, int ack, int flags) {
        Segment segment = new Segment();
        segment.sourcePort = sport;
        segment.destinationPort = dport;
        segment.seq = seq;
        segment.ack = ack;
        segment.flags = flags;
        segment.hasTimestamps = true;
        segment.tsVal = seq ^ 0x1234_5678;
        segment.tsEcr = (flags & Segment.ACK) != 0 ? ack ^ 0x1234_5678 : 0;
        return segment;
    }

    private static Datagram encode(InetAddress src, InetAddress dst, Segment segment) {
        ByteBuffer bytes = ByteBuffer.allocate(TcpCodec.encodedLength(segment));
        TcpCodec.encode(segment, src, dst, bytes);
        bytes.flip();
        return new Datagram(src, dst, segment.sourcePort, segment.destinationPort, segment.seq, segment.ack,
                segment.flags, segment.payloadLength(), bytes.asReadOnlyBuffer());
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
