package io.synack.transport.loopback;

import io.synack.api.SynackException;
import io.synack.spi.Availability;
import io.synack.spi.DatagramRecorder;
import io.synack.spi.Settings;
import io.synack.spi.Transport;
import io.synack.spi.TransportContext;
import io.synack.spi.TransportFactory;
import jakarta.inject.Inject;
import java.util.Objects;

/**
 * Opens endpoints on one {@link LoopbackNetwork}, with the faults of a {@link FaultModel} when it
 * has any. Always available; IPv4 and IPv6; absent faults, datagrams between one pair of
 * endpoints arrive in the order sent.
 *
 * <p>The fault injector's fates go to the network's {@linkplain LoopbackNetwork#recorder()
 * recorder}, beside the network's own {@code SENT}/{@code DELIVERED}/{@code no-route} records.
 */
public final class LoopbackTransportFactory implements TransportFactory {

    private final LoopbackNetwork network;
    private final FaultInjector faults;

    /**
     * A factory without faults.
     *
     * @param network the network, shared by every stack that should reach the others
     */
    public LoopbackTransportFactory(LoopbackNetwork network) {
        this.network = Objects.requireNonNull(network, "network");
        this.faults = null;
    }

    /**
     * A factory applying {@code model} to every datagram.
     *
     * @param network the network
     * @param model the faults; {@link FaultModel#NONE} for none
     * @param seed the seed every random fault choice derives from
     */
    public LoopbackTransportFactory(LoopbackNetwork network, FaultModel model, long seed) {
        this.network = Objects.requireNonNull(network, "network");
        DatagramRecorder toNetworkRecorder = (t, s, d, segment, fate, detail) ->
                network.recorder().record(t, s, d, segment, fate, detail);
        this.faults = model.isNone() ? null
                : new FaultInjector(new LoopbackTransportFactory(network), model, seed, toNetworkRecorder);
    }

    @Inject
    LoopbackTransportFactory(LoopbackNetwork network, Settings settings) {
        this(network, LoopbackSettings.faultModel(settings), settings.get(LoopbackSettings.SEED));
    }

    /** The network endpoints attach to. */
    public LoopbackNetwork network() {
        return network;
    }

    /** The fault model applied ({@link FaultModel#NONE} when none). */
    public FaultModel faultModel() {
        return faults == null ? FaultModel.NONE : faults.model();
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
    public Transport open(TransportContext context) throws SynackException {
        if (faults != null) {
            return faults.open(context);
        }
        return network.attach(context.localAddress(), context.receiver(), context.scheduler());
    }

    @Override
    public String toString() {
        return faults == null ? "loopback" : "loopback with faults " + faults.model() + " (seed " + faults.seed() + ")";
    }
}
