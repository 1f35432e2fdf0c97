package io.synack.core.capture;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * One TCP segment read from a pcap file by {@link PcapReader}.
 *
 * @param timestampNanos the capture time in nanoseconds since the Unix epoch
 * @param source the IP source address
 * @param destination the IP destination address
 * @param segment the captured TCP segment octets (header first), position 0; fewer than
 *     {@code segmentLength} when the capture was truncated by its snapshot length
 * @param segmentLength the length of the whole TCP segment, from the IP header
 */
public record PcapPacket(long timestampNanos, InetAddress source, InetAddress destination, ByteBuffer segment,
        int segmentLength) {

    /** Whether every octet of the segment was captured (so its checksum can be verified). */
    public boolean complete() {
        return segment.remaining() == segmentLength;
    }
}
