package io.synack.transport.rawsocket;

import io.synack.spi.tck.TransportUnderTest;
import java.io.IOException;
import java.util.Map;

/**
 * The namespaces one TCK class runs in, built by its first test and removed after its last
 * ({@code @AfterAll} calls {@link #close()}); each test gets a fresh factory, and the TCK closes
 * every endpoint after each test, so tests share nothing but the network setup.
 */
final class Setups implements AutoCloseable {

    private final Namespaces.Path path;
    private final RawSocketConfiguration config;
    private Namespaces namespaces;

    Setups(Namespaces.Path path, RawSocketConfiguration config) {
        this.path = path;
        this.config = config;
    }

    /** A fresh factory on the (possibly just created) namespaces. */
    TransportUnderTest underTest() throws IOException {
        if (namespaces == null) {
            namespaces = Namespaces.create(path);
        }
        Namespaces n = namespaces;
        NamespacedFactory factory = new NamespacedFactory(new RawSocketTransportFactory(config), Map.of(
                n.ipv4First, n.first, n.ipv4Second, n.second, n.ipv6First, n.first, n.ipv6Second, n.second));
        return TransportUnderTest.of(factory, n.ipv4First, n.ipv4Second).withIpv6(n.ipv6First, n.ipv6Second);
    }

    @Override
    public void close() throws IOException {
        if (namespaces != null) {
            namespaces.close();
            namespaces = null;
        }
    }
}
