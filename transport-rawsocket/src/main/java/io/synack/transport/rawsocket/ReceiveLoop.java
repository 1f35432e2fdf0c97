package io.synack.transport.rawsocket;

import com.sun.jna.Memory;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receive thread of one endpoint: {@code poll(2)} on the raw socket and on a wake-up
 * {@code eventfd}, then {@code recvmsg(2)} without blocking until the socket is drained. Every
 * buffer — the datagram, the source {@code sockaddr}, the control messages, the {@code msghdr},
 * the {@code iovec}, the {@code pollfd}s — is native memory allocated once, when the thread
 * starts, and freed when it ends.
 *
 * <p>A datagram is checked before it is handed on: an IPv4 one carries its header (Linux raw
 * sockets deliver it), which must be a well-formed, reassembled header of this socket's protocol
 * addressed to the endpoint (RFC 791 §3.1); the payload after IHL words is the segment. An IPv6
 * one carries only the payload; its destination comes from the {@code IPV6_PKTINFO} control
 * message (RFC 3542 §6.1) and must be the endpoint's address. Anything else is counted and dropped.
 *
 * <p>The thread ends when the endpoint writes the {@code eventfd} (on close); the endpoint joins
 * it before closing the descriptors, so a descriptor is never closed under a running {@code poll}.
 */
final class ReceiveLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiveLoop.class);

    /** The largest IPv4 datagram, or IPv6 payload, the 16-bit length fields allow, plus one to see truncation. */
    static final int DATAGRAM_BUFFER = 65536;
    /** Room for one {@code IPV6_PKTINFO} control message (CMSG_SPACE(20) = 40) with margin. */
    static final int CONTROL_BUFFER = 64;
    /** Datagrams read per wake-up before polling again, so that a flood cannot starve the wake-up. */
    private static final int BATCH = 64;

    private final RawSocketTransport endpoint;
    private final int fd;
    private final int wakeFd;
    private final boolean ipv6;
    private final int protocol;
    private final byte[] localBytes;
    private final int localIpv4;

    private final byte[] sourceBytes = new byte[16];
    private final byte[] destinationBytes = new byte[16];
    private InetAddress lastSource;
    private byte[] lastSourceBytes = new byte[0];
    private int lastSourceIpv4;

    ReceiveLoop(RawSocketTransport endpoint, RawSocket socket, int wakeFd, int protocol) {
        this.endpoint = endpoint;
        this.fd = socket.fd();
        this.wakeFd = wakeFd;
        this.ipv6 = socket.ipv6();
        this.protocol = protocol;
        this.localBytes = socket.local().getAddress();
        this.localIpv4 = ipv6 ? 0 : bigEndian(localBytes, 0);
    }

    @Override
    public void run() {
        try (Memory pollFds = new Memory(2L * Linux.POLLFD_SIZE);
                Memory data = new Memory(DATAGRAM_BUFFER);
                Memory name = new Memory(Linux.SOCKADDR_IN6_SIZE);
                Memory control = new Memory(CONTROL_BUFFER);
                Memory iov = new Memory(Linux.IOVEC_SIZE);
                Memory message = new Memory(Linux.MSGHDR_SIZE)) {
            pollFds.clear();
            pollFds.setInt(0, fd);
            pollFds.setShort(Linux.POLLFD_EVENTS, Linux.POLLIN);
            pollFds.setInt(Linux.POLLFD_SIZE, wakeFd);
            pollFds.setShort(Linux.POLLFD_SIZE + Linux.POLLFD_EVENTS, Linux.POLLIN);
            iov.setPointer(0, data);
            iov.setLong(8, DATAGRAM_BUFFER);
            message.clear();
            message.setPointer(Linux.MSG_IOV, iov);
            message.setLong(Linux.MSG_IOVLEN, 1);
            if (ipv6) {
                message.setPointer(Linux.MSG_NAME, name);
                message.setPointer(Linux.MSG_CONTROL, control);
            }
            loop(pollFds, data, name, control, message);
        } catch (RuntimeException | Error e) {
            LOG.error("receive thread of {} stopped: {}", endpoint, e.toString(), e);
        }
    }

    private void loop(Memory pollFds, Memory data, Memory name, Memory control, Memory message) {
        while (true) {
            pollFds.setShort(Linux.POLLFD_REVENTS, (short) 0);
            pollFds.setShort(Linux.POLLFD_SIZE + Linux.POLLFD_REVENTS, (short) 0);
            if (LibC.poll(pollFds, 2, -1) < 0) {
                int errno = Errno.last();
                if (errno == Errno.EINTR) {
                    continue;
                }
                LOG.error("poll() on {} failed: {}; no more datagrams will be received", endpoint,
                        Errno.describe(errno));
                return;
            }
            short wake = pollFds.getShort(Linux.POLLFD_SIZE + Linux.POLLFD_REVENTS);
            if (wake != 0 || endpoint.isClosed()) {
                return;
            }
            short events = pollFds.getShort(Linux.POLLFD_REVENTS);
            if ((events & Linux.POLLNVAL) != 0) {
                LOG.error("the descriptor of {} is no longer valid; no more datagrams will be received", endpoint);
                return;
            }
            if ((events & (Linux.POLLIN | Linux.POLLERR | Linux.POLLHUP)) != 0) {
                drain(data, name, control, message);
            }
        }
    }

    private void drain(Memory data, Memory name, Memory control, Memory message) {
        for (int i = 0; i < BATCH; i++) {
            if (ipv6) {
                message.setInt(Linux.MSG_NAMELEN, Linux.SOCKADDR_IN6_SIZE);
                message.setLong(Linux.MSG_CONTROLLEN, CONTROL_BUFFER);
            }
            message.setInt(Linux.MSG_FLAGS, 0);
            long n = LibC.recvmsg(fd, message, Linux.MSG_DONTWAIT);
            if (n < 0) {
                int errno = Errno.last();
                if (errno == Errno.EINTR) {
                    continue;
                }
                if (errno != Errno.EAGAIN) {
                    endpoint.countReceiveError(errno);
                }
                return;
            }
            if ((message.getInt(Linux.MSG_FLAGS) & Linux.MSG_TRUNC) != 0) {
                endpoint.counters().truncated.incrementAndGet();
                continue;
            }
            if (ipv6) {
                receiveIpv6(data, (int) n, name, control, message);
            } else {
                receiveIpv4(data, (int) n);
            }
        }
    }

    /** RFC 791 §3.1: the header Linux hands a raw IPv4 socket, after reassembly. */
    private void receiveIpv4(Memory data, int length) {
        int headerLength = ipv4HeaderLength(data, length, protocol);
        if (headerLength < 0) {
            endpoint.counters().malformed.incrementAndGet();
            return;
        }
        if (bigEndian(data, 16) != localIpv4) {
            endpoint.counters().foreignDestination.incrementAndGet();
            return;
        }
        int source = bigEndian(data, 12);
        if (lastSource == null || source != lastSourceIpv4) {
            data.read(12, sourceBytes, 0, 4);
            lastSource = address(Arrays.copyOf(sourceBytes, 4), 0);
            lastSourceIpv4 = source;
        }
        endpoint.handOver(lastSource, data, headerLength, length - headerLength);
    }

    /**
     * The length of a well-formed IPv4 header at the start of {@code data} (RFC 791 §3.1): version
     * 4, IHL of at least 5 words and within the datagram, total length equal to what was read
     * (Linux trims to it before delivery), not a fragment (raw sockets get reassembled datagrams),
     * and the socket's protocol.
     *
     * @param data the datagram
     * @param length how many bytes were read
     * @param protocol the socket's protocol number
     * @return the header length in bytes, or -1 if malformed
     */
    static int ipv4HeaderLength(Memory data, int length, int protocol) {
        if (length < 20 || length > data.size()) {
            return -1;
        }
        int versionAndIhl = data.getByte(0) & 0xff;
        int headerLength = (versionAndIhl & 0x0f) * 4;
        if (versionAndIhl >> 4 != 4 || headerLength < 20 || headerLength > length
                || unsigned16(data, 2) != length
                || (unsigned16(data, 6) & 0x3fff) != 0 // MF or a fragment offset: not reassembled
                || (data.getByte(9) & 0xff) != protocol) {
            return -1;
        }
        return headerLength;
    }

    /** RFC 3542 §6.1: the destination arrives as an {@code IPV6_PKTINFO} control message. */
    private void receiveIpv6(Memory data, int length, Memory name, Memory control, Memory message) {
        boolean found = findPacketInfo(control, message.getLong(Linux.MSG_CONTROLLEN), destinationBytes);
        if (!found || message.getInt(Linux.MSG_NAMELEN) < Linux.SOCKADDR_IN6_SIZE) {
            endpoint.counters().malformed.incrementAndGet();
            return;
        }
        if (!Arrays.equals(destinationBytes, localBytes)) {
            endpoint.counters().foreignDestination.incrementAndGet();
            return;
        }
        name.read(Linux.SIN6_ADDR, sourceBytes, 0, 16);
        if (lastSource == null || !Arrays.equals(sourceBytes, lastSourceBytes)) {
            lastSourceBytes = sourceBytes.clone();
            lastSource = address(lastSourceBytes, name.getInt(Linux.SIN6_SCOPE_ID));
        }
        endpoint.handOver(lastSource, data, 0, length);
    }

    /**
     * Walks the control messages ({@code CMSG_FIRSTHDR}/{@code CMSG_NXTHDR}) for the
     * {@code IPV6_PKTINFO} one and copies its address (RFC 3542 §6.1). Lengths the buffer cannot
     * hold end the walk, so no value of the control bytes reads outside the buffer.
     *
     * @param control the control buffer
     * @param controlLength {@code msg_controllen} as the kernel returned it
     * @param into 16 bytes for the destination address
     * @return whether it was found
     */
    static boolean findPacketInfo(Memory control, long controlLength, byte[] into) {
        long end = controlLength < 0 || controlLength > control.size() ? control.size() : controlLength;
        long offset = 0;
        while (offset + Linux.CMSG_DATA <= end) {
            long cmsgLength = control.getLong(offset + Linux.CMSG_LEN);
            if (cmsgLength < Linux.CMSG_DATA || cmsgLength > end - offset) {
                return false;
            }
            if (control.getInt(offset + Linux.CMSG_LEVEL) == Linux.IPPROTO_IPV6
                    && control.getInt(offset + Linux.CMSG_TYPE) == Linux.IPV6_PKTINFO
                    && cmsgLength >= Linux.CMSG_DATA + Linux.IN6_PKTINFO_SIZE) {
                control.read(offset + Linux.CMSG_DATA, into, 0, 16);
                return true;
            }
            offset += (cmsgLength + Linux.CMSG_ALIGN - 1) & -Linux.CMSG_ALIGN;
        }
        return false;
    }

    private static InetAddress address(byte[] bytes, int scope) {
        try {
            if (bytes.length == 16 && scope != 0) {
                return Inet6Address.getByAddress(null, bytes, scope);
            }
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
        }
    }

    private static int unsigned16(Memory m, long offset) {
        return (m.getByte(offset) & 0xff) << 8 | m.getByte(offset + 1) & 0xff;
    }

    private static int bigEndian(Memory m, long offset) {
        return unsigned16(m, offset) << 16 | unsigned16(m, offset + 2);
    }

    private static int bigEndian(byte[] b, int offset) {
        return (b[offset] & 0xff) << 24 | (b[offset + 1] & 0xff) << 16 | (b[offset + 2] & 0xff) << 8
                | b[offset + 3] & 0xff;
    }
}
