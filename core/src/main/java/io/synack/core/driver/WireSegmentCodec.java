package io.synack.core.driver;

import io.synack.core.wire.DecodeStatus;
import io.synack.core.wire.Segment;
import io.synack.core.wire.TcpCodec;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/** The real TCP wire format ({@link TcpCodec}: RFC 9293 header and options, pseudo-header checksum). */
public final class WireSegmentCodec implements SegmentCodec {

    /** The one instance: the codec is stateless. */
    public static final WireSegmentCodec INSTANCE = new WireSegmentCodec();

    private WireSegmentCodec() {}

    @Override
    public String decode(ByteBuffer datagram, InetAddress source, InetAddress destination, boolean verifyChecksum,
            Segment into) {
        DecodeStatus status = TcpCodec.decode(datagram, source, destination, verifyChecksum, into);
        return status == DecodeStatus.OK ? null : status.reason();
    }

    @Override
    public int encode(Segment segment, InetAddress source, InetAddress destination, ByteBuffer out) {
        return TcpCodec.encode(segment, source, destination, out);
    }
}
