package io.synack.core.driver;

import io.synack.core.wire.Segment;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A trivial stand-in wire format for the driver's tests: seq (4 bytes), flags (1 byte), payload.
 * A datagram shorter than 5 bytes is "short-header"; a first byte of 0xEE is "bad-checksum"
 * when verification is on.
 */
final class FakeCodec implements SegmentCodec {

    final List<Boolean> verifyFlags = new ArrayList<>();

    @Override
    public String decode(ByteBuffer datagram, InetAddress source, InetAddress destination, boolean verifyChecksum,
            Segment into) {
        verifyFlags.add(verifyChecksum);
        if (datagram.remaining() < 5) {
            return "short-header";
        }
        int p = datagram.position();
        if (verifyChecksum && (datagram.get(p) & 0xff) == 0xEE) {
            return "bad-checksum";
        }
        into.seq = datagram.getInt(p);
        into.flags = datagram.get(p + 4) & 0xff;
        ByteBuffer payload = datagram.duplicate();
        payload.position(p + 5);
        into.payload = payload.slice();
        return null;
    }

    @Override
    public int encode(Segment segment, InetAddress source, InetAddress destination, ByteBuffer out) {
        int start = out.position();
        out.putInt(segment.seq).put((byte) segment.flags).put(segment.payload.duplicate());
        return out.position() - start;
    }

    static ByteBuffer datagram(int seq, int flags, byte... payload) {
        ByteBuffer b = ByteBuffer.allocate(5 + payload.length);
        b.putInt(seq).put((byte) flags).put(payload).flip();
        return b;
    }
}
