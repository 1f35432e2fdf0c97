package io.synack.transport.loopback;

import io.synack.spi.DatagramFate;
import io.synack.spi.DatagramRecorder;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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

    final List<Entry> entries = new CopyOnWriteArrayList<>();

    @Override
    public void record(long timeNanos, InetAddress source, InetAddress destination, ByteBuffer segment,
            DatagramFate fate, String detail) {
        byte[] bytes = new byte[segment.remaining()];
        segment.duplicate().get(bytes);
        entries.add(new Entry(timeNanos, source, destination, bytes, fate, detail));
    }

    List<Entry> with(DatagramFate fate) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.fate() == fate) {
                out.add(e);
            }
        }
        return out;
    }

    long count(DatagramFate fate, String detail) {
        return entries.stream().filter(e -> e.fate() == fate && e.detail().equals(detail)).count();
    }

    /** The records as lines, to compare runs. */
    List<String> lines() {
        return entries.stream().map(Entry::toString).toList();
    }
}
