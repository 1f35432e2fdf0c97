package io.synack.core.driver;

import io.synack.api.AddressInUseException;
import io.synack.api.SynackException;
import io.synack.spi.Availability;
import io.synack.spi.Transport;
import io.synack.spi.TransportClosedException;
import io.synack.spi.TransportContext;
import io.synack.spi.TransportFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal lossless in-memory network for the driver's tests: a send copies the bytes and
 * delivers them through the receiver's scheduler; datagrams to unknown addresses vanish.
 */
final class PipeNetwork implements TransportFactory {

    /** One datagram handed to the network. */
    record Sent(InetAddress source, InetAddress destination, byte[] bytes) {}

    final Map<InetAddress, TransportContext> endpoints = new HashMap<>();
    final List<Sent> sent = new ArrayList<>();
    int closedEndpoints;

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

    /** Injects a datagram as if it came from {@code source}. */
    void inject(InetAddress source, InetAddress destination, ByteBuffer bytes) {
        TransportContext to = endpoints.get(destination);
        byte[] copy = new byte[bytes.remaining()];
        bytes.duplicate().get(copy);
        to.scheduler().execute(() -> to.receiver().receive(source, destination, ByteBuffer.wrap(copy)));
    }

    @Override
    public synchronized Transport open(TransportContext context) throws SynackException {
        if (endpoints.containsKey(context.localAddress())) {
            throw new AddressInUseException(context.localAddress() + " is in use");
        }
        endpoints.put(context.localAddress(), context);
        return new Transport() {
            boolean closed;

            @Override
            public InetAddress localAddress() {
                return context.localAddress();
            }

            @Override
            public void send(InetAddress destination, ByteBuffer segment) throws SynackException {
                if (closed) {
                    throw new TransportClosedException(context.localAddress() + " is closed");
                }
                byte[] copy = new byte[segment.remaining()];
                segment.get(copy);
                synchronized (PipeNetwork.this) {
                    sent.add(new Sent(context.localAddress(), destination, copy));
                }
                TransportContext to = endpoints.get(destination);
                if (to != null) {
                    to.scheduler().execute(() -> to.receiver().receive(context.localAddress(), destination,
                            ByteBuffer.wrap(copy)));
                }
            }

            @Override
            public int maxSegmentSize() {
                return 1500;
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    synchronized (PipeNetwork.this) {
                        endpoints.remove(context.localAddress());
                        closedEndpoints++;
                    }
                }
            }
        };
    }
}
