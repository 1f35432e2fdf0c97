package io.synack.core.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.core.capture.Handshake.Datagram;
import io.synack.core.wire.DecodeStatus;
import io.synack.core.wire.Segment;
import io.synack.core.wire.TcpCodec;
import io.synack.spi.DatagramFate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link PcapReader} over every supported link type, byte order and precision, and bad files. */
class PcapReaderTest {

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int ETHERTYPE_ARP = 0x0806;
    private static final long T0 = 1_600_000_000_987_654_321L;

    @TempDir
    Path dir;

    static Stream<Arguments> formats() {
        List<Arguments> all = new ArrayList<>();
        for (int linkType : new int[] {LinkType.RAW, LinkType.ETHERNET, LinkType.LINUX_SLL, LinkType.LINUX_SLL2,
                LinkType.NULL, LinkType.LOOP}) {
            for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
                for (TimestampPrecision precision : TimestampPrecision.values()) {
                    all.add(Arguments.of(linkType, order, precision));
                }
            }
        }
        return all.stream();
    }

    /** The link-layer header in front of an IP packet of {@code version} (or of ARP, version 0). */
    private static byte[] link(int linkType, int version, ByteOrder order) {
        int ethertype = version == 4 ? ETHERTYPE_IPV4 : version == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_ARP;
        return switch (linkType) {
            case LinkType.RAW -> new byte[0];
            case LinkType.ETHERNET -> version == 6 ? PcapFiles.ethernet(0x88A8, 0x8100, ethertype) // QinQ
                    : PcapFiles.ethernet(0x8100, ethertype);
            case LinkType.LINUX_SLL -> PcapFiles.sll(ethertype);
            case LinkType.LINUX_SLL2 -> PcapFiles.sll2(ethertype);
            case LinkType.NULL -> PcapFiles.family(version == 4 ? 2 : version == 6 ? 30 : 7, order);
            case LinkType.LOOP -> PcapFiles.family(version == 4 ? 2 : version == 6 ? 24 : 7, ByteOrder.BIG_ENDIAN);
            default -> throw new IllegalArgumentException("link type " + linkType);
        };
    }

    @ParameterizedTest(name = "link type {0}, {1}, {2}")
    @MethodSource("formats")
    void readsTcpOverIpv4AndIpv6AndSkipsTheRest(int linkType, ByteOrder order, TimestampPrecision precision)
            throws IOException {
        Datagram v4 = Handshake.between("192.0.2.1", "198.51.100.2").get(3); // with payload
        Datagram v6 = Handshake.between("2001:db8::1", "2001:db8::2").get(5);
        byte[] tcp4 = bytes(v4.bytes());
        byte[] tcp6 = bytes(v6.bytes());
        byte[] a4 = v4.source().getAddress();
        byte[] b4 = v4.destination().getAddress();
        byte[] a6 = v6.source().getAddress();
        byte[] b6 = v6.destination().getAddress();
        // IPv6 hop-by-hop (8 octets of PadN) then destination options (8 octets) before TCP.
        byte[] extensions = {60, 0, 1, 4, 0, 0, 0, 0, 6, 0, 1, 4, 0, 0, 0, 0};
        byte[] udp = new byte[12];

        PcapFiles file = new PcapFiles(order, precision, linkType, 65535)
                .packet(T0, PcapFiles.concat(link(linkType, 4, order), PcapFiles.ipv4(a4, b4, 6, tcp4.length, 0x4000), tcp4))
                .packet(T0 + 1_000, PcapFiles.concat(link(linkType, 4, order), PcapFiles.ipv4(a4, b4, 17, udp.length, 0), udp))
                .packet(T0 + 2_000, PcapFiles.concat(link(linkType, 0, order), new byte[28]))
                .packet(T0 + 3_000, PcapFiles.concat(link(linkType, 4, order), PcapFiles.ipv4(a4, b4, 6, tcp4.length, 0x2000), tcp4))
                .packet(T0 + 4_000, PcapFiles.concat(link(linkType, 6, order),
                        PcapFiles.ipv6(a6, b6, 0, extensions.length + tcp6.length), extensions, tcp6))
                // Ethernet pads short frames: octets after the IP datagram are not TCP.
                .packet(T0 + 5_000, PcapFiles.concat(link(linkType, 4, order), PcapFiles.ipv4(a4, b4, 6, tcp4.length, 0),
                        tcp4, new byte[6]));
        byte[] truncated = PcapFiles.concat(link(linkType, 6, order), PcapFiles.ipv6(a6, b6, 6, tcp6.length), tcp6);
        file.packet(T0 + 6_000, truncated, truncated.length - 5);

        try (PcapReader reader = new PcapReader(new ByteArrayInputStream(file.bytes()))) {
            assertEquals(linkType, reader.linkType());
            assertEquals(order, reader.byteOrder());
            assertEquals(precision, reader.precision());
            assertEquals(65535, reader.snaplen());
            assertPacket(reader.next(), T0, v4, tcp4, precision);
            assertPacket(reader.next(), T0 + 4_000, v6, tcp6, precision);
            assertPacket(reader.next(), T0 + 5_000, v4, tcp4, precision);
            PcapPacket cut = reader.next();
            assertFalse(cut.complete());
            assertEquals(tcp6.length, cut.segmentLength());
            assertEquals(ByteBuffer.wrap(tcp6, 0, tcp6.length - 5), cut.segment());
            assertNull(reader.next());
            assertEquals(7, reader.records());
            assertEquals(3, reader.skipped(), "UDP, non-IP and the fragment");
        }
    }

    private static void assertPacket(PcapPacket p, long time, Datagram d, byte[] tcp, TimestampPrecision precision) {
        assertEquals(time - time % precision.nanosPerUnit(), p.timestampNanos());
        assertEquals(d.source(), p.source());
        assertEquals(d.destination(), p.destination());
        assertEquals(ByteBuffer.wrap(tcp), p.segment());
        assertTrue(p.complete());
        Segment segment = new Segment();
        assertEquals(DecodeStatus.OK, TcpCodec.decode(p.segment(), p.source(), p.destination(), true, segment));
        assertEquals(d.seq(), segment.seq);
    }

    @Test
    void readsEthernetCapturesMadeByText2pcapAndConvertedByEditcap() throws Exception {
        // Independent producers: text2pcap builds Ethernet/IP/TCP headers (with checksums) around
        // payloads in the host's byte order with microseconds; editcap rewrites as nanoseconds.
        Path text2pcap = Tshark.require("text2pcap");
        Path editcap = Tshark.require("editcap");
        Path hex = dir.resolve("payloads.txt");
        Files.writeString(hex, "0000  68 65 6c 6c 6f 20 77 6f 72 6c 64\n\n0000  41 42 43\n");
        for (String family : new String[] {"-4", "-6"}) {
            boolean v4 = family.equals("-4");
            String addresses = v4 ? "192.0.2.1,198.51.100.2" : "2001:db8::1,2001:db8::2";
            Path micro = dir.resolve("text2pcap" + family + ".pcap");
            Path nano = dir.resolve("editcap" + family + ".pcap");
            Tshark.run(text2pcap, "-q", "-F", "pcap", "-T", "40000,80", family, addresses, hex.toString(), micro.toString());
            Tshark.run(editcap, "-F", "nsecpcap", micro.toString(), nano.toString());
            for (Path file : List.of(micro, nano)) {
                try (PcapReader reader = new PcapReader(file)) {
                    assertEquals(LinkType.ETHERNET, reader.linkType());
                    assertEquals(file == micro ? TimestampPrecision.MICROSECONDS : TimestampPrecision.NANOSECONDS,
                            reader.precision());
                    for (String payload : List.of("hello world", "ABC")) {
                        PcapPacket p = reader.next();
                        assertEquals(Handshake.address(addresses.split(",")[0]), p.source());
                        assertEquals(Handshake.address(addresses.split(",")[1]), p.destination());
                        assertTrue(p.complete());
                        Segment s = new Segment();
                        assertEquals(DecodeStatus.OK, TcpCodec.decode(p.segment(), p.source(), p.destination(), true, s),
                                "text2pcap computed the checksum; our pseudo-header must agree");
                        assertEquals(40000, s.sourcePort);
                        assertEquals(80, s.destinationPort);
                        assertEquals(payload, StandardCharsets.US_ASCII.decode(s.payload).toString());
                    }
                    assertNull(reader.next());
                }
            }
        }
    }

    @Test
    void readsOurCaptureAfterEditcapRewroteItInTheHostsOrderWithMicroseconds() throws Exception {
        Path editcap = Tshark.require("editcap");
        Path ours = dir.resolve("ours.pcap");
        Path theirs = dir.resolve("theirs.pcap");
        List<Datagram> sent = Handshake.between("2001:db8::1", "2001:db8::2");
        try (PcapWriter writer = new PcapWriter(ours)) {
            for (int i = 0; i < sent.size(); i++) {
                Datagram d = sent.get(i);
                writer.record(i * 1_000L, d.source(), d.destination(), d.bytes(), DatagramFate.SENT, "");
            }
        }
        Tshark.run(editcap, "-F", "pcap", ours.toString(), theirs.toString());
        try (PcapReader reader = new PcapReader(theirs)) {
            assertEquals(TimestampPrecision.MICROSECONDS, reader.precision());
            assertEquals(ByteOrder.nativeOrder(), reader.byteOrder());
            for (int i = 0; i < sent.size(); i++) {
                PcapPacket p = reader.next();
                assertEquals(i * 1_000L, p.timestampNanos());
                assertEquals(sent.get(i).bytes(), p.segment());
            }
            assertNull(reader.next());
        }
    }

    @Test
    void badFilesFailWithClearMessages() {
        assertFormatError(new byte[0], "empty file");
        assertFormatError(new byte[10], "file ends inside a file header");
        assertFormatError(new byte[24], "not a pcap file: magic number 0x00000000");
        byte[] pcapng = new byte[24];
        ByteBuffer.wrap(pcapng).putInt(0x0A0D0D0A);
        assertFormatError(pcapng, "a pcapng file");
        assertFormatError(new PcapFiles(ByteOrder.BIG_ENDIAN, TimestampPrecision.MICROSECONDS, 105, 65535).bytes(),
                "unsupported link type 105");
        byte[] good = new PcapFiles(ByteOrder.LITTLE_ENDIAN, TimestampPrecision.MICROSECONDS, LinkType.RAW, 65535)
                .packet(0, new byte[40]).bytes();
        assertFormatError(Arrays.copyOf(good, good.length - 1), "file ends inside record 1");
        assertFormatError(Arrays.copyOf(good, 24 + 7), "file ends inside a record header");
        byte[] absurd = good.clone();
        ByteBuffer.wrap(absurd).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 8, -2);
        assertFormatError(absurd, "record 1 claims 4294967294 captured octets");
    }

    private static void assertFormatError(byte[] file, String message) {
        PcapFormatException e = assertThrows(PcapFormatException.class, () -> {
            try (PcapReader reader = new PcapReader(new ByteArrayInputStream(file))) {
                while (reader.next() != null) {
                    // read to the end
                }
            }
        });
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    static IntStream seeds() {
        return IntStream.range(0, 8);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void mutatedFilesNeverThrowAnythingButPcapFormatException(int seed) throws IOException {
        Random random = new Random(seed);
        List<Arguments> formats = formats().toList();
        List<Datagram> conversation4 = Handshake.between("192.0.2.1", "198.51.100.2");
        List<Datagram> conversation6 = Handshake.between("2001:db8::1", "2001:db8::2");
        for (int i = 0; i < 250; i++) {
            Object[] f = formats.get(random.nextInt(formats.size())).get();
            int linkType = (Integer) f[0];
            ByteOrder order = (ByteOrder) f[1];
            PcapFiles file = new PcapFiles(order, (TimestampPrecision) f[2], linkType, 65535);
            for (Datagram d : random.nextBoolean() ? conversation6 : conversation4) {
                byte[] tcp = bytes(d.bytes());
                boolean v4 = d.source().getAddress().length == 4;
                byte[] ip = v4 ? PcapFiles.ipv4(d.source().getAddress(), d.destination().getAddress(), 6, tcp.length, 0)
                        : PcapFiles.ipv6(d.source().getAddress(), d.destination().getAddress(), 6, tcp.length);
                file.packet(random.nextInt(1_000_000), PcapFiles.concat(link(linkType, v4 ? 4 : 6, order), ip, tcp));
            }
            byte[] bytes = file.bytes();
            int mutations = 1 + random.nextInt(8);
            for (int m = 0; m < mutations; m++) {
                bytes[24 + random.nextInt(bytes.length - 24)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                bytes = Arrays.copyOf(bytes, 24 + random.nextInt(bytes.length - 24));
            }
            try (PcapReader reader = new PcapReader(new ByteArrayInputStream(bytes))) {
                for (PcapPacket p = reader.next(); p != null; p = reader.next()) {
                    assertTrue(p.segment().remaining() >= TcpCodec.MIN_HEADER_LENGTH);
                    assertTrue(p.segment().remaining() <= p.segmentLength());
                    TcpCodec.decode(p.segment(), p.source(), p.destination(), true, new Segment());
                }
            } catch (PcapFormatException expected) {
                // a mutated length or a truncation: reported, not crashed
            }
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
