package io.synack.transport.rawsocket;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.Locale;
import java.util.Set;

/**
 * The Linux constants and structure layouts the transport uses, valid for the 64-bit
 * architectures whose socket ABI is the generic one ({@code asm-generic/socket.h},
 * {@code asm-generic/errno.h}, LP64 structure layouts): x86-64, AArch64, RISC-V 64, POWER
 * little-endian, s390x, LoongArch. MIPS, SPARC, Alpha and PA-RISC number some socket options
 * differently and are refused by {@link #supported()} rather than guessed at.
 */
final class Linux {

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;

    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_BINDTODEVICE = 25;
    static final int SO_SNDBUFFORCE = 32;
    static final int SO_RCVBUFFORCE = 33;
    static final int SO_MARK = 36;

    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_RECVPKTINFO = 49;
    static final int IPV6_PKTINFO = 50;

    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;

    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;

    static final int EFD_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;

    static final long SIOCGIFMTU = 0x8921;
    static final int IFNAMSIZ = 16;
    static final int IFF_LOOPBACK = 0x8;

    // struct sockaddr_in (16 bytes) and struct sockaddr_in6 (28 bytes).
    static final int SOCKADDR_IN_SIZE = 16;
    static final int SIN_ADDR = 4;
    static final int SOCKADDR_IN6_SIZE = 28;
    static final int SIN6_ADDR = 8;
    static final int SIN6_SCOPE_ID = 24;

    // struct msghdr on LP64 (56 bytes).
    static final int MSGHDR_SIZE = 56;
    static final int MSG_NAME = 0;
    static final int MSG_NAMELEN = 8;
    static final int MSG_IOV = 16;
    static final int MSG_IOVLEN = 24;
    static final int MSG_CONTROL = 32;
    static final int MSG_CONTROLLEN = 40;
    static final int MSG_FLAGS = 48;

    // struct iovec (16 bytes) and struct cmsghdr (16 bytes; CMSG_DATA at 16, CMSG_ALIGN to 8).
    static final int IOVEC_SIZE = 16;
    static final int CMSG_LEN = 0;
    static final int CMSG_LEVEL = 8;
    static final int CMSG_TYPE = 12;
    static final int CMSG_DATA = 16;
    static final int CMSG_ALIGN = 8;

    // struct in6_pktinfo: the 16-byte address, then the interface index.
    static final int IN6_PKTINFO_SIZE = 20;

    // struct pollfd (8 bytes): fd, events, revents.
    static final int POLLFD_SIZE = 8;
    static final int POLLFD_EVENTS = 4;
    static final int POLLFD_REVENTS = 6;

    /** A pointer's size on LP64. */
    static final int POINTER_SIZE = 8;

    // struct ifaddrs on LP64: ifa_next, ifa_name, ifa_flags (+ padding), ifa_addr.
    static final int IFA_NEXT = 0;
    static final int IFA_NAME = 8;
    static final int IFA_FLAGS = 16;
    static final int IFA_ADDR = 24;

    // struct ifreq on LP64 (40 bytes): the name, then a union whose int ifr_mtu is at 16.
    static final int IFREQ_SIZE = 40;
    static final int IFR_MTU = IFNAMSIZ;

    private static final Set<String> GENERIC_ABI_ARCHITECTURES =
            Set.of("x86-64", "aarch64", "riscv64", "ppc64le", "s390x", "loongarch64");

    private Linux() {
    }

    /**
     * Why this JVM cannot use the transport's native layer, or null if it can: not Linux, not a
     * 64-bit generic-ABI architecture, or JNA's native library does not load.
     */
    static String unsupportedReason() {
        String os = System.getProperty("os.name", "unknown");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return "raw IP sockets are implemented for Linux only, and this is " + os;
        }
        try {
            String arch = Platform.ARCH;
            if (Native.POINTER_SIZE != 8 || !GENERIC_ABI_ARCHITECTURES.contains(arch)) {
                return "raw IP sockets are implemented for 64-bit Linux on " + String.join(", ",
                        GENERIC_ABI_ARCHITECTURES.stream().sorted().toList()) + ", and this JVM runs on " + arch
                        + " with " + (Native.POINTER_SIZE * 8) + "-bit pointers";
            }
            Class.forName(LibC.class.getName(), true, Linux.class.getClassLoader());
            return null;
        } catch (LinkageError | ClassNotFoundException e) {
            return "JNA's native library could not be loaded (" + e.getMessage() + ")";
        }
    }

    /** Whether {@link #unsupportedReason()} is null. */
    static boolean supported() {
        return unsupportedReason() == null;
    }
}
