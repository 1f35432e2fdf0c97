package io.synack.transport.loopback;

import io.synack.api.SynackException;
import io.synack.spi.Transport;
import io.synack.spi.TransportContext;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback network in virtual time with a {@link FaultInjector} around it, two wrapped endpoints
 * {@code a} and {@code b}, and every arrival kept with its virtual time.
 */
final class FaultHarness {

    /** A datagram as a receiver got it. */
    record Arrival(long time, InetAddress source, InetAddress destination, byte[] bytes) {
        int number() {
            return ByteBuffer.wrap(bytes).getInt(0);
        }
    }

    final VirtualScheduler scheduler = new VirtualScheduler();
    final LoopbackNetwork network = new LoopbackNetwork();
    final RecordedFates fates = new RecordedFates();
    final FaultInjector injector;
    final InetAddress addressA;
    final InetAddress addressB;
    final Transport a;
    final Transport b;
    final List<Arrival> atA = new ArrayList<>();
    final List<Arrival> atB = new ArrayList<>();

    FaultHarness(String model, long seed) throws SynackException {
        this(FaultModel.parse(model), seed, "10.0.0.1", "10.0.0.2");
    }

    FaultHarness(FaultModel model, long seed, String first, String second) throws SynackException {
        network.recorder(fates);
        injector = new FaultInjector(new LoopbackTransportFactory(network), model, seed, fates);
        addressA = LoopbackNetworkTest.ip(first);
        addressB = LoopbackNetworkTest.ip(second);
        a = open(addressA, atA);
        b = open(addressB, atB);
    }

    Transport open(InetAddress address, List<Arrival> into) throws SynackException {
        return injector.open(new TransportContext(address, (s, d, seg) -> {
            byte[] bytes = new byte[seg.remaining()];
            seg.get(bytes);
            into.add(new Arrival(scheduler.nanoTime(), s, d, bytes));
        }, scheduler));
    }

    /** Sends {@code count} datagrams of {@code size} bytes from a to b, numbered 0.., one every {@code gapNanos}. */
    void sendNumbered(int count, int size, long gapNanos) throws SynackException {
        for (int i = 0; i < count; i++) {
            scheduler.runUntil(i * gapNanos);
            a.send(addressB, numbered(i, size));
        }
        scheduler.runAll();
    }

    static ByteBuffer numbered(int n, int size) {
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putInt(0, n);
        for (int i = 4; i < size; i++) {
            buffer.put(i, (byte) (n * 31 + i));
        }
        return buffer;
    }
}
