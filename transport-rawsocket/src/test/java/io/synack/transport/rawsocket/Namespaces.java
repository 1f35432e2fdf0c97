package io.synack.transport.rawsocket;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The network setups the raw-socket tests run on, each built fresh and removed by
 * {@link #close()}: one namespace whose endpoints talk over {@code lo}, or two namespaces joined
 * by a veth pair (real, fully checksummed frames).
 */
final class Namespaces implements AutoCloseable {

    /** Which setup. */
    enum Path {
        /** One namespace; 127.0.0.1/127.0.0.2 and fd00:5959::1/::2 (both on lo). */
        LOOPBACK,
        /** Two namespaces joined by a veth pair; 198.18.0.1/.2 and fd00:5959::1/::2. */
        VETH
    }

    final NetworkNamespace first;
    final NetworkNamespace second;
    final InetAddress ipv4First;
    final InetAddress ipv4Second;
    final InetAddress ipv6First;
    final InetAddress ipv6Second;
    final NetworkNamespace.Veth veth;
    private final List<NetworkNamespace> owned = new ArrayList<>();

    private Namespaces(Path path) throws IOException {
        try {
            first = own(NetworkNamespace.create());
            if (path == Path.LOOPBACK) {
                second = first;
                veth = null;
                first.batch("addr add " + NetworkNamespace.IPV6_PREFIX + "1/128 dev lo nodad",
                        "addr add " + NetworkNamespace.IPV6_PREFIX + "2/128 dev lo nodad");
                ipv4First = InetAddress.getByName("127.0.0.1");
                ipv4Second = InetAddress.getByName("127.0.0.2");
                ipv6First = InetAddress.getByName(NetworkNamespace.IPV6_PREFIX + "1");
                ipv6Second = InetAddress.getByName(NetworkNamespace.IPV6_PREFIX + "2");
            } else {
                second = own(NetworkNamespace.create());
                veth = NetworkNamespace.veth(first, second);
                ipv4First = veth.ipv4A();
                ipv4Second = veth.ipv4B();
                ipv6First = veth.ipv6A();
                ipv6Second = veth.ipv6B();
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Checks the prerequisites (skip, or fail under CI) and builds the setup.
     *
     * @param path lo or veth
     * @return the setup; close it
     * @throws IOException if a command fails
     */
    static Namespaces create(Path path) throws IOException {
        Prerequisites.requireNamespaces();
        if (path == Path.VETH) {
            Prerequisites.requireCommand("ethtool", "ethtool");
        }
        return new Namespaces(path);
    }

    /** The namespace holding {@code address}. */
    NetworkNamespace holding(InetAddress address) {
        return address.equals(ipv4Second) || address.equals(ipv6Second) ? second : first;
    }

    private NetworkNamespace own(NetworkNamespace ns) {
        owned.add(ns);
        return ns;
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (NetworkNamespace ns : owned) {
            try {
                ns.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
