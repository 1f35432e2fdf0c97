package io.synack.transport.loopback;

import io.synack.api.AddressInUseException;
import io.synack.spi.Availability;
import io.synack.spi.Transport;
import io.synack.spi.TransportContext;
import io.synack.spi.TransportFactory;
import java.util.Objects;

/**
 * Opens endpoints on one {@link LoopbackNetwork}. Always available; IPv4 and IPv6; datagrams
 * between one pair of endpoints arrive in the order sent.
 */
public class LoopbackTransportFactory implements TransportFactory {

    private final LoopbackNetwork network;

    /**
     * A factory whose endpoints attach to {@code network}.
     *
     * @param network the network, shared by every stack that should reach the others
     */
    public LoopbackTransportFactory(LoopbackNetwork network) {
        this.network = Objects.requireNonNull(network, "network");
    }

    /** The network endpoints attach to. */
    public LoopbackNetwork network() {
        return network;
    }

    @Override
    public Availability availability() {
        return Availability.yes();
    }

    @Override
    public boolean supportsIpv6() {
        return true;
    }

    @Override
    public boolean preservesOrder() {
        return true;
    }

    @Override
    public Transport open(TransportContext context) throws AddressInUseException {
        return network.attach(context.localAddress(), context.receiver(), context.scheduler());
    }
}
