package io.synack.core.scenario;

import io.synack.core.wire.DecodeStatus;
import io.synack.core.wire.Segment;
import io.synack.core.wire.TcpCodec;
import io.synack.spi.DatagramFate;
import io.synack.spi.DatagramRecorder;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Records every datagram a loopback network moves, with its fate, decoded so that a scenario can
 * assert on exact segments (flags, SEQ, ACK, window, MSS) — and keeps the raw bytes so that two
 * runs can be compared byte for byte.
 */
final class SegmentTrace implements DatagramRecorder {

    /** One datagram seen by the network. */
    record Seen(long timeNanos, InetAddress source, InetAddress destination, DatagramFate fate, String detail,
            byte[] bytes, int sourcePort, int destinationPort, int flags, int seq, int ack, int window, int mss,
            int payloadLength) {

        boolean is(int exactFlags) {
            return (flags & ~Segment.PSH) == exactFlags;
        }

        boolean has(int mask) {
            return (flags & mask) == mask;
        }

        boolean from(InetAddress address) {
            return source.equals(address);
        }

        @Override
        public String toString() {
            return String.format("%9.6fs %s %s:%d > %s:%d [%s] seq %s ack %s win %d%s len %d", timeNanos / 1e9, fate,
                    source.getHostAddress(), sourcePort, destination.getHostAddress(), destinationPort,
                    Segment.flagsToString(flags), Integer.toUnsignedString(seq),
                    (flags & Segment.ACK) != 0 ? Integer.toUnsignedString(ack) : "-", window,
                    mss != Segment.ABSENT ? " mss " + mss : "", payloadLength)
                    + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }

    private final List<Seen> seen = new ArrayList<>();
    private final List<Seen> cleared = new ArrayList<>();
    private final Segment scratch = new Segment();

    @Override
    public synchronized void record(long timeNanos, InetAddress source, InetAddress destination, ByteBuffer segment,
            DatagramFate fate, String detail) {
        byte[] bytes = new byte[segment.remaining()];
        segment.duplicate().get(bytes);
        DecodeStatus status = TcpCodec.decode(ByteBuffer.wrap(bytes), source, destination, false, scratch);
        if (status != DecodeStatus.OK) {
            seen.add(new Seen(timeNanos, source, destination, fate, status.reason(), bytes, -1, -1, 0, 0, 0, 0,
                    Segment.ABSENT, 0));
            return;
        }
        seen.add(new Seen(timeNanos, source, destination, fate, detail, bytes, scratch.sourcePort,
                scratch.destinationPort, scratch.flags, scratch.seq, scratch.ack, scratch.window, scratch.mss,
                scratch.payloadLength()));
    }

    /** Every datagram as the sender handed it to the network, in order. */
    synchronized List<Seen> sent() {
        return seen.stream().filter(s -> s.fate() == DatagramFate.SENT).toList();
    }

    /** Every datagram with {@code fate}, in order. */
    synchronized List<Seen> withFate(DatagramFate fate) {
        return seen.stream().filter(s -> s.fate() == fate).toList();
    }

    /** Every datagram handed to a receiving stack, in order. */
    synchronized List<Seen> delivered() {
        return seen.stream().filter(s -> s.fate() == DatagramFate.DELIVERED).toList();
    }

    /** Sent segments matching {@code filter}. */
    synchronized List<Seen> sent(Predicate<Seen> filter) {
        return sent().stream().filter(filter).toList();
    }

    /** Everything, every fate. */
    synchronized List<Seen> all() {
        return List.copyOf(seen);
    }

    /** Sets aside what was recorded so far: the other views start empty again. */
    synchronized void clear() {
        cleared.addAll(seen);
        seen.clear();
    }

    /** Everything since the start, what {@link #clear()} set aside included. */
    synchronized List<Seen> history() {
        List<Seen> all = new ArrayList<>(cleared);
        all.addAll(seen);
        return all;
    }

    /** The trace as lines, for failure messages. */
    synchronized String dump() {
        StringBuilder b = new StringBuilder();
        for (Seen s : seen) {
            b.append(s).append('\n');
        }
        return b.toString();
    }
}
