package io.synack.core.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.core.capture.Handshake.Datagram;
import io.synack.spi.DatagramFate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link PcapWriter} output, dissected by tshark and read back by {@link PcapReader}. */
class PcapWriterTest {

    private static final long EPOCH = 1_700_000_000_123_456_789L;
    private static final long STEP = 1_000_250L; // 1.00025 ms between datagrams

    @TempDir
    Path dir;

    /** Writes the IPv4 and IPv6 conversations, with extra non-SENT fates that must be left out. */
    private List<Datagram> writeConversations(PcapWriter writer) {
        List<Datagram> sent = new ArrayList<>();
        sent.addAll(Handshake.between("192.0.2.1", "198.51.100.2"));
        sent.addAll(Handshake.between("2001:db8::1", "2001:db8:1::2"));
        long t = 0;
        for (Datagram d : sent) {
            writer.record(t, d.source(), d.destination(), d.bytes(), DatagramFate.SENT, "");
            writer.record(t + 1, d.source(), d.destination(), d.bytes(), DatagramFate.DELIVERED, "");
            writer.record(t + 2, d.source(), d.destination(), d.bytes(), DatagramFate.DROPPED, "loss");
            assertEquals(0, d.bytes().position(), "the recorder must not consume the segment");
            t += STEP;
        }
        return sent;
    }

    @Test
    void tsharkDissectsEverySegmentWithGoodChecksumsAndWhatWasWritten() throws Exception {
        Path tshark = Tshark.require();
        Path file = dir.resolve("handshake.pcap");
        List<Datagram> sent;
        try (PcapWriter writer = new PcapWriter(file, PcapWriter.Options.DEFAULT.withEpochNanos(EPOCH))) {
            sent = writeConversations(writer);
            assertEquals(sent.size(), writer.packets());
        }

        List<String> lines = Tshark.run(tshark, "-r", file.toString(),
                "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
                "-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,",
                "-e", "frame.time_epoch", "-e", "ip.src", "-e", "ipv6.src", "-e", "ip.dst", "-e", "ipv6.dst",
                "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.seq_raw", "-e", "tcp.ack_raw",
                "-e", "tcp.flags", "-e", "tcp.len", "-e", "tcp.checksum.status", "-e", "ip.checksum.status",
                "-e", "ip.flags.df", "-e", "ip.ttl", "-e", "ipv6.hlim", "-e", "_ws.malformed",
                "-e", "_ws.expert.severity", "-e", "tcp.options.mss_val", "-e", "tcp.options.wscale.shift");
        assertEquals(sent.size(), lines.size(), String.join("\n", lines));
        for (int i = 0; i < sent.size(); i++) {
            Datagram d = sent.get(i);
            String[] f = lines.get(i).split("\\|", -1);
            String where = "frame " + (i + 1) + ": " + lines.get(i);
            boolean v4 = d.source().getAddress().length == 4;
            assertEquals(String.format("%d.%09d", (EPOCH + i * STEP) / 1_000_000_000L, (EPOCH + i * STEP) % 1_000_000_000L),
                    f[0], where);
            assertEquals(d.source(), Handshake.address(v4 ? f[1] : f[2]), where);
            assertEquals(d.destination(), Handshake.address(v4 ? f[3] : f[4]), where);
            assertEquals(Integer.toString(d.sourcePort()), f[5], where);
            assertEquals(Integer.toString(d.destinationPort()), f[6], where);
            assertEquals(Integer.toUnsignedString(d.seq()), f[7], where);
            assertEquals(Integer.toUnsignedString(d.ack()), f[8], where);
            assertEquals(String.format("0x%04x", d.flags()), f[9], where);
            assertEquals(Integer.toString(d.payloadLength()), f[10], where);
            assertEquals("1", f[11], "TCP checksum status must be Good (1): " + where);
            if (v4) {
                assertEquals("1", f[12], "IP header checksum status must be Good (1): " + where);
                assertTrue(f[13].equals("1") || f[13].equals("True"), "DF: " + where);
                assertEquals("64", f[14], where);
            } else {
                assertEquals("64", f[15], where);
            }
            assertEquals("", f[16], "malformed: " + where);
            for (String severity : f[17].split(",")) {
                // PI_ERROR is 0x00800000; chat, note and warning (RST, FIN) are expected.
                assertTrue(severity.isEmpty() || Integer.decode(severity) < 0x0080_0000, "expert error: " + where);
            }
            boolean syn = (d.flags() & 0x02) != 0;
            assertEquals(syn ? ((d.flags() & 0x10) != 0 ? "1400" : "1460") : "", f[18], where);
            assertEquals(syn ? "7" : "", f[19], where);
        }

        // The full dissection has no malformed packet, bad checksum or error anywhere.
        String verbose = String.join("\n", Tshark.run(tshark, "-r", file.toString(), "-V",
                "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE"));
        assertFalse(verbose.contains("Malformed"), verbose);
        assertFalse(verbose.contains("[Checksum Status: Bad]"), verbose);
        assertTrue(verbose.contains("[Checksum Status: Good]"));
        assertFalse(verbose.contains("Severity level: Error"), verbose);
    }

    @Test
    void tsharkSeesACorruptedSegmentAsABadChecksum() throws Exception {
        // The check above can fail: a segment with a flipped bit is reported as Bad.
        Path tshark = Tshark.require();
        Path file = dir.resolve("corrupt.pcap");
        Datagram d = Handshake.between("192.0.2.1", "198.51.100.2").get(3);
        ByteBuffer corrupt = ByteBuffer.allocate(d.bytes().remaining()).put(d.bytes().duplicate()).flip();
        corrupt.put(25, (byte) (corrupt.get(25) ^ 0x10));
        try (PcapWriter writer = new PcapWriter(file)) {
            writer.record(0, d.source(), d.destination(), corrupt, DatagramFate.SENT, "");
        }
        List<String> lines = Tshark.run(tshark, "-r", file.toString(), "-o", "tcp.check_checksum:TRUE",
                "-T", "fields", "-e", "tcp.checksum.status");
        assertEquals(List.of("0"), lines);
    }

    @ParameterizedTest
    @EnumSource(TimestampPrecision.class)
    void readerReadsBackWhatTheWriterWrote(TimestampPrecision precision) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Datagram> sent;
        PcapWriter.Options options = PcapWriter.Options.DEFAULT.withEpochNanos(EPOCH).withPrecision(precision);
        try (PcapWriter writer = new PcapWriter(bytes, options)) {
            sent = writeConversations(writer);
        }
        try (PcapReader reader = new PcapReader(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(LinkType.RAW, reader.linkType());
            assertEquals(precision, reader.precision());
            for (int i = 0; i < sent.size(); i++) {
                PcapPacket p = reader.next();
                Datagram d = sent.get(i);
                long t = EPOCH + i * STEP;
                assertEquals(t - t % precision.nanosPerUnit(), p.timestampNanos());
                assertEquals(d.source(), p.source());
                assertEquals(d.destination(), p.destination());
                assertEquals(d.bytes(), p.segment());
                assertTrue(p.complete());
            }
            assertNull(reader.next());
            assertEquals(0, reader.skipped());
        }
    }

    @Test
    void fatesToRecordAreConfigurable() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter writer = new PcapWriter(bytes, PcapWriter.Options.DEFAULT
                .withFates(DatagramFate.DELIVERED, DatagramFate.DROPPED))) {
            writeConversations(writer);
        }
        List<Long> times = new ArrayList<>();
        try (PcapReader reader = new PcapReader(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            for (PcapPacket p = reader.next(); p != null; p = reader.next()) {
                times.add(p.timestampNanos() % STEP);
            }
        }
        assertEquals(44, times.size());
        for (int i = 0; i < times.size(); i++) {
            assertEquals(i % 2 == 0 ? 1 : 2, times.get(i), "DELIVERED at t+1, DROPPED at t+2");
        }
    }

    @Test
    void mixedFamiliesAreSkippedAndAnIoErrorSurfacesAtClose() throws IOException {
        Datagram d = Handshake.between("192.0.2.1", "198.51.100.2").get(0);
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("disk full");
            }
        };
        PcapWriter writer = new PcapWriter(failing);
        writer.record(0, d.source(), Handshake.address("2001:db8::1"), d.bytes(), DatagramFate.SENT, "");
        assertEquals(1, writer.skipped());
        writer.record(0, d.source(), d.destination(), d.bytes(), DatagramFate.SENT, "");
        IOException thrown = assertThrows(IOException.class, writer::close);
        assertEquals("disk full", thrown.getMessage());
        writer.close(); // idempotent
    }

    @Test
    void recordingAllocatesNothing() throws IOException {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        // synack builds and runs on HotSpot JDKs (OpenJDK, Temurin), which all have this counter.
        assertTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's per-thread allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        List<Datagram> sent = new ArrayList<>(Handshake.between("192.0.2.1", "198.51.100.2"));
        sent.addAll(Handshake.between("2001:db8::1", "2001:db8:1::2"));
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) { }

            @Override
            public void write(byte[] b, int off, int len) { }
        };
        try (PcapWriter writer = new PcapWriter(sink)) {
            for (int round = 0; round < 2; round++) {
                long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
                for (int i = 0; i < 20_000; i++) {
                    Datagram d = sent.get(i % sent.size());
                    writer.record(i, d.source(), d.destination(), d.bytes(), DatagramFate.SENT, "");
                }
                long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
                if (round == 1) { // the first round warms up the JIT
                    // One object per datagram would be at least 320,000 bytes; a few dozen once are the JIT's
                    // (a deoptimisation on a loaded machine), not the writer's.
                    assertTrue(allocated < 4096, "bytes allocated recording 20,000 datagrams: " + allocated);
                }
            }
        }
    }
}
