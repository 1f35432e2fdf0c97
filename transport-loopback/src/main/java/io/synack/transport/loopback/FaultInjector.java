package io.synack.transport.loopback;

import io.synack.api.SynackException;
import io.synack.spi.Availability;
import io.synack.spi.DatagramRecorder;
import io.synack.spi.Transport;
import io.synack.spi.TransportContext;
import io.synack.spi.TransportFactory;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A seeded fault model around any transport (the shape of smoltcp's {@code phy/fault_injector.rs}):
 * a {@link TransportFactory} whose endpoints are {@link FaultInjectingTransport}s around the
 * endpoints of the factory it wraps. Every fault is decided by the path's {@link FaultPlan} from
 * the {@link FaultModel}, with randomness from the one seed: the same seed and the same traffic give
 * the same fates, datagram for datagram.
 *
 * <p><b>Where a datagram meets its faults, once.</b> A datagram sent by an endpoint of this
 * injector meets the faults of its path on the way out, in {@code send}. A datagram that arrives
 * from an address that is not (and never was) an endpoint of this injector — the Linux kernel's
 * TCP over raw sockets, say — meets them on the way in, before the stack sees it. So on the
 * loopback network, where both ends are wrapped, no datagram is faulted twice.
 *
 * <p><b>Time.</b> Delays are {@link io.synack.spi.Scheduler#schedule scheduled} on the endpoint's
 * scheduler, so the same code runs in virtual and real time. Times in plans (partition windows,
 * holds) are measured from the epoch: the scheduler clock when the first endpoint was opened.
 *
 * <p><b>Recording.</b> The injector records the fates it decides — {@code DROPPED} (with reason
 * {@code script: …}, {@code partition}, {@code mtu}, {@code burst-loss}, {@code loss}),
 * {@code CORRUPTED}, {@code DELAYED} ({@code until Tns (+d)}) and {@code DUPLICATED} — at the time it
 * decides them. The wrapped transport records {@code SENT} and {@code DELIVERED} when it moves the
 * datagram, so a delayed datagram shows {@code DELAYED} at the stack's send time, then {@code SENT}
 * at the end of its delay. A delayed datagram whose endpoint closes before it leaves is dropped
 * with reason {@code endpoint-closed}.
 */
public final class FaultInjector implements TransportFactory {

    private record PathKey(InetAddress source, InetAddress destination) {}

    private final TransportFactory inner;
    private final FaultModel model;
    private final long seed;
    private final DatagramRecorder recorder;
    private final ConcurrentMap<PathKey, PathFaults> paths = new ConcurrentHashMap<>();
    private final Set<InetAddress> endpoints = ConcurrentHashMap.newKeySet();
    private final Object epochLock = new Object();
    private volatile boolean epochSet;
    private volatile long epoch;

    /**
     * Faults without recording.
     *
     * @param inner the transport to wrap
     * @param model the faults of every path
     * @param seed the one seed all randomness derives from
     */
    public FaultInjector(TransportFactory inner, FaultModel model, long seed) {
        this(inner, model, seed, DatagramRecorder.NONE);
    }

    /**
     * Faults with a recorder of every fate the injector decides.
     *
     * @param inner the transport to wrap
     * @param model the faults of every path
     * @param seed the one seed all randomness derives from
     * @param recorder where fates go
     */
    public FaultInjector(TransportFactory inner, FaultModel model, long seed, DatagramRecorder recorder) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.model = Objects.requireNonNull(model, "model");
        this.seed = seed;
        this.recorder = Objects.requireNonNull(recorder, "recorder");
    }

    /** The faults. */
    public FaultModel model() {
        return model;
    }

    /** The seed that replays this injector's fates. */
    public long seed() {
        return seed;
    }

    /** The factory wrapped. */
    public TransportFactory inner() {
        return inner;
    }

    /**
     * The epoch on the schedulers' clock, from which plan times are measured.
     *
     * @throws IllegalStateException before the first endpoint was opened
     */
    public long epochNanos() {
        if (!epochSet) {
            throw new IllegalStateException("the epoch is set when the first endpoint opens");
        }
        return epoch;
    }

    @Override
    public Availability availability() {
        return inner.availability();
    }

    @Override
    public boolean supportsIpv6() {
        return inner.supportsIpv6();
    }

    /** The wrapped transport's promise; the fault model may reorder on purpose. */
    @Override
    public boolean preservesOrder() {
        return inner.preservesOrder();
    }

    @Override
    public Transport open(TransportContext context) throws SynackException {
        synchronized (epochLock) {
            if (!epochSet) {
                epoch = context.scheduler().nanoTime();
                epochSet = true; // after epoch: a reader that sees the flag sees the epoch
            }
        }
        FaultInjectingTransport endpoint = FaultInjectingTransport.open(this, inner, context);
        endpoints.add(context.localAddress());
        return endpoint;
    }

    DatagramRecorder recorder() {
        return recorder;
    }

    /** Whether datagrams from {@code source} were already faulted on their way out. */
    boolean faultedAtSource(InetAddress source) {
        return endpoints.contains(source);
    }

    /**
     * The state of a path, created on its first datagram and shared by every endpoint of this
     * injector (an endpoint closed and reopened on the same address continues its paths' counts).
     */
    PathFaults path(InetAddress source, InetAddress destination) {
        return paths.computeIfAbsent(new PathKey(source, destination),
                k -> new PathFaults(source, destination, model.planFor(source, destination), seed));
    }

    @Override
    public String toString() {
        return "faults(" + model + ", seed " + seed + ") around " + inner;
    }
}
