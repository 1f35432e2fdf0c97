package io.synack.transport.loopback;

import io.synack.api.SynackException;
import io.synack.spi.DatagramFate;
import io.synack.spi.DatagramReceiver;
import io.synack.spi.Scheduler;
import io.synack.spi.Transport;
import io.synack.spi.TransportClosedException;
import io.synack.spi.TransportContext;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One endpoint of a {@link FaultInjector}: it applies the faults of each outbound path in
 * {@link #send}, and those of inbound paths from addresses outside the injector before its
 * receiver sees a datagram. A path without faults costs a map lookup and nothing else: the
 * datagram passes straight through, uncopied.
 *
 * <p>Size and family are checked when the stack sends, not when a delayed datagram leaves, so the
 * stack gets the error. After {@link #close()} returns nothing more is delivered to the receiver,
 * and delayed outbound datagrams still waiting are dropped.
 */
public final class FaultInjectingTransport implements Transport {

    private final FaultInjector injector;
    private final InetAddress localAddress;
    private final DatagramReceiver receiver;
    private final Scheduler scheduler;
    private final ReentrantLock delivering = new ReentrantLock();
    /** This endpoint's view of the injector's paths, by peer: a lookup that allocates nothing. */
    private final ConcurrentHashMap<InetAddress, PathFaults> outbound = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetAddress, PathFaults> inbound = new ConcurrentHashMap<>();
    private volatile Transport inner;
    private volatile boolean closed;

    private FaultInjectingTransport(FaultInjector injector, TransportContext context) {
        this.injector = injector;
        this.localAddress = context.localAddress();
        this.receiver = context.receiver();
        this.scheduler = context.scheduler();
    }

    static FaultInjectingTransport open(FaultInjector injector, io.synack.spi.TransportFactory factory,
            TransportContext context) throws SynackException {
        FaultInjectingTransport t = new FaultInjectingTransport(injector, context);
        t.inner = factory.open(new TransportContext(context.localAddress(), t::arrived, context.scheduler()));
        return t;
    }

    @Override
    public InetAddress localAddress() {
        return localAddress;
    }

    /** The wrapped transport's limit; an MTU fault drops silently, as a path-MTU black hole does. */
    @Override
    public int maxSegmentSize() {
        return inner.maxSegmentSize();
    }

    @Override
    public void send(InetAddress destination, ByteBuffer segment) throws SynackException {
        if (closed) {
            throw new TransportClosedException("endpoint " + localAddress.getHostAddress()
                    + " (with faults) is closed; cannot send to " + destination.getHostAddress());
        }
        PathFaults path = outbound.get(destination);
        if (path == null) {
            path = outbound.computeIfAbsent(destination, d -> injector.path(localAddress, d));
        }
        if (path.isNone()) {
            inner.send(destination, segment);
            return;
        }
        if ((destination instanceof Inet4Address) != (localAddress instanceof Inet4Address)) {
            throw new SynackException("cannot send from " + localAddress.getHostAddress() + " to "
                    + destination.getHostAddress() + ": the address families differ");
        }
        int max = inner.maxSegmentSize();
        if (segment.remaining() > max) {
            throw new SynackException("a segment of " + segment.remaining()
                    + " bytes exceeds the maximum segment size of " + max + " bytes at " + localAddress.getHostAddress());
        }
        byte[] bytes = new byte[segment.remaining()];
        segment.get(bytes);
        long now = scheduler.nanoTime();
        path.decide(now, injector.epochNanos(), bytes, injector.recorder(), (at, copy) -> {
            if (at <= now) {
                sendNow(destination, copy);
            } else {
                scheduler.schedule(at, () -> sendNow(destination, copy));
            }
        });
    }

    private void sendNow(InetAddress destination, byte[] bytes) {
        if (closed) {
            injector.recorder().record(scheduler.nanoTime(), localAddress, destination,
                    ByteBuffer.wrap(bytes).asReadOnlyBuffer(), DatagramFate.DROPPED, "endpoint-closed");
            return;
        }
        try {
            inner.send(destination, ByteBuffer.wrap(bytes));
        } catch (SynackException e) {
            // Closed concurrently: the datagram is lost, as IP may lose it.
            injector.recorder().record(scheduler.nanoTime(), localAddress, destination,
                    ByteBuffer.wrap(bytes).asReadOnlyBuffer(), DatagramFate.DROPPED, "endpoint-closed");
        }
    }

    /** The wrapped transport's receiver: on the scheduler thread. */
    private void arrived(InetAddress source, InetAddress destination, ByteBuffer segment) {
        PathFaults path = inbound.get(source);
        if (path == null) {
            path = inbound.computeIfAbsent(source, s -> injector.path(s, localAddress));
        }
        // A source that is an endpoint of this injector faulted the datagram on its way out.
        if (path.isNone() || injector.faultedAtSource(source)) {
            handOver(source, destination, segment);
            return;
        }
        byte[] bytes = new byte[segment.remaining()];
        segment.duplicate().get(bytes);
        long now = scheduler.nanoTime();
        path.decide(now, injector.epochNanos(), bytes, injector.recorder(), (at, copy) -> {
            if (at <= now) {
                handOver(source, destination, ByteBuffer.wrap(copy));
            } else {
                scheduler.schedule(at, () -> handOver(source, destination, ByteBuffer.wrap(copy)));
            }
        });
    }

    private void handOver(InetAddress source, InetAddress destination, ByteBuffer segment) {
        delivering.lock();
        try {
            if (closed) {
                injector.recorder().record(scheduler.nanoTime(), source, destination, segment.asReadOnlyBuffer(),
                        DatagramFate.DROPPED, "endpoint-closed");
                return;
            }
            receiver.receive(source, destination, segment);
        } finally {
            delivering.unlock();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        inner.close();
        // Wait for a hand-over in progress on the scheduler thread: none starts after this.
        delivering.lock();
        delivering.unlock();
    }

    @Override
    public String toString() {
        return inner + " with faults";
    }
}
