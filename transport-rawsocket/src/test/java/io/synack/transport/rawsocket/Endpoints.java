package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.fail;

import io.synack.spi.TransportContext;
import io.synack.spi.tck.ThreadScheduler;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Opens raw-socket endpoints inside test namespaces, each with its own scheduler and a queue of
 * what its receiver got, and closes them all.
 */
final class Endpoints implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A datagram as a receiver got it. */
    record Received(InetAddress source, InetAddress destination, byte[] bytes) {}

    /** One open endpoint. */
    static final class Endpoint {
        final RawSocketTransport transport;
        final ThreadScheduler scheduler;
        final BlockingQueue<Received> received;

        Endpoint(RawSocketTransport transport, ThreadScheduler scheduler, BlockingQueue<Received> received) {
            this.transport = transport;
            this.scheduler = scheduler;
            this.received = received;
        }

        InetAddress address() {
            return transport.localAddress();
        }

        void send(InetAddress to, byte[] bytes) throws Exception {
            transport.send(to, ByteBuffer.wrap(bytes));
        }

        Received next() throws InterruptedException {
            Received r = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (r == null) {
                fail("no datagram arrived at " + address().getHostAddress() + " within " + TIMEOUT);
            }
            return r;
        }
    }

    private final List<Runnable> opened = new ArrayList<>();

    /**
     * Opens an endpoint at {@code address} inside {@code ns}.
     *
     * @param ns the namespace holding the address
     * @param address where
     * @param config how
     * @return the endpoint
     * @throws Exception if opening fails
     */
    Endpoint open(NetworkNamespace ns, InetAddress address, RawSocketConfiguration config) throws Exception {
        return open(ns, address, new RawSocketTransportFactory(config));
    }

    Endpoint open(NetworkNamespace ns, InetAddress address, RawSocketTransportFactory factory) throws Exception {
        ThreadScheduler scheduler = new ThreadScheduler("test " + address.getHostAddress());
        opened.add(scheduler::close);
        BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        RawSocketTransport t = ns.call(() -> (RawSocketTransport) factory.open(new TransportContext(address,
                (s, d, segment) -> {
                    byte[] bytes = new byte[segment.remaining()];
                    segment.get(bytes);
                    received.add(new Received(s, d, bytes));
                }, scheduler)));
        opened.add(t::close);
        return new Endpoint(t, scheduler, received);
    }

    @Override
    public void close() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).run();
        }
        opened.clear();
    }
}
