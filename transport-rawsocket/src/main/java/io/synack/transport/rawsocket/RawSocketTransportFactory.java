package io.synack.transport.rawsocket;

import io.synack.api.AddressInUseException;
import io.synack.api.SynackException;
import io.synack.api.TransportUnavailableException;
import io.synack.spi.Availability;
import io.synack.spi.Settings;
import io.synack.spi.Transport;
import io.synack.spi.TransportContext;
import io.synack.spi.TransportFactory;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens raw-socket endpoints ({@link RawSocketTransport}) in the network namespace of the calling
 * thread. One factory refuses a second endpoint on an address it already holds in the same
 * namespace ({@link AddressInUseException}): two raw sockets bound to one address would both
 * receive every datagram for it. Endpoints of other processes cannot be seen, so it is the
 * user's job not to run two synack processes on one address.
 *
 * <p>{@link #availability()} opens and closes a probe socket the first time it is asked and
 * remembers the verdict.
 */
public final class RawSocketTransportFactory implements TransportFactory {

    private final RawSocketConfiguration config;
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();
    private volatile Availability availability;
    private volatile Boolean ipv6;

    @Inject
    RawSocketTransportFactory(Settings settings) {
        this(RawSocketConfiguration.from(settings));
    }

    RawSocketTransportFactory(RawSocketConfiguration config) {
        this.config = config;
    }

    @Override
    public Availability availability() {
        Availability a = availability;
        if (a == null) {
            a = RawSocketAvailability.probe(config.protocol());
            availability = a;
        }
        return a;
    }

    @Override
    public boolean supportsIpv6() {
        Boolean v = ipv6;
        if (v == null) {
            v = RawSocketAvailability.ipv6(config.protocol());
            ipv6 = v;
        }
        return v;
    }

    /** IP keeps no order, but a Linux path within one host (lo, veth) does: reordering is not promised. */
    @Override
    public boolean preservesOrder() {
        return false;
    }

    @Override
    public Transport open(TransportContext context) throws SynackException {
        Availability a = availability();
        if (!a.available()) {
            throw new TransportUnavailableException(RawSocketPlugin.NAME, a.cause());
        }
        String key = namespace() + " " + context.localAddress().getHostAddress();
        if (!claimed.add(key)) {
            throw new AddressInUseException("a raw-socket endpoint is already open at "
                    + context.localAddress().getHostAddress() + " in this network namespace");
        }
        try {
            return RawSocketTransport.open(context, config, () -> claimed.remove(key));
        } catch (SynackException | RuntimeException e) {
            claimed.remove(key);
            throw e;
        }
    }

    /** The protocol number the endpoints use. */
    public int protocol() {
        return config.protocol();
    }

    /** The {@code SO_MARK} the endpoints set, 0 for none. */
    public long mark() {
        return config.mark();
    }

    /**
     * The calling thread's network namespace, e.g. {@code net:[4026531840]}: a thread may have
     * entered another namespace with {@code setns(2)}, so {@code /proc/thread-self}, not
     * {@code /proc/self}.
     */
    private static String namespace() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "net:[?]";
        }
    }
}
