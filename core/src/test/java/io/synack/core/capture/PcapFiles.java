package io.synack.core.capture;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds pcap files octet by octet, in either byte order, for the reader's tests. */
final class PcapFiles {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteOrder order;
    private final TimestampPrecision precision;

    PcapFiles(ByteOrder order, TimestampPrecision precision, int linkType, int snaplen) {
        this.order = order;
        this.precision = precision;
        ByteBuffer h = ByteBuffer.allocate(24).order(order);
        h.putInt(precision.magic()).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(snaplen).putInt(linkType);
        out.writeBytes(h.array());
    }

    /** Appends a record holding {@code captured} of {@code packet}'s octets. */
    PcapFiles packet(long timestampNanos, byte[] packet, int captured) {
        ByteBuffer h = ByteBuffer.allocate(16).order(order);
        h.putInt((int) (timestampNanos / 1_000_000_000L))
                .putInt((int) (timestampNanos % 1_000_000_000L / precision.nanosPerUnit()))
                .putInt(captured).putInt(packet.length);
        out.writeBytes(h.array());
        out.write(packet, 0, captured);
        return this;
    }

    PcapFiles packet(long timestampNanos, byte[] packet) {
        return packet(timestampNanos, packet, packet.length);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    /** An IPv4 header (RFC 791) for a payload of the given protocol; {@code fragment} is flags+offset. */
    static byte[] ipv4(byte[] src, byte[] dst, int protocol, int payloadLength, int fragment) {
        ByteBuffer h = ByteBuffer.allocate(20);
        h.putInt(0x4500_0000 | (20 + payloadLength)).putInt(fragment).putInt((64 << 24) | (protocol << 16))
                .put(src).put(dst);
        return h.array();
    }

    /** An IPv6 header (RFC 8200) with the given next header and payload length. */
    static byte[] ipv6(byte[] src, byte[] dst, int nextHeader, int payloadLength) {
        ByteBuffer h = ByteBuffer.allocate(40);
        h.putInt(0x6000_0000).putInt((payloadLength << 16) | (nextHeader << 8) | 64).put(src).put(dst);
        return h.array();
    }

    static byte[] ethernet(int... typesAndTags) {
        ByteBuffer h = ByteBuffer.allocate(12 + 4 * (typesAndTags.length - 1) + 2);
        h.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2});
        for (int i = 0; i < typesAndTags.length - 1; i++) {
            h.putShort((short) typesAndTags[i]).putShort((short) (100 + i)); // TPID, TCI (VLAN id)
        }
        h.putShort((short) typesAndTags[typesAndTags.length - 1]);
        return h.array();
    }

    static byte[] sll(int protocol) {
        ByteBuffer h = ByteBuffer.allocate(16);
        h.putShort((short) 0).putShort((short) 772).putShort((short) 6).put(new byte[8]).putShort((short) protocol);
        return h.array();
    }

    static byte[] sll2(int protocol) {
        ByteBuffer h = ByteBuffer.allocate(20);
        h.putShort((short) protocol).putShort((short) 0).putInt(1).putShort((short) 1).put((byte) 0).put((byte) 6)
                .put(new byte[8]);
        return h.array();
    }

    static byte[] family(int family, ByteOrder order) {
        return ByteBuffer.allocate(4).order(order).putInt(family).array();
    }
}
