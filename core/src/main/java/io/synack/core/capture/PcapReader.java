package io.synack.core.capture;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the TCP segments of a classic pcap file (libpcap {@code pcap-savefile(5)}), in either byte
 * order, with microsecond or nanosecond timestamps, of link type {@link LinkType#RAW},
 * {@link LinkType#IPV4}, {@link LinkType#IPV6}, {@link LinkType#ETHERNET} (802.1Q/802.1ad tags
 * skipped), {@link LinkType#LINUX_SLL}, {@link LinkType#LINUX_SLL2}, {@link LinkType#NULL} or
 * {@link LinkType#LOOP}. Packets that are not TCP over IPv4/IPv6, and IP fragments (which cannot
 * be dissected alone), are skipped and counted in {@link #skipped()}.
 *
 * <p>A file that is not pcap, of another link type, or cut in the middle of a record throws
 * {@link PcapFormatException}; no input makes it throw anything else but {@link IOException}.
 * pcapng files are recognised and rejected with a message saying so.
 */
public final class PcapReader implements AutoCloseable {

    /** Largest record accepted, so that a corrupt length cannot demand gigabytes. */
    static final int MAX_RECORD_LENGTH = 1 << 24;

    private static final int PCAPNG_MAGIC = 0x0A0D0D0A;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88A8;
    private static final int ETHERTYPE_QINQ_OLD = 0x9100;
    private static final int PROTOCOL_TCP = 6;

    private final InputStream in;
    private final ByteOrder order;
    private final TimestampPrecision precision;
    private final int linkType;
    private final int snaplen;
    private final byte[] recordHeader = new byte[16];
    private byte[] data = new byte[2048];
    private long records;
    private long skipped;

    /**
     * Opens {@code file} and reads its header.
     *
     * @throws PcapFormatException if it is not a supported pcap file
     * @throws IOException if it cannot be read
     */
    public PcapReader(Path file) throws IOException {
        this(Files.newInputStream(file));
    }

    /**
     * Reads a pcap file from {@code in} (closed by {@link #close()}), starting with its header.
     *
     * @throws PcapFormatException if it is not a supported pcap file
     * @throws IOException if it cannot be read
     */
    public PcapReader(InputStream in) throws IOException {
        this.in = new BufferedInputStream(in, 1 << 16);
        byte[] header = new byte[24];
        if (!readFully(header, 24, true)) {
            throw new PcapFormatException("empty file: no pcap file header");
        }
        int magic = ByteBuffer.wrap(header).getInt(0);
        ByteOrder fileOrder = null;
        TimestampPrecision filePrecision = null;
        for (TimestampPrecision p : TimestampPrecision.values()) {
            if (magic == p.magic()) {
                fileOrder = ByteOrder.BIG_ENDIAN;
                filePrecision = p;
            } else if (magic == Integer.reverseBytes(p.magic())) {
                fileOrder = ByteOrder.LITTLE_ENDIAN;
                filePrecision = p;
            }
        }
        if (fileOrder == null) {
            throw new PcapFormatException(magic == PCAPNG_MAGIC
                    ? "a pcapng file; only classic pcap is read (convert with: editcap -F pcap IN OUT)"
                    : String.format("not a pcap file: magic number 0x%08x", magic));
        }
        this.order = fileOrder;
        this.precision = filePrecision;
        ByteBuffer h = ByteBuffer.wrap(header).order(order);
        this.snaplen = h.getInt(16);
        this.linkType = h.getInt(20) & 0x0FFF_FFFF; // upper bits: FCS length and flags
        switch (linkType) {
            case LinkType.NULL, LinkType.ETHERNET, LinkType.RAW, LinkType.LOOP, LinkType.LINUX_SLL,
                    LinkType.IPV4, LinkType.IPV6, LinkType.LINUX_SLL2 -> { }
            default -> throw new PcapFormatException("unsupported link type " + linkType
                    + " (supported: 0 NULL, 1 ETHERNET, 101 RAW, 108 LOOP, 113 LINUX_SLL, 228 IPV4, 229 IPV6, 276 LINUX_SLL2)");
        }
    }

    /** The file's link-layer header type. */
    public int linkType() {
        return linkType;
    }

    /** The file's timestamp resolution. */
    public TimestampPrecision precision() {
        return precision;
    }

    /** The file's byte order. */
    public ByteOrder byteOrder() {
        return order;
    }

    /** The snapshot length from the file header. */
    public int snaplen() {
        return snaplen;
    }

    /** Records read so far, TCP or not. */
    public long records() {
        return records;
    }

    /** Records skipped so far: not TCP over IP, IP fragments, or truncated before the TCP header. */
    public long skipped() {
        return skipped;
    }

    /**
     * The next TCP segment in the file, or null at its end.
     *
     * @throws PcapFormatException if the file ends inside a record or a record length is absurd
     * @throws IOException if it cannot be read
     */
    public PcapPacket next() throws IOException {
        while (true) {
            if (!readFully(recordHeader, 16, true)) {
                return null;
            }
            ByteBuffer h = ByteBuffer.wrap(recordHeader).order(order);
            long seconds = h.getInt(0) & 0xFFFF_FFFFL;
            long fraction = h.getInt(4) & 0xFFFF_FFFFL;
            int capturedLength = h.getInt(8);
            if (capturedLength < 0 || capturedLength > MAX_RECORD_LENGTH) {
                throw new PcapFormatException("record " + (records + 1) + " claims "
                        + Integer.toUnsignedString(capturedLength) + " captured octets");
            }
            if (data.length < capturedLength) {
                data = new byte[Math.max(capturedLength, 2 * data.length)];
            }
            if (!readFully(data, capturedLength, false)) {
                throw new PcapFormatException("file ends inside record " + (records + 1));
            }
            records++;
            long timestamp = seconds * 1_000_000_000L + fraction * precision.nanosPerUnit();
            PcapPacket packet = parse(timestamp, capturedLength);
            if (packet != null) {
                return packet;
            }
            skipped++;
        }
    }

    /** Finds the IP header behind the link-layer header. */
    private PcapPacket parse(long timestamp, int length) {
        ByteBuffer b = ByteBuffer.wrap(data, 0, length);
        int at;
        int ipVersion;
        switch (linkType) {
            case LinkType.RAW, LinkType.IPV4, LinkType.IPV6 -> {
                at = 0;
                ipVersion = 0;
            }
            case LinkType.ETHERNET -> {
                at = 12;
                int type = u16(b, at, length);
                while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
                    at += 4;
                    type = u16(b, at, length);
                }
                at += 2;
                ipVersion = versionOfEthertype(type);
            }
            case LinkType.LINUX_SLL -> {
                at = 16;
                ipVersion = versionOfEthertype(u16(b, 14, length));
            }
            case LinkType.LINUX_SLL2 -> {
                at = 20;
                ipVersion = versionOfEthertype(u16(b, 0, length));
            }
            default -> { // NULL (host order, taken as the file's) and LOOP (network order)
                at = 4;
                if (length < 4) {
                    return null;
                }
                int family = b.order(linkType == LinkType.LOOP ? ByteOrder.BIG_ENDIAN : order).getInt(0);
                b.order(ByteOrder.BIG_ENDIAN);
                // AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (BSDs), 28 (FreeBSD), 30 (macOS).
                ipVersion = family == 2 ? 4 : (family == 10 || family == 24 || family == 28 || family == 30) ? 6 : -1;
            }
        }
        if (ipVersion < 0 || at >= length) {
            return null;
        }
        int version = (b.get(at) & 0xFF) >>> 4;
        if (ipVersion != 0 && version != ipVersion) {
            return null;
        }
        if (version == 4) {
            return ipv4(b, at, length, timestamp);
        }
        if (version == 6) {
            return ipv6(b, at, length, timestamp);
        }
        return null;
    }

    private static int versionOfEthertype(int type) {
        return type == ETHERTYPE_IPV4 ? 4 : type == ETHERTYPE_IPV6 ? 6 : -1;
    }

    /** RFC 791 §3.1. */
    private PcapPacket ipv4(ByteBuffer b, int at, int length, long timestamp) {
        if (at + 20 > length) {
            return null;
        }
        int headerLength = (b.get(at) & 0x0F) * 4;
        int totalLength = u16(b, at + 2, length);
        int fragment = u16(b, at + 6, length);
        boolean fragmented = (fragment & 0x2000) != 0 || (fragment & 0x1FFF) != 0; // MF, or an offset
        if (headerLength < 20 || (totalLength != 0 && totalLength < headerLength) || fragmented
                || (b.get(at + 9) & 0xFF) != PROTOCOL_TCP) {
            return null;
        }
        // Total Length 0 appears in captures of TSO super-packets taken before segmentation: then
        // the captured octets are all there is.
        int end = totalLength == 0 ? length : at + totalLength;
        return tcp(b, at + 12, 4, at + headerLength, end, length, timestamp);
    }

    /** RFC 8200 §3-4: walks the extension headers to the upper-layer header. */
    private PcapPacket ipv6(ByteBuffer b, int at, int length, long timestamp) {
        if (at + 40 > length) {
            return null;
        }
        int end = at + 40 + u16(b, at + 4, length);
        int nextHeader = b.get(at + 6) & 0xFF;
        int header = at + 40;
        while (nextHeader != PROTOCOL_TCP) {
            if (header + 8 > length) {
                return null;
            }
            int extensionLength;
            switch (nextHeader) {
                case 0, 43, 60 -> extensionLength = ((b.get(header + 1) & 0xFF) + 1) * 8; // hop-by-hop, routing, destination
                case 44 -> { // fragment: only an unfragmented "atomic fragment" can be read alone
                    if ((u16(b, header + 2, length) & 0xFFF9) != 0) {
                        return null;
                    }
                    extensionLength = 8;
                }
                case 51 -> extensionLength = ((b.get(header + 1) & 0xFF) + 2) * 4; // AH, RFC 4302 §2.2
                default -> {
                    return null;
                }
            }
            nextHeader = b.get(header) & 0xFF;
            header += extensionLength;
        }
        return tcp(b, at + 8, 16, header, end, length, timestamp);
    }

    private PcapPacket tcp(ByteBuffer b, int addresses, int addressLength, int start, int end, int captured,
            long timestamp) {
        if (start + 20 > Math.min(end, captured)) {
            return null; // not even a TCP header captured (or the IP lengths are inconsistent)
        }
        InetAddress source = address(addresses, addressLength);
        InetAddress destination = address(addresses + addressLength, addressLength);
        int capturedEnd = Math.min(end, captured);
        ByteBuffer segment = ByteBuffer.wrap(Arrays.copyOfRange(data, start, capturedEnd));
        return new PcapPacket(timestamp, source, destination, segment, end - start);
    }

    private InetAddress address(int at, int length) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(data, at, at + length));
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 octets are always an address", e);
        }
    }

    private static int u16(ByteBuffer b, int at, int length) {
        return at + 2 <= length ? b.getShort(at) & 0xFFFF : -1;
    }

    /** Reads exactly {@code n} octets; false at a clean end of file when {@code atBoundary}. */
    private boolean readFully(byte[] into, int n, boolean atBoundary) throws IOException {
        int read = 0;
        while (read < n) {
            int r = in.read(into, read, n - read);
            if (r < 0) {
                if (read == 0 && atBoundary) {
                    return false;
                }
                if (atBoundary) {
                    throw new PcapFormatException("file ends inside a " + (n == 24 ? "file" : "record") + " header");
                }
                return false;
            }
            read += r;
        }
        return true;
    }

    /** Closes the file. */
    @Override
    public void close() throws IOException {
        in.close();
    }
}
