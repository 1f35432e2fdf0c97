package io.synack.core.capture;

import io.synack.core.wire.InternetChecksum;
import io.synack.core.wire.IpAddresses;
import io.synack.spi.DatagramFate;
import io.synack.spi.DatagramRecorder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Records datagrams as a classic pcap file (libpcap {@code pcap-savefile(5)}) of link type
 * {@link LinkType#RAW}: each TCP segment gets a synthesised IPv4 header (version 4, IHL 5, DF,
 * TTL 64, protocol 6, a running identification and a correct header checksum, RFC 791) or IPv6
 * header (next header 6, hop limit 64, RFC 8200), so that Wireshark and tshark dissect every
 * segment as TCP and can verify its checksum against the pseudo-header.
 *
 * <p>Usable with any transport as its {@link DatagramRecorder}. Only datagrams whose fate is in
 * {@link Options#fates()} are written; the default, {@link DatagramFate#SENT}, writes every
 * datagram that crossed the wire exactly once, as a capture on the sending host would. Timestamps
 * are {@link Options#epochNanos()} plus the recorder's {@code timeNanos}.
 *
 * <p>Records are assembled in a buffer and written to the stream when it fills, on
 * {@link #flush()} and on {@link #close()}; recording a datagram allocates nothing. Recording is
 * thread-safe (one lock; a transport with several threads may share a writer). A recorder cannot
 * throw an {@link IOException} at the transport, so the first I/O error stops recording and is
 * thrown by {@link #flush()} or {@link #close()}.
 */
public final class PcapWriter implements DatagramRecorder, AutoCloseable {

    /** The snapshot length written in the file header: nothing is ever truncated. */
    public static final int SNAPLEN = 262_144;

    private static final int FILE_HEADER_LENGTH = 24;
    private static final int RECORD_HEADER_LENGTH = 16;
    private static final int IPV4_HEADER_LENGTH = 20;
    private static final int IPV6_HEADER_LENGTH = 40;
    private static final int MAX_IP_PAYLOAD = 65_535;
    private static final int TTL = 64;
    private static final int BUFFER_SIZE = 1 << 17; // holds the largest record: 16 + 40 + 65,535

    /**
     * What a {@link PcapWriter} records and how.
     *
     * @param fates the fates whose datagrams are written (for example SENT for the wire as the
     *     sender saw it, DELIVERED for what the receiver got)
     * @param epochNanos nanoseconds since the Unix epoch that the recorder's time 0 stands for
     * @param precision the timestamp resolution of the file
     */
    public record Options(Set<DatagramFate> fates, long epochNanos, TimestampPrecision precision) {
        /** SENT only, epoch 0 (time 0 is 1970-01-01T00:00Z), nanosecond timestamps. */
        public static final Options DEFAULT = new Options(EnumSet.of(DatagramFate.SENT), 0, TimestampPrecision.NANOSECONDS);

        /** Validates and copies. */
        public Options {
            Objects.requireNonNull(precision, "precision");
            fates = Collections.unmodifiableSet(fates.isEmpty() ? EnumSet.noneOf(DatagramFate.class) : EnumSet.copyOf(fates));
        }

        /** These options, writing datagrams of the given fates. */
        public Options withFates(DatagramFate first, DatagramFate... rest) {
            return new Options(EnumSet.of(first, rest), epochNanos, precision);
        }

        /** These options, with time 0 standing for {@code epochNanos} since the Unix epoch. */
        public Options withEpochNanos(long epochNanos) {
            return new Options(fates, epochNanos, precision);
        }

        /** These options, with the given timestamp resolution. */
        public Options withPrecision(TimestampPrecision precision) {
            return new Options(fates, epochNanos, precision);
        }
    }

    private final OutputStream out;
    private final boolean[] recorded = new boolean[DatagramFate.values().length];
    private final long epochNanos;
    private final TimestampPrecision precision;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private final ByteBuffer view = ByteBuffer.wrap(buffer);
    private int identification;
    private long packets;
    private long skipped;
    private IOException failure;
    private boolean closed;

    /**
     * Creates (or truncates) {@code file} for a pcap file, with {@link Options#DEFAULT}.
     *
     * @throws IOException if the file cannot be created or written
     */
    public PcapWriter(Path file) throws IOException {
        this(file, Options.DEFAULT);
    }

    /**
     * Creates (or truncates) {@code file} for a pcap file.
     *
     * @throws IOException if the file cannot be created or written
     */
    public PcapWriter(Path file, Options options) throws IOException {
        this(Files.newOutputStream(file), options);
    }

    /**
     * Writes a pcap file to {@code out} (closed by {@link #close()}), with {@link Options#DEFAULT}.
     *
     * @throws IOException never (kept for symmetry with the file constructors)
     */
    public PcapWriter(OutputStream out) throws IOException {
        this(out, Options.DEFAULT);
    }

    /**
     * Writes a pcap file to {@code out} (closed by {@link #close()}).
     *
     * @throws IOException never (the file header is buffered with the first records)
     */
    public PcapWriter(OutputStream out, Options options) throws IOException {
        this.out = Objects.requireNonNull(out, "out");
        for (DatagramFate fate : options.fates()) {
            recorded[fate.ordinal()] = true;
        }
        this.epochNanos = options.epochNanos();
        this.precision = options.precision();
        // pcap-savefile(5) file header, written big-endian (readers detect the order by the magic).
        view.putInt(0, precision.magic());
        view.putShort(4, (short) 2); // version 2.4
        view.putShort(6, (short) 4);
        view.putInt(8, 0); // thiszone: GMT
        view.putInt(12, 0); // sigfigs
        view.putInt(16, SNAPLEN);
        view.putInt(20, LinkType.RAW);
        view.position(FILE_HEADER_LENGTH);
    }

    /**
     * Writes the datagram if its fate is recorded. Datagrams whose addresses are of different
     * families, or too long for one IP datagram, are counted in {@link #skipped()} instead.
     */
    @Override
    public synchronized void record(long timeNanos, InetAddress source, InetAddress destination,
            ByteBuffer segment, DatagramFate fate, String detail) {
        if (!recorded[fate.ordinal()] || closed || failure != null) {
            return;
        }
        boolean ipv4 = source instanceof Inet4Address;
        int ipHeaderLength = ipv4 ? IPV4_HEADER_LENGTH : IPV6_HEADER_LENGTH;
        int segmentLength = segment.remaining();
        if (ipv4 != (destination instanceof Inet4Address)
                || segmentLength > MAX_IP_PAYLOAD - (ipv4 ? IPV4_HEADER_LENGTH : 0)) {
            skipped++;
            return;
        }
        int packetLength = ipHeaderLength + segmentLength;
        if (view.remaining() < RECORD_HEADER_LENGTH + packetLength) {
            flushBuffer();
            if (failure != null) {
                return;
            }
        }
        int at = view.position();
        long nanos = Math.max(0, epochNanos + timeNanos);
        view.putInt(at, (int) (nanos / 1_000_000_000L));
        view.putInt(at + 4, (int) (nanos % 1_000_000_000L / precision.nanosPerUnit()));
        view.putInt(at + 8, packetLength); // incl_len
        view.putInt(at + 12, packetLength); // orig_len
        at += RECORD_HEADER_LENGTH;
        if (ipv4) {
            writeIpv4Header(at, packetLength, source, destination);
        } else {
            writeIpv6Header(at, segmentLength, source, destination);
        }
        at += ipHeaderLength;
        segment.get(segment.position(), buffer, at, segmentLength);
        view.position(at + segmentLength);
        packets++;
    }

    /** RFC 791 §3.1, with DF set as Linux sets it on TCP (path MTU discovery, RFC 1191). */
    private void writeIpv4Header(int at, int totalLength, InetAddress source, InetAddress destination) {
        view.putInt(at, 0x4500_0000 | totalLength); // version 4, IHL 5, TOS 0
        view.putInt(at + 4, ((identification++ & 0xFFFF) << 16) | 0x4000); // DF, fragment offset 0
        view.putInt(at + 8, (TTL << 24) | (InternetChecksum.PROTOCOL_TCP << 16)); // checksum 0 for now
        IpAddresses.copy(source, buffer, at + 12);
        IpAddresses.copy(destination, buffer, at + 16);
        int checksum = InternetChecksum.checksum(InternetChecksum.sum(buffer, at, at + IPV4_HEADER_LENGTH));
        view.putShort(at + 10, (short) checksum);
    }

    /** RFC 8200 §3. */
    private void writeIpv6Header(int at, int payloadLength, InetAddress source, InetAddress destination) {
        view.putInt(at, 0x6000_0000); // version 6, traffic class 0, flow label 0
        view.putInt(at + 4, (payloadLength << 16) | (InternetChecksum.PROTOCOL_TCP << 8) | TTL);
        IpAddresses.copy(source, buffer, at + 8);
        IpAddresses.copy(destination, buffer, at + 24);
    }

    private void flushBuffer() {
        try {
            out.write(buffer, 0, view.position());
        } catch (IOException e) {
            failure = e;
        }
        view.clear();
    }

    /** Datagrams written so far. */
    public synchronized long packets() {
        return packets;
    }

    /** Datagrams of a recorded fate that could not be written (mixed address families, oversize). */
    public synchronized long skipped() {
        return skipped;
    }

    /**
     * Writes buffered records to the stream and flushes it.
     *
     * @throws IOException the first I/O error since recording began
     */
    public synchronized void flush() throws IOException {
        if (!closed) {
            flushBuffer();
            if (failure == null) {
                try {
                    out.flush();
                } catch (IOException e) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Flushes and closes the stream; later datagrams are ignored. Idempotent.
     *
     * @throws IOException the first I/O error since recording began
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            flush();
        } finally {
            closed = true;
            try {
                out.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
