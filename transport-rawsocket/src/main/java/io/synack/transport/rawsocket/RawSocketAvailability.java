package io.synack.transport.rawsocket;

import io.synack.spi.Availability;
import java.nio.file.Path;

/**
 * Decides whether raw IP sockets can be opened here, by trying: a probe socket of the configured
 * protocol is opened and closed at once. {@code EPERM} (or {@code EACCES}) means the process lacks
 * {@code CAP_NET_RAW} in its network namespace; the verdict then says the three ways out. No
 * exception escapes and no stack trace is printed: the message is meant for a user.
 */
final class RawSocketAvailability {

    private RawSocketAvailability() {
    }

    /** What the user can do without {@code CAP_NET_RAW}: one sentence, with the exact commands. */
    static String noPermission() {
        return "opening a raw IP socket needs the CAP_NET_RAW capability, which this process does not have. "
                + "Run synack as root, or grant the capability to the Java binary once with `sudo setcap "
                + "cap_net_raw+ep " + javaBinary() + "` (or `sudo setcap cap_net_raw+ep $(readlink -f $(which java))`), "
                + "or choose the in-memory transport with synack.transport=loopback";
    }

    private static String noLinux(String reason) {
        return reason + "; choose the in-memory transport with synack.transport=loopback";
    }

    /**
     * Probes.
     *
     * @param protocol the IP protocol number to probe with
     * @return the verdict
     */
    static Availability probe(int protocol) {
        try {
            String unsupported = Linux.unsupportedReason();
            if (unsupported != null) {
                return Availability.no(noLinux(unsupported));
            }
            int fd = LibC.socket(Linux.AF_INET, Linux.SOCK_RAW | Linux.SOCK_CLOEXEC, protocol);
            if (fd >= 0) {
                LibC.close(fd);
                return Availability.yes();
            }
            int errno = Errno.last();
            if (errno == Errno.EPERM || errno == Errno.EACCES) {
                return Availability.no(noPermission());
            }
            return Availability.no("opening a raw IP socket (protocol " + protocol + ") failed with "
                    + Errno.describe(errno) + "; choose the in-memory transport with synack.transport=loopback");
        } catch (RuntimeException | LinkageError e) {
            return Availability.no("the raw-socket transport could not initialise its native layer (" + e
                    + "); choose the in-memory transport with synack.transport=loopback");
        }
    }

    /**
     * Whether an {@code AF_INET6} raw socket can be opened (the kernel may lack IPv6, or have it
     * disabled).
     *
     * @param protocol the IP protocol number
     * @return true if it can
     */
    static boolean ipv6(int protocol) {
        try {
            if (!Linux.supported()) {
                return false;
            }
            int fd = LibC.socket(Linux.AF_INET6, Linux.SOCK_RAW | Linux.SOCK_CLOEXEC, protocol);
            if (fd < 0) {
                // Only a kernel without IPv6 is a "no"; a missing capability is availability()'s answer.
                return Errno.last() != Errno.EAFNOSUPPORT;
            }
            LibC.close(fd);
            return true;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** The real path of this JVM's {@code java} binary, the file {@code setcap} must mark. */
    static String javaBinary() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try {
            return java.toRealPath().toString();
        } catch (java.io.IOException | SecurityException e) {
            return java.toString();
        }
    }
}
