package io.synack.core.scenario;

import io.synack.api.SynackException;
import io.synack.core.wire.DecodeStatus;
import io.synack.core.wire.Segment;
import io.synack.core.wire.TcpCodec;
import io.synack.spi.Availability;
import io.synack.spi.DatagramFate;
import io.synack.spi.DatagramRecorder;
import io.synack.spi.Scheduler;
import io.synack.spi.Transport;
import io.synack.spi.TransportContext;
import io.synack.spi.TransportFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A transport decorator for scripted, targeted faults: each segment a stack sends is shown to the
 * current {@link Rule}, which lets it pass, drops it, holds it back (to be released later by the
 * test), delays it, or passes it and holds a duplicate. A test can also inject crafted segments
 * as if another host sent them. Where the loopback fault model is random and seeded, this one is
 * exact: "lose the final ACK", "deliver this old SYN first".
 */
final class FaultScript implements TransportFactory {

    /** What to do with one segment. */
    enum Action { PASS, DROP, HOLD, DELAY, PASS_AND_HOLD_COPY }

    /** Decides the fate of each sent segment; {@code segment} is decoded, valid during the call. */
    @FunctionalInterface
    interface Rule {
        Action decide(InetAddress source, InetAddress destination, Segment segment);
    }

    /** A segment held back by the script. */
    record Held(InetAddress source, InetAddress destination, byte[] bytes, int seq, int length, int flags) {}

    private final TransportFactory inner;
    private final DatagramRecorder recorder;
    private final Map<InetAddress, Transport> transports = new HashMap<>();
    private final Map<InetAddress, Scheduler> schedulers = new HashMap<>();
    private final List<Held> held = new ArrayList<>();
    private final Segment decoded = new Segment();
    private Rule rule = (s, d, seg) -> Action.PASS;
    private long delayNanos;

    /**
     * @param inner the network the segments travel on
     * @param recorder told of every segment the script drops ({@code DROPPED}) or holds
     *     ({@code DELAYED}), since those never reach the network's own recorder
     */
    FaultScript(TransportFactory inner, DatagramRecorder recorder) {
        this.inner = inner;
        this.recorder = recorder;
    }

    /** Sets the rule for segments sent from now on. */
    void rule(Rule rule) {
        this.rule = rule;
    }

    /** Sets how long {@link Action#DELAY} holds a segment. */
    void delay(long nanos) {
        this.delayNanos = nanos;
    }

    /** Segments held so far, oldest first. */
    List<Held> held() {
        return List.copyOf(held);
    }

    /** Delivers a held segment now, as its sender would have. */
    void release(Held h) throws SynackException {
        held.remove(h);
        transports.get(h.source()).send(h.destination(), ByteBuffer.wrap(h.bytes()));
    }

    /**
     * Sends a crafted segment from {@code source} (a stack of this network) to {@code destination},
     * checksum computed, bypassing the stack at {@code source}.
     */
    void inject(InetAddress source, InetAddress destination, Segment segment) throws SynackException {
        ByteBuffer out = ByteBuffer.allocate(TcpCodec.encodedLength(segment));
        TcpCodec.encode(segment, source, destination, out);
        out.flip();
        transports.get(source).send(destination, out);
    }

    /** Sends raw bytes from {@code source}'s endpoint, as they are: no encoding, no checksum. */
    void injectRaw(InetAddress source, InetAddress destination, byte[] bytes) throws SynackException {
        transports.get(source).send(destination, ByteBuffer.wrap(bytes));
    }

    @Override
    public Availability availability() {
        return inner.availability();
    }

    @Override
    public boolean supportsIpv6() {
        return inner.supportsIpv6();
    }

    @Override
    public boolean preservesOrder() {
        return inner.preservesOrder();
    }

    @Override
    public Transport open(TransportContext context) throws SynackException {
        Transport transport = inner.open(context);
        transports.put(context.localAddress(), transport);
        schedulers.put(context.localAddress(), context.scheduler());
        return new Transport() {
            @Override
            public InetAddress localAddress() {
                return transport.localAddress();
            }

            @Override
            public void send(InetAddress destination, ByteBuffer segment) throws SynackException {
                byte[] bytes = new byte[segment.remaining()];
                segment.get(bytes);
                if (TcpCodec.decode(ByteBuffer.wrap(bytes), null, null, false, decoded) != DecodeStatus.OK) {
                    transport.send(destination, ByteBuffer.wrap(bytes));
                    return;
                }
                Held h = new Held(context.localAddress(), destination, bytes, decoded.seq, decoded.payloadLength(),
                        decoded.flags);
                switch (rule.decide(context.localAddress(), destination, decoded)) {
                    case PASS -> transport.send(destination, ByteBuffer.wrap(bytes));
                    case DROP -> recorder.record(context.scheduler().nanoTime(), context.localAddress(), destination,
                            ByteBuffer.wrap(bytes), DatagramFate.DROPPED, "fault-script");
                    case HOLD -> {
                        held.add(h);
                        recorder.record(context.scheduler().nanoTime(), context.localAddress(), destination,
                                ByteBuffer.wrap(bytes), DatagramFate.DELAYED, "held by the fault script");
                    }
                    case PASS_AND_HOLD_COPY -> {
                        held.add(h);
                        transport.send(destination, ByteBuffer.wrap(bytes));
                    }
                    case DELAY -> {
                        Scheduler scheduler = context.scheduler();
                        scheduler.schedule(scheduler.nanoTime() + delayNanos, () -> {
                            try {
                                transport.send(destination, ByteBuffer.wrap(bytes));
                            } catch (SynackException e) {
                                // the sender closed meanwhile: the datagram is lost, as on a real network
                            }
                        });
                    }
                }
            }

            @Override
            public int maxSegmentSize() {
                return transport.maxSegmentSize();
            }

            @Override
            public void close() {
                transport.close();
            }
        };
    }
}
