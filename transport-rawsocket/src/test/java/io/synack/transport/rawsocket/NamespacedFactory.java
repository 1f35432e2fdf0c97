package io.synack.transport.rawsocket;

import io.synack.api.SynackException;
import io.synack.spi.Availability;
import io.synack.spi.Transport;
import io.synack.spi.TransportContext;
import io.synack.spi.TransportFactory;
import java.net.InetAddress;
import java.util.Map;

/**
 * A test {@link TransportFactory} that opens each endpoint inside the network namespace holding
 * its address (entering it with {@code setns(2)} on the calling thread for the duration of
 * {@code open}), so that a test written against the plain SPI — the TCK — runs its endpoints in
 * private namespaces.
 */
final class NamespacedFactory implements TransportFactory {

    private final TransportFactory delegate;
    private final Map<InetAddress, NetworkNamespace> namespaces;

    /**
     * @param delegate the real factory
     * @param namespaces which namespace each address lives in
     */
    NamespacedFactory(TransportFactory delegate, Map<InetAddress, NetworkNamespace> namespaces) {
        this.delegate = delegate;
        this.namespaces = Map.copyOf(namespaces);
    }

    @Override
    public Availability availability() {
        return delegate.availability();
    }

    @Override
    public boolean supportsIpv6() {
        return delegate.supportsIpv6();
    }

    @Override
    public boolean preservesOrder() {
        return delegate.preservesOrder();
    }

    @Override
    public Transport open(TransportContext context) throws SynackException {
        NetworkNamespace ns = namespaces.get(context.localAddress());
        if (ns == null) {
            throw new IllegalArgumentException("no namespace holds " + context.localAddress());
        }
        try {
            return ns.call(() -> delegate.open(context));
        } catch (SynackException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("entering " + ns + " failed", e);
        }
    }
}
