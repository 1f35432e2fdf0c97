package io.synack.transport.rawsocket;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Finds the MTU of the interface an endpoint sends through, once, when it opens: the configured
 * device, else the interface holding the bound address ({@code getifaddrs(3)}, which asks the
 * kernel over netlink in the calling thread's network namespace), else — for an address of the
 * loopback range that is not itself listed, such as 127.0.0.2 — the loopback interface. The MTU
 * comes from {@code SIOCGIFMTU}.
 */
final class InterfaceMtu {

    private InterfaceMtu() {
    }

    /**
     * @param fd any socket of the namespace, for the ioctl
     * @param local the bound address
     * @param device the configured device, or empty
     * @param ifreq scratch memory of at least {@link Linux#IFREQ_SIZE} bytes
     * @return the MTU, or -1 if no interface was found
     */
    static int of(int fd, InetAddress local, String device, Memory ifreq) {
        String name = device.isEmpty() ? interfaceHolding(local) : device;
        if (name == null) {
            return -1;
        }
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        ifreq.clear(Linux.IFREQ_SIZE);
        ifreq.write(0, bytes, 0, Math.min(bytes.length, Linux.IFNAMSIZ - 1));
        if (LibC.ioctl(fd, Linux.SIOCGIFMTU, ifreq) < 0) {
            return -1;
        }
        return ifreq.getInt(Linux.IFR_MTU);
    }

    /** The name of the interface holding {@code local}, or null. */
    static String interfaceHolding(InetAddress local) {
        boolean ipv6 = local instanceof Inet6Address;
        byte[] wanted = local.getAddress();
        try (Memory head = new Memory(Linux.POINTER_SIZE)) {
            head.setPointer(0, null);
            if (LibC.getifaddrs(head) < 0) {
                return null;
            }
            Pointer list = head.getPointer(0);
            try {
                String loopback = null;
                for (Pointer p = list; p != null; p = p.getPointer(Linux.IFA_NEXT)) {
                    Pointer address = p.getPointer(Linux.IFA_ADDR);
                    if (address == null) {
                        continue;
                    }
                    String name = p.getPointer(Linux.IFA_NAME).getString(0, StandardCharsets.US_ASCII.name());
                    int flags = p.getInt(Linux.IFA_FLAGS);
                    short family = address.getShort(0);
                    if (ipv6 && family == Linux.AF_INET6
                            && Arrays.equals(wanted, address.getByteArray(Linux.SIN6_ADDR, 16))) {
                        return name;
                    }
                    if (!ipv6 && family == Linux.AF_INET
                            && Arrays.equals(wanted, address.getByteArray(Linux.SIN_ADDR, 4))) {
                        return name;
                    }
                    if ((flags & Linux.IFF_LOOPBACK) != 0 && loopback == null) {
                        loopback = name;
                    }
                }
                return local.isLoopbackAddress() ? loopback : null;
            } finally {
                LibC.freeifaddrs(list);
            }
        }
    }
}
