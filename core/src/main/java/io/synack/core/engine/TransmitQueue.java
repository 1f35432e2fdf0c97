package io.synack.core.engine;

import io.synack.core.wire.Segment;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Segments the engine has decided to send and the driver has not yet polled. Entries and their
 * payload buffers are recycled, so a steady flow of segments allocates nothing.
 */
final class TransmitQueue {

    /** One queued segment: header fields and a private copy of the payload. */
    static final class Entry {
        InetAddress destination;
        final Segment segment = new Segment();
        ByteBuffer payload = ByteBuffer.allocate(0);

        /** A payload buffer of at least {@code n} bytes, cleared, for the caller to fill. */
        ByteBuffer payloadBuffer(int n) {
            if (payload.capacity() < n) {
                payload = ByteBuffer.allocate(Math.max(n, 2 * payload.capacity()));
            }
            payload.clear();
            return payload;
        }
    }

    private Entry[] ring = new Entry[16];
    private int head;
    private int size;

    /** A cleared entry at the tail of the queue, to be filled by the caller. */
    Entry add(InetAddress destination) {
        if (size == ring.length) {
            Entry[] bigger = new Entry[ring.length * 2];
            for (int i = 0; i < size; i++) {
                bigger[i] = ring[(head + i) % ring.length];
            }
            ring = bigger;
            head = 0;
        }
        int i = (head + size) % ring.length;
        Entry e = ring[i];
        if (e == null) {
            e = new Entry();
            ring[i] = e;
        }
        e.destination = destination;
        e.segment.clear();
        e.payload.clear().limit(0);
        size++;
        return e;
    }

    /**
     * Moves the head entry into {@code out}; its payload stays a view of the entry's buffer,
     * valid until the entry is reused.
     */
    InetAddress poll(Segment out) {
        if (size == 0) {
            return null;
        }
        Entry e = ring[head];
        head = (head + 1) % ring.length;
        size--;
        Segment s = e.segment;
        out.clear();
        out.sourcePort = s.sourcePort;
        out.destinationPort = s.destinationPort;
        out.seq = s.seq;
        out.ack = s.ack;
        out.flags = s.flags;
        out.window = s.window;
        out.urgentPointer = s.urgentPointer;
        out.mss = s.mss;
        out.windowScale = s.windowScale;
        out.sackPermitted = s.sackPermitted;
        out.hasTimestamps = s.hasTimestamps;
        out.tsVal = s.tsVal;
        out.tsEcr = s.tsEcr;
        out.sackBlockCount = s.sackBlockCount;
        System.arraycopy(s.sackBlocks, 0, out.sackBlocks, 0, 2 * s.sackBlockCount);
        if (e.payload.limit() > 0) {
            out.payload = e.payload;
        }
        InetAddress d = e.destination;
        e.destination = null;
        return d;
    }

    int size() {
        return size;
    }
}
