package io.synack.transport.loopback;

import io.synack.spi.DatagramFate;
import io.synack.spi.DatagramRecorder;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A recorder that keeps every record, for assertions. */
final class RecordedFates implements DatagramRecorder {

    /** One record. */
    record Entry(long time, InetAddress source, InetAddress destination, byte[] bytes, DatagramFate fate, String detail) {
        @Override
        public String toString() {
            return time + " " + source.getHostAddress() + ">" + destination.getHostAddress() + " " + bytes.length + "B "
                    + fate + (detail.isEmpty() ? "" : " " + detail);
        }
    }

    final List<Entry> entries = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void record(long timeNanos, InetAddress source, InetAddress destination, ByteBuffer segment,
            DatagramFate fate, String detail) {
        byte[] bytes = new byte[segment.remaining()];
        segment.duplicate().get(bytes);
        entries.add(new Entry(timeNanos, source, destination, bytes, fate, detail));
    }

    List<Entry> with(DatagramFate fate) {
        return snapshot().stream().filter(e -> e.fate() == fate).toList();
    }

    long count(DatagramFate fate, String detail) {
        return snapshot().stream().filter(e -> e.fate() == fate && e.detail().equals(detail)).count();
    }

    /** The records as lines, to compare runs. */
    List<String> lines() {
        return snapshot().stream().map(Entry::toString).toList();
    }

    private List<Entry> snapshot() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }
}
