package io.synack.transport.rawsocket;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * A preallocated native {@code struct sockaddr_in} or {@code sockaddr_in6}, rewritten only when
 * the address changes, so that sending to the same peer again writes nothing. The port stays 0:
 * for an IPv4 raw socket it is ignored; for IPv6, {@code rawv6_sendmsg} takes a non-zero
 * {@code sin6_port} as the protocol number and refuses one that differs from the socket's.
 */
final class SocketAddressBuffer implements AutoCloseable {

    private final Memory memory;
    private final boolean ipv6;
    private InetAddress current;

    /** @param ipv6 whether to hold a {@code sockaddr_in6} */
    SocketAddressBuffer(boolean ipv6) {
        this.ipv6 = ipv6;
        this.memory = new Memory(ipv6 ? Linux.SOCKADDR_IN6_SIZE : Linux.SOCKADDR_IN_SIZE);
        memory.clear();
        // sa_family is in host byte order.
        memory.setShort(0, (short) (ipv6 ? Linux.AF_INET6 : Linux.AF_INET));
    }

    /**
     * Points the structure at {@code address} (same family), unless it already does.
     *
     * @param address the address
     * @param fallbackScope the scope (interface index) for a link-local IPv6 address without one
     */
    void set(InetAddress address, int fallbackScope) {
        if (address.equals(current)) {
            return;
        }
        byte[] bytes = address.getAddress();
        if (ipv6) {
            memory.write(Linux.SIN6_ADDR, bytes, 0, 16);
            int scope = ((Inet6Address) address).getScopeId();
            memory.setInt(Linux.SIN6_SCOPE_ID, scope != 0 ? scope : fallbackScope);
        } else {
            memory.write(Linux.SIN_ADDR, bytes, 0, 4);
        }
        current = address;
    }

    /** The native structure. */
    Pointer pointer() {
        return memory;
    }

    /** Its size, the {@code socklen_t} to pass. */
    int length() {
        return (int) memory.size();
    }

    @Override
    public void close() {
        memory.close();
    }
}
