package io.synack.conformance.runner;

import io.synack.conformance.script.TcpOption;
import io.synack.core.wire.DecodeStatus;
import io.synack.core.wire.InternetChecksum;
import io.synack.core.wire.Segment;
import io.synack.core.wire.TcpCodec;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries segments between the script and the engine through the real wire format: inbound
 * segments are written octet by octet (options in the script's order, as a peer would send them)
 * and decoded by {@link TcpCodec}; outbound ones are encoded by {@link TcpCodec} and their octets
 * read back, options in wire order, so what is compared is what would be on the wire.
 */
final class WireBridge {
    private WireBridge() {}

    /**
     * Writes an inbound segment.
     *
     * @param options in order; null for none
     * @param payload payload bytes
     * @return the TCP segment octets with a valid checksum
     */
    static byte[] encodeInbound(InetAddress source, InetAddress destination, int sourcePort, int destinationPort,
            int flags, long seq, long ack, int window, int urgent, List<TcpOption> options, byte[] payload) {
        ByteBuffer opts = ByteBuffer.allocate(64);
        if (options != null) {
            for (TcpOption o : options) {
                if (o instanceof TcpOption.Eol) {
                    opts.put((byte) 0);
                } else if (o instanceof TcpOption.Nop) {
                    opts.put((byte) 1);
                } else if (o instanceof TcpOption.Mss m) {
                    opts.put((byte) 2).put((byte) 4).putShort((short) m.value());
                } else if (o instanceof TcpOption.WindowScale w) {
                    opts.put((byte) 3).put((byte) 3).put((byte) w.shift());
                } else if (o instanceof TcpOption.SackPermitted) {
                    opts.put((byte) 4).put((byte) 2);
                } else if (o instanceof TcpOption.Sack s) {
                    opts.put((byte) 5).put((byte) (2 + 8 * s.blocks().size()));
                    for (long[] blk : s.blocks()) {
                        opts.putInt((int) blk[0]).putInt((int) blk[1]);
                    }
                } else if (o instanceof TcpOption.Timestamp t) {
                    opts.put((byte) 8).put((byte) 10).putInt((int) t.val()).putInt((int) t.ecr());
                } else {
                    throw new IllegalArgumentException("cannot send option " + o);
                }
            }
        }
        while (opts.position() % 4 != 0) {
            opts.put((byte) 0); // padding (RFC 9293 §3.1: "The TCP header padding is composed of zeros")
        }
        int optionLength = opts.position();
        if (optionLength > TcpCodec.MAX_OPTIONS_LENGTH) {
            throw new IllegalArgumentException("options take " + optionLength + " octets, more than the 40 a header holds");
        }
        int headerLength = TcpCodec.MIN_HEADER_LENGTH + optionLength;
        ByteBuffer b = ByteBuffer.allocate(headerLength + payload.length);
        b.putShort((short) sourcePort).putShort((short) destinationPort).putInt((int) seq).putInt((int) ack);
        b.putShort((short) (((headerLength / 4) << 12) | (flags & 0xFF))).putShort((short) window);
        b.putShort((short) 0).putShort((short) urgent);
        b.put(opts.array(), 0, optionLength).put(payload);
        byte[] bytes = b.array();
        long sum = InternetChecksum.sum(bytes, 0, bytes.length)
                + InternetChecksum.pseudoHeaderSum(source, destination, bytes.length);
        int checksum = InternetChecksum.checksum(sum);
        bytes[16] = (byte) (checksum >>> 8);
        bytes[17] = (byte) checksum;
        return bytes;
    }

    /** Decodes octets with the real codec (checksum verified). */
    static DecodeStatus decode(byte[] bytes, InetAddress source, InetAddress destination, Segment into) {
        return TcpCodec.decode(ByteBuffer.wrap(bytes), source, destination, true, into);
    }

    /** Encodes what the engine sent and reads it back. */
    static Observed observe(Segment s, InetAddress source, InetAddress destination, long now) {
        ByteBuffer b = ByteBuffer.allocate(TcpCodec.encodedLength(s));
        TcpCodec.encode(s, source, destination, b);
        b.flip();
        Segment back = new Segment();
        DecodeStatus status = TcpCodec.decode(b, source, destination, true, back);
        if (status != DecodeStatus.OK) {
            throw new IllegalStateException("the engine sent a segment its own codec rejects: " + status + " " + s);
        }
        int headerLength = ((b.get(12) & 0xFF) >>> 4) * 4;
        List<TcpOption> options = new ArrayList<>();
        int i = TcpCodec.MIN_HEADER_LENGTH;
        while (i < headerLength) {
            int kind = b.get(i) & 0xFF;
            if (kind == 0) {
                options.add(new TcpOption.Eol());
                break;
            }
            if (kind == 1) {
                options.add(new TcpOption.Nop());
                i++;
                continue;
            }
            int len = b.get(i + 1) & 0xFF;
            switch (kind) {
                case 2 -> options.add(new TcpOption.Mss(b.getShort(i + 2) & 0xFFFF));
                case 3 -> options.add(new TcpOption.WindowScale(b.get(i + 2) & 0xFF));
                case 4 -> options.add(new TcpOption.SackPermitted());
                case 5 -> {
                    List<long[]> blocks = new ArrayList<>();
                    for (int k = i + 2; k + 8 <= i + len; k += 8) {
                        blocks.add(new long[] {b.getInt(k) & 0xFFFFFFFFL, b.getInt(k + 4) & 0xFFFFFFFFL});
                    }
                    options.add(new TcpOption.Sack(blocks));
                }
                case 8 -> options.add(new TcpOption.Timestamp(b.getInt(i + 2) & 0xFFFFFFFFL, b.getInt(i + 6) & 0xFFFFFFFFL));
                default -> options.add(new TcpOption.Other(kind, len));
            }
            i += Math.max(2, len);
        }
        return new Observed(now, back.sourcePort, back.destinationPort, back.flags, back.seq & 0xFFFFFFFFL,
                back.ack & 0xFFFFFFFFL, back.window, back.urgentPointer, back.payloadLength(), List.copyOf(options));
    }
}
