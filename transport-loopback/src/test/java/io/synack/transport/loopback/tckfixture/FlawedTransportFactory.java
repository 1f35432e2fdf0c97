package io.synack.transport.loopback.tckfixture;

import io.synack.api.AddressInUseException;
import io.synack.api.SynackException;
import io.synack.spi.Availability;
import io.synack.spi.Scheduler;
import io.synack.spi.Transport;
import io.synack.spi.TransportClosedException;
import io.synack.spi.TransportContext;
import io.synack.spi.TransportFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small in-memory transport that is correct except for one {@link Flaw}, to show that the
 * transport contract test catches each.
 */
public final class FlawedTransportFactory implements TransportFactory {

    /** The one thing done wrong (or nothing). */
    public enum Flaw {
        /** A correct transport. */
        NONE,
        /** Hands the sender's buffer to the receiver later instead of a copy. */
        NO_COPY,
        /** Delivers on the sender's thread, not the receiver's scheduler. */
        WRONG_THREAD,
        /** Sends after close as if open. */
        SEND_AFTER_CLOSE,
        /** Delivers datagrams queued before close even after close returned. */
        DELIVER_AFTER_CLOSE,
        /** Promises order but holds each endpoint's first datagram until its second was sent (or 20ms). */
        REORDERS
    }

    private final Flaw flaw;
    private final Map<InetAddress, Endpoint> attached = new ConcurrentHashMap<>();

    /** @param flaw what to do wrong */
    public FlawedTransportFactory(Flaw flaw) {
        this.flaw = flaw;
    }

    @Override
    public Availability availability() {
        return Availability.yes();
    }

    @Override
    public boolean supportsIpv6() {
        return false;
    }

    @Override
    public boolean preservesOrder() {
        return true;
    }

    @Override
    public Transport open(TransportContext context) throws SynackException {
        Endpoint e = new Endpoint(context);
        if (attached.putIfAbsent(context.localAddress(), e) != null) {
            throw new AddressInUseException(context.localAddress() + " in use");
        }
        return e;
    }

    private final class Endpoint implements Transport {
        private final TransportContext context;
        private volatile boolean closed;
        private boolean heldOnce;
        private ByteBuffer heldForSwap;
        private InetAddress heldDestination;

        Endpoint(TransportContext context) {
            this.context = context;
        }

        @Override
        public InetAddress localAddress() {
            return context.localAddress();
        }

        @Override
        public int maxSegmentSize() {
            return 1460;
        }

        @Override
        public synchronized void send(InetAddress destination, ByteBuffer segment) throws SynackException {
            if (closed && flaw != Flaw.SEND_AFTER_CLOSE) {
                throw new TransportClosedException("closed");
            }
            if ((destination instanceof Inet4Address) != (localAddress() instanceof Inet4Address)) {
                throw new SynackException("family");
            }
            if (segment.remaining() > 1460) {
                throw new SynackException("larger than 1460");
            }
            ByteBuffer data;
            if (flaw == Flaw.NO_COPY) {
                data = segment.duplicate();
            } else {
                data = ByteBuffer.allocate(segment.remaining()).put(segment.duplicate()).flip();
            }
            segment.position(segment.limit());
            if (flaw == Flaw.REORDERS && !heldOnce) {
                heldOnce = true;
                heldForSwap = data;
                heldDestination = destination;
                context.scheduler().schedule(context.scheduler().nanoTime() + 20_000_000L, this::releaseHeld);
                return;
            }
            route(destination, data);
            releaseHeld();
        }

        private synchronized void releaseHeld() {
            if (heldForSwap != null) {
                route(heldDestination, heldForSwap);
                heldForSwap = null;
            }
        }

        private void route(InetAddress destination, ByteBuffer data) {
            Endpoint to = attached.get(destination);
            if (to == null) {
                return;
            }
            InetAddress source = localAddress();
            Runnable delivery = () -> {
                if (!to.closed || flaw == Flaw.DELIVER_AFTER_CLOSE) {
                    to.context.receiver().receive(source, destination, data.duplicate());
                }
            };
            Scheduler scheduler = to.context.scheduler();
            if (flaw == Flaw.WRONG_THREAD) {
                delivery.run();
            } else {
                scheduler.execute(delivery);
            }
        }

        @Override
        public void close() {
            closed = true;
            attached.remove(localAddress(), this);
        }
    }
}
