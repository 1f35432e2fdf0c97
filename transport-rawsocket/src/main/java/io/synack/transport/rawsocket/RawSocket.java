package io.synack.transport.rawsocket;

import com.sun.jna.Memory;
import io.synack.api.SynackException;
import io.synack.api.TransportUnavailableException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * One {@code SOCK_RAW} socket: created, configured and bound for an endpoint, and its descriptor
 * closed exactly once. The socket lives in the network namespace of the thread that created it,
 * whatever thread uses it later.
 *
 * <p>No {@code IP_HDRINCL}: the kernel builds the IP header (source = the bound address,
 * protocol = the socket's), fragments if it must, and on receive reassembles before delivering.
 * An IPv4 raw socket delivers the IP header with the payload; an IPv6 raw socket delivers only the
 * payload, so it is asked for {@code IPV6_PKTINFO} to learn each datagram's destination.
 *
 * <p>Binding to the local address is also the receive filter: Linux delivers a datagram to a bound
 * raw socket only if its destination is the bound address ({@code raw_v4_match},
 * {@code raw_v6_match}); the receive loop checks it again.
 */
final class RawSocket implements AutoCloseable {

    /** Linux's smallest MTU an interface reports when the lookup fails: IPv4's 576 (RFC 791). */
    private static final int FALLBACK_MTU_IPV4 = 576;
    /** IPv6's minimum link MTU (RFC 8200 §5). */
    private static final int FALLBACK_MTU_IPV6 = 1280;

    private final int fd;
    private final boolean ipv6;
    private final InetAddress local;
    private final int mtu;
    private boolean closed;

    private RawSocket(int fd, boolean ipv6, InetAddress local, int mtu) {
        this.fd = fd;
        this.ipv6 = ipv6;
        this.local = local;
        this.mtu = mtu;
    }

    /**
     * Creates, configures and binds a raw socket in the calling thread's network namespace.
     *
     * @param local the unicast address to bind
     * @param config protocol, mark, device, buffer
     * @return the socket
     * @throws TransportUnavailableException if the process may not open raw sockets
     * @throws SynackException for every other failure, naming the call and the errno
     */
    static RawSocket open(InetAddress local, RawSocketConfiguration config) throws SynackException {
        if (local.isAnyLocalAddress() || local.isMulticastAddress()) {
            throw new SynackException("a raw-socket endpoint needs a unicast address of this host, not "
                    + local.getHostAddress());
        }
        boolean ipv6 = local instanceof Inet6Address;
        int family = ipv6 ? Linux.AF_INET6 : Linux.AF_INET;
        int fd = LibC.socket(family, Linux.SOCK_RAW | Linux.SOCK_CLOEXEC, config.protocol());
        if (fd < 0) {
            int errno = Errno.last();
            if (errno == Errno.EPERM || errno == Errno.EACCES) {
                throw new TransportUnavailableException(RawSocketPlugin.NAME, RawSocketAvailability.noPermission());
            }
            throw Errno.failure("socket(" + (ipv6 ? "AF_INET6" : "AF_INET") + ", SOCK_RAW, "
                    + config.protocol() + ")", errno);
        }
        try (Memory scratch = new Memory(Linux.IFREQ_SIZE)) {
            if (config.mark() != 0) {
                setMark(fd, config.mark(), scratch);
            }
            if (!config.interfaceName().isEmpty()) {
                bindToDevice(fd, config.interfaceName());
            }
            setBuffer(fd, Linux.SO_SNDBUFFORCE, Linux.SO_SNDBUF, config.buffer(), scratch);
            setBuffer(fd, Linux.SO_RCVBUFFORCE, Linux.SO_RCVBUF, config.buffer(), scratch);
            if (ipv6) {
                scratch.setInt(0, 1);
                check(LibC.setsockopt(fd, Linux.IPPROTO_IPV6, Linux.IPV6_RECVPKTINFO, scratch, 4),
                        "setsockopt(IPV6_RECVPKTINFO)");
            }
            bind(fd, local);
            int mtu = InterfaceMtu.of(fd, local, config.interfaceName(), scratch);
            if (mtu <= 0) {
                mtu = ipv6 ? FALLBACK_MTU_IPV6 : FALLBACK_MTU_IPV4;
            }
            return new RawSocket(fd, ipv6, local, mtu);
        } catch (SynackException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    private static void setMark(int fd, long mark, Memory scratch) throws SynackException {
        scratch.setInt(0, (int) mark);
        if (LibC.setsockopt(fd, Linux.SOL_SOCKET, Linux.SO_MARK, scratch, 4) < 0) {
            int errno = Errno.last();
            String call = "setsockopt(SO_MARK, " + RawSocketSettings.formatMark(mark) + ")";
            if (errno == Errno.EPERM) {
                // sock_setsockopt(): CAP_NET_ADMIN, or CAP_NET_RAW since Linux 5.17.
                throw new SynackException(call + " failed: " + Errno.describe(errno) + ": marking needs "
                        + "CAP_NET_ADMIN (or CAP_NET_RAW on Linux 5.17 and later); grant it, or set "
                        + RawSocketSettings.MARK.key() + "=0 to send unmarked datagrams");
            }
            throw Errno.failure(call, errno);
        }
    }

    private static void bindToDevice(int fd, String device) throws SynackException {
        byte[] name = device.getBytes(StandardCharsets.US_ASCII);
        try (Memory value = new Memory(Linux.IFNAMSIZ)) {
            value.clear();
            value.write(0, name, 0, name.length);
            if (LibC.setsockopt(fd, Linux.SOL_SOCKET, Linux.SO_BINDTODEVICE, value, name.length + 1) < 0) {
                int errno = Errno.last();
                throw new SynackException("setsockopt(SO_BINDTODEVICE, " + device + ") failed: "
                        + Errno.describe(errno) + (errno == Errno.ENODEV
                                ? ": there is no network device of that name here; check "
                                        + RawSocketSettings.INTERFACE.key() + " against `ip link`"
                                : ""));
            }
        }
    }

    /**
     * Sets a socket buffer with the {@code *FORCE} option, which may exceed {@code net.core.*mem_max}
     * but needs {@code CAP_NET_ADMIN}; without it, the plain option, which the kernel caps silently.
     */
    private static void setBuffer(int fd, int force, int plain, long bytes, Memory scratch) throws SynackException {
        // The kernel doubles the value for its bookkeeping overhead (socket(7)); ask for half.
        scratch.setInt(0, (int) Math.min(bytes / 2, Integer.MAX_VALUE / 2));
        if (LibC.setsockopt(fd, Linux.SOL_SOCKET, force, scratch, 4) == 0) {
            return;
        }
        check(LibC.setsockopt(fd, Linux.SOL_SOCKET, plain, scratch, 4),
                "setsockopt(" + (plain == Linux.SO_RCVBUF ? "SO_RCVBUF" : "SO_SNDBUF") + ")");
    }

    private static void bind(int fd, InetAddress local) throws SynackException {
        try (SocketAddressBuffer address = new SocketAddressBuffer(local instanceof Inet6Address)) {
            address.set(local, 0);
            if (LibC.bind(fd, address.pointer(), address.length()) < 0) {
                int errno = Errno.last();
                throw new SynackException("bind(" + local.getHostAddress() + ") failed: " + Errno.describe(errno)
                        + (errno == Errno.EADDRNOTAVAIL
                                ? ": the address is not configured on any interface in this network namespace"
                                : ""));
            }
        }
    }

    private static void check(int result, String call) throws SynackException {
        if (result < 0) {
            throw Errno.failure(call, Errno.last());
        }
    }

    /** The descriptor, valid until {@link #close()}. */
    int fd() {
        return fd;
    }

    /** Whether this is an {@code AF_INET6} socket. */
    boolean ipv6() {
        return ipv6;
    }

    /** The bound address. */
    InetAddress local() {
        return local;
    }

    /**
     * The MTU of the interface holding the bound address (or the configured device), or the
     * family's minimum if it could not be found.
     */
    int mtu() {
        return mtu;
    }

    /**
     * The largest payload one datagram carries without fragmentation: the MTU less the IP header
     * the kernel builds (20 bytes for IPv4 without options, RFC 791; 40 for IPv6, RFC 8200), and
     * at most what the 16-bit length fields allow (65535 bytes of IPv4 datagram, of IPv6 payload).
     */
    int maxPayload() {
        return ipv6 ? Math.min(mtu - 40, 65535) : Math.min(mtu, 65535) - 20;
    }

    /**
     * Reads an integer socket option back (for diagnostics and tests: the mark really set).
     *
     * @param level e.g. {@link Linux#SOL_SOCKET}
     * @param name e.g. {@link Linux#SO_MARK}
     * @return its value
     * @throws SynackException if the kernel refuses
     */
    int intOption(int level, int name) throws SynackException {
        try (Memory value = new Memory(4); Memory length = new Memory(4)) {
            length.setInt(0, 4);
            check(LibC.getsockopt(fd, level, name, value, length), "getsockopt(" + level + ", " + name + ")");
            return value.getInt(0);
        }
    }

    /**
     * The device the socket is bound to ({@code SO_BINDTODEVICE} read back), or empty.
     *
     * @return the device name
     * @throws SynackException if the kernel refuses
     */
    String boundDevice() throws SynackException {
        try (Memory value = new Memory(Linux.IFNAMSIZ); Memory length = new Memory(4)) {
            value.clear();
            length.setInt(0, Linux.IFNAMSIZ);
            check(LibC.getsockopt(fd, Linux.SOL_SOCKET, Linux.SO_BINDTODEVICE, value, length),
                    "getsockopt(SO_BINDTODEVICE)");
            return value.getString(0, StandardCharsets.US_ASCII.name());
        }
    }

    /** Closes the descriptor once. Not thread-safe: the endpoint serialises it. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }

    @Override
    public String toString() {
        return "raw socket " + fd + " at " + local.getHostAddress();
    }
}
