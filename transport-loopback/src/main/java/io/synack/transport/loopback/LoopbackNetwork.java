package io.synack.transport.loopback;

import io.synack.api.AddressInUseException;
import io.synack.spi.DatagramFate;
import io.synack.spi.DatagramReceiver;
import io.synack.spi.DatagramRecorder;
import io.synack.spi.Scheduler;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * An in-memory IP network: endpoints attach by IP address, and a datagram sent to an address is
 * delivered to whoever is attached there, FIFO per sender and receiver, on the receiving
 * endpoint's {@link Scheduler}. It is an instance, never a static registry, so that two networks
 * (two tests, two simulations) never see each other's traffic — the counter-example is Netty's
 * JVM-global {@code LocalChannelRegistry}.
 *
 * <p>Its largest segments are those of real IP: 65515 bytes over IPv4 (the 16-bit total length
 * less a 20-byte header without options, RFC 791 §3.1) and 65535 over IPv6 (the 16-bit payload
 * length, no extension headers, no jumbograms, RFC 8200 §3). Both can be lowered, e.g. to model a
 * 1500-byte Ethernet path.
 *
 * <p>A datagram sent to an address nobody holds is dropped and recorded as {@link
 * DatagramFate#DROPPED} with reason {@code no-route}. The {@link #recorder(DatagramRecorder)
 * recorder} sees {@code SENT} on the sender's thread and {@code DELIVERED} on the receiver's.
 *
 * <p>Thread-safe: endpoints may attach, send and close from any thread.
 */
public final class LoopbackNetwork {

    /** The largest TCP segment an IPv4 datagram carries: 65535 - 20 (RFC 791 §3.1). */
    public static final int IPV4_MAX_SEGMENT_SIZE = 65_535 - 20;
    /** The largest TCP segment an IPv6 datagram carries without jumbograms: 65535 (RFC 8200 §3). */
    public static final int IPV6_MAX_SEGMENT_SIZE = 65_535;

    private final ConcurrentMap<InetAddress, LoopbackTransport> attached = new ConcurrentHashMap<>();
    private final int ipv4MaxSegmentSize;
    private final int ipv6MaxSegmentSize;
    private volatile DatagramRecorder recorder = DatagramRecorder.NONE;

    /** A network carrying segments up to the IP maximum of each family. */
    public LoopbackNetwork() {
        this(IPV4_MAX_SEGMENT_SIZE, IPV6_MAX_SEGMENT_SIZE);
    }

    /**
     * A network with smaller segment limits.
     *
     * @param ipv4MaxSegmentSize largest segment over IPv4, from 556 (RFC 791's 576-byte datagram
     *     less its header) to {@link #IPV4_MAX_SEGMENT_SIZE}
     * @param ipv6MaxSegmentSize largest segment over IPv6, from 1240 (RFC 8200's 1280-byte minimum
     *     MTU less its header) to {@link #IPV6_MAX_SEGMENT_SIZE}
     */
    public LoopbackNetwork(int ipv4MaxSegmentSize, int ipv6MaxSegmentSize) {
        this.ipv4MaxSegmentSize = inRange("IPv4", ipv4MaxSegmentSize, 556, IPV4_MAX_SEGMENT_SIZE);
        this.ipv6MaxSegmentSize = inRange("IPv6", ipv6MaxSegmentSize, 1240, IPV6_MAX_SEGMENT_SIZE);
    }

    /**
     * Sets who sees every datagram and its fate.
     *
     * @param recorder the recorder, or {@link DatagramRecorder#NONE}
     */
    public void recorder(DatagramRecorder recorder) {
        this.recorder = Objects.requireNonNull(recorder, "recorder");
    }

    /** The current recorder. */
    public DatagramRecorder recorder() {
        return recorder;
    }

    /**
     * Attaches an endpoint at {@code address}.
     *
     * @param address the endpoint's IP address, IPv4 or IPv6
     * @param receiver where its datagrams go, called on {@code scheduler}'s thread
     * @param scheduler the receiving stack's thread and clock
     * @return the open endpoint
     * @throws AddressInUseException if an open endpoint already holds {@code address}
     */
    public LoopbackTransport attach(InetAddress address, DatagramReceiver receiver, Scheduler scheduler)
            throws AddressInUseException {
        Objects.requireNonNull(address, "address");
        LoopbackTransport endpoint = new LoopbackTransport(this, address,
                Objects.requireNonNull(receiver, "receiver"), Objects.requireNonNull(scheduler, "scheduler"),
                address instanceof Inet4Address ? ipv4MaxSegmentSize : ipv6MaxSegmentSize);
        if (attached.putIfAbsent(address, endpoint) != null) {
            throw new AddressInUseException("loopback address " + address.getHostAddress()
                    + " is already attached to an open endpoint");
        }
        return endpoint;
    }

    /** Whether an open endpoint holds {@code address}. */
    public boolean isAttached(InetAddress address) {
        return attached.containsKey(address);
    }

    /** Called by the sending endpoint, on its thread, with a private copy of the bytes. */
    void route(LoopbackTransport from, InetAddress destination, byte[] bytes) {
        DatagramRecorder r = recorder;
        InetAddress source = from.localAddress();
        if (r != DatagramRecorder.NONE) {
            r.record(from.scheduler().nanoTime(), source, destination, ByteBuffer.wrap(bytes).asReadOnlyBuffer(),
                    DatagramFate.SENT, "");
        }
        LoopbackTransport to = attached.get(destination);
        if (to == null) {
            r.record(from.scheduler().nanoTime(), source, destination, ByteBuffer.wrap(bytes).asReadOnlyBuffer(),
                    DatagramFate.DROPPED, "no-route");
            return;
        }
        // The receiving stack's execute() is FIFO, and a sender sends from one thread, so datagrams
        // between one pair arrive in the order sent.
        to.scheduler().execute(() -> to.deliver(source, destination, bytes));
    }

    /** A datagram was handed to the receiving endpoint. */
    void delivered(LoopbackTransport to, InetAddress source, byte[] bytes) {
        DatagramRecorder r = recorder;
        if (r == DatagramRecorder.NONE) {
            return;
        }
        r.record(to.scheduler().nanoTime(), source, to.localAddress(),
                ByteBuffer.wrap(bytes).asReadOnlyBuffer(), DatagramFate.DELIVERED, "");
    }

    /** A datagram was in flight to an endpoint that closed before it arrived. */
    void droppedAtClosedEndpoint(LoopbackTransport to, InetAddress source, byte[] bytes) {
        recorder.record(to.scheduler().nanoTime(), source, to.localAddress(),
                ByteBuffer.wrap(bytes).asReadOnlyBuffer(), DatagramFate.DROPPED, "endpoint-closed");
    }

    void detach(LoopbackTransport endpoint) {
        attached.remove(endpoint.localAddress(), endpoint);
    }

    private static int inRange(String family, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(family + " maximum segment size " + value + " is not in " + min
                    + ".." + max);
        }
        return value;
    }

    @Override
    public String toString() {
        return "LoopbackNetwork" + attached.keySet();
    }
}
