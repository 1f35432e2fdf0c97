package io.synack.core.trace;

import io.synack.api.ConnectionEvent;
import io.synack.api.ConnectionEventListener;
import io.synack.core.trace.TraceEntry.Note;
import io.synack.core.trace.TraceEntry.SegmentEntry;
import io.synack.core.trace.TraceEntry.StateEntry;
import io.synack.core.wire.DecodeStatus;
import io.synack.core.wire.Segment;
import io.synack.core.wire.TcpCodec;
import io.synack.spi.DatagramFate;
import io.synack.spi.DatagramRecorder;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Collects what happened between two endpoints — every datagram with its fate and every state
 * change — as {@link TraceEntry}s for a {@link LadderDiagram}. Attach it to a network as its
 * {@link DatagramRecorder} and to both stacks as their {@link ConnectionEventListener}.
 *
 * <p>A datagram is drawn once, when the stack sends it (its DELAYED record, or its SENT record if the
 * network did not delay it); a later DROPPED record for the same bytes turns that arrow into a lost
 * one, and a DUPLICATED record adds an extra arrow. Thread-safe: in real time two stacks' event
 * loops record into it.
 */
public final class Trace implements DatagramRecorder, ConnectionEventListener {

    private final InetAddress left;
    private final List<TraceEntry> entries = new ArrayList<>();
    /** Sent datagrams not yet delivered or dropped: their entry index and bytes. */
    private final Deque<InFlight> inFlight = new ArrayDeque<>();
    private final Segment scratch = new Segment();

    /** A datagram drawn as an arrow whose fate is not known yet; {@code awaitingSend} while the network delays it. */
    private record InFlight(int index, byte[] bytes, boolean awaitingSend) {}

    /** @param left the IP address of the side drawn on the left (the client) */
    public Trace(InetAddress left) {
        this.left = left;
    }

    @Override
    public synchronized void record(long timeNanos, InetAddress source, InetAddress destination, ByteBuffer segment,
            DatagramFate fate, String detail) {
        switch (fate) {
            case DELAYED -> sent(timeNanos, source, segment, fate, detail, true);
            case SENT -> {
                // A delayed datagram was drawn when the stack sent it; now it only leaves the queue.
                InFlight delayed = find(segment, true);
                if (delayed != null) {
                    inFlight.remove(delayed);
                    inFlight.add(new InFlight(delayed.index(), delayed.bytes(), false));
                } else {
                    sent(timeNanos, source, segment, fate, detail, false);
                }
            }
            case DUPLICATED -> sent(timeNanos, source, segment, fate, detail, false);
            case DROPPED -> {
                InFlight sent = find(segment, null);
                if (sent != null) {
                    inFlight.remove(sent);
                    SegmentEntry e = (SegmentEntry) entries.get(sent.index());
                    entries.set(sent.index(), new SegmentEntry(e.timeNanos(), e.fromLeft(), e.flags(), e.seq(),
                            e.ack(), e.window(), e.length(), e.options(), DatagramFate.DROPPED, detail));
                } else {
                    SegmentEntry entry = decode(timeNanos, source, segment, fate, detail);
                    if (entry != null) {
                        entries.add(entry);
                    }
                }
            }
            case DELIVERED -> {
                InFlight f = find(segment, false);
                if (f != null) {
                    inFlight.remove(f);
                }
            }
            case CORRUPTED -> { }
        }
    }

    private void sent(long timeNanos, InetAddress source, ByteBuffer segment, DatagramFate fate, String detail,
            boolean delayed) {
        SegmentEntry entry = decode(timeNanos, source, segment, fate == DatagramFate.DELAYED ? DatagramFate.SENT : fate,
                fate == DatagramFate.DELAYED ? "" : detail);
        if (entry != null) {
            entries.add(entry);
            byte[] bytes = new byte[segment.remaining()];
            segment.duplicate().get(bytes);
            inFlight.add(new InFlight(entries.size() - 1, bytes, delayed));
        }
    }

    @Override
    public synchronized void onEvent(ConnectionEvent event) {
        if (event instanceof ConnectionEvent.StateChanged s) {
            entries.add(new StateEntry(event.timeNanos(), left.equals(event.connection().local().getAddress()), s.to()));
        }
    }

    /**
     * Adds a remark across the diagram.
     *
     * @param timeNanos when
     * @param text the remark
     */
    public synchronized void note(long timeNanos, String text) {
        entries.add(new Note(timeNanos, text));
    }

    /** Everything recorded, in the order recorded. */
    public synchronized List<TraceEntry> entries() {
        return List.copyOf(entries);
    }

    /**
     * The entries with long runs of plain data and ACK segments (no SYN, FIN or RST, no state
     * change, no loss) collapsed into one note each, so a bulk transfer fits on a screen.
     *
     * @param keep how many segments of a run to keep at its start and at its end
     * @return the summarised entries
     */
    public synchronized List<TraceEntry> summarised(int keep) {
        List<TraceEntry> out = new ArrayList<>();
        int i = 0;
        while (i < entries.size()) {
            int j = i;
            while (j < entries.size() && plain(entries.get(j))) {
                j++;
            }
            int run = j - i;
            if (run > 2 * keep + 1) {
                out.addAll(entries.subList(i, i + keep));
                long bytes = 0;
                for (TraceEntry e : entries.subList(i + keep, j - keep)) {
                    bytes += ((SegmentEntry) e).length();
                }
                out.add(new Note(entries.get(i + keep).timeNanos(),
                        "... " + (run - 2 * keep) + " segments, " + bytes + " bytes of data ..."));
                out.addAll(entries.subList(j - keep, j));
                i = j;
            } else if (run > 0) {
                out.addAll(entries.subList(i, j));
                i = j;
            } else {
                out.add(entries.get(i));
                i++;
            }
        }
        return out;
    }

    private static boolean plain(TraceEntry e) {
        return e instanceof SegmentEntry s
                && (s.flags() & (Segment.SYN | Segment.FIN | Segment.RST)) == 0
                && s.fate() == DatagramFate.SENT;
    }

    /** The oldest in-flight datagram with these bytes (and, unless null, this delay status). */
    private InFlight find(ByteBuffer segment, Boolean awaitingSend) {
        byte[] bytes = new byte[segment.remaining()];
        segment.duplicate().get(bytes);
        for (InFlight f : inFlight) {
            if ((awaitingSend == null || f.awaitingSend() == awaitingSend) && Arrays.equals(f.bytes(), bytes)) {
                return f;
            }
        }
        return null;
    }

    private SegmentEntry decode(long timeNanos, InetAddress source, ByteBuffer segment, DatagramFate fate,
            String detail) {
        if (TcpCodec.decode(segment.duplicate(), null, null, false, scratch) != DecodeStatus.OK) {
            return null;
        }
        return new SegmentEntry(timeNanos, left.equals(source), scratch.flags, Integer.toUnsignedLong(scratch.seq),
                Integer.toUnsignedLong(scratch.ack), scratch.window, scratch.payloadLength(), options(scratch),
                fate, detail);
    }

    /**
     * The options as tcpdump prints them, in a fixed order ({@code mss 1460,sackOK,TS val 1 ecr 0,wscale 7}).
     *
     * @param s a decoded segment
     * @return the options, or empty
     */
    public static String options(Segment s) {
        StringBuilder b = new StringBuilder();
        if (s.mss != Segment.ABSENT) {
            b.append("mss ").append(s.mss);
        }
        if (s.sackPermitted) {
            b.append(b.length() > 0 ? "," : "").append("sackOK");
        }
        if (s.hasTimestamps && (s.flags & Segment.SYN) != 0) {
            b.append(b.length() > 0 ? "," : "").append("TS val ").append(Integer.toUnsignedString(s.tsVal))
                    .append(" ecr ").append(Integer.toUnsignedString(s.tsEcr));
        }
        if (s.windowScale != Segment.ABSENT) {
            b.append(b.length() > 0 ? "," : "").append("wscale ").append(s.windowScale);
        }
        for (int i = 0; i < s.sackBlockCount; i++) {
            b.append(b.length() > 0 ? "," : "").append("sack ")
                    .append(Integer.toUnsignedString(s.sackBlocks[2 * i])).append(':')
                    .append(Integer.toUnsignedString(s.sackBlocks[2 * i + 1]));
        }
        return b.toString();
    }
}
