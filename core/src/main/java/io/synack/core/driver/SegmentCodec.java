package io.synack.core.driver;

import io.synack.core.wire.Segment;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * How a driver turns datagram bytes into {@link Segment}s and back: the wire codec in production
 * ({@link WireSegmentCodec}), a stand-in in the driver's own tests.
 */
public interface SegmentCodec {

    /**
     * Decodes one TCP segment.
     *
     * @param datagram the segment bytes, position to limit
     * @param source IP source (for the pseudo-header checksum)
     * @param destination IP destination
     * @param verifyChecksum whether to check the checksum
     * @param into the segment to fill; its payload becomes a view into {@code datagram}
     * @return null if the segment is well formed, else the drop reason ({@code "bad-checksum"}, ...)
     */
    String decode(ByteBuffer datagram, InetAddress source, InetAddress destination, boolean verifyChecksum,
            Segment into);

    /**
     * Encodes a segment at {@code out}'s position, checksum included, advancing the position.
     *
     * @param segment what to encode
     * @param source IP source
     * @param destination IP destination
     * @param out where to write
     * @return bytes written
     */
    int encode(Segment segment, InetAddress source, InetAddress destination, ByteBuffer out);
}
