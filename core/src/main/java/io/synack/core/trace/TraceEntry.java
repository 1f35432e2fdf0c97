package io.synack.core.trace;

import io.synack.api.TcpState;
import io.synack.spi.DatagramFate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One line of a recorded exchange between two endpoints, the left ("client") and the right
 * ("server"): a segment that crossed the network, or a state a side entered.
 */
public sealed interface TraceEntry {

    /** When it happened, in nanoseconds on the recording clock. */
    long timeNanos();

    /**
     * The entries as they are drawn: in time order, and at one instant a side's state changes just
     * before the last segment that side sent at that instant. A driver reports the segments an input
     * produced before the state changes it caused; a reader wants "entered FIN-WAIT-1, sent FIN".
     *
     * @param entries entries in the order recorded
     * @return a new list in drawing order
     */
    static List<TraceEntry> inDrawingOrder(List<? extends TraceEntry> entries) {
        List<TraceEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(TraceEntry::timeNanos));
        List<TraceEntry> out = new ArrayList<>(sorted.size());
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j < sorted.size() && sorted.get(j).timeNanos() == sorted.get(i).timeNanos()) {
                j++;
            }
            List<TraceEntry> group = sorted.subList(i, j);
            SegmentEntry lastLeft = null;
            SegmentEntry lastRight = null;
            for (TraceEntry e : group) {
                if (e instanceof SegmentEntry s) {
                    if (s.fromLeft()) {
                        lastLeft = s;
                    } else {
                        lastRight = s;
                    }
                }
            }
            for (TraceEntry e : group) {
                if (e instanceof StateEntry st && (st.left() ? lastLeft : lastRight) != null) {
                    continue; // drawn beside that side's last segment of the instant
                }
                if (e == lastLeft || e == lastRight) {
                    boolean left = e == lastLeft;
                    group.stream().filter(x -> x instanceof StateEntry st && st.left() == left).forEach(out::add);
                }
                out.add(e);
            }
            i = j;
        }
        return out;
    }

    /**
     * A segment sent by one side, with its fate in the network.
     *
     * @param timeNanos when it was sent
     * @param fromLeft true if the left side sent it
     * @param flags control bits ({@link io.synack.core.wire.Segment#SYN} ...)
     * @param seq SEG.SEQ as an unsigned 32-bit value
     * @param ack SEG.ACK as an unsigned 32-bit value (meaningful with ACK)
     * @param window the window field as sent (unscaled)
     * @param length payload length
     * @param options the options as tcpdump prints them ({@code mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7}), or empty
     * @param fate what the network did with it
     * @param detail why it was dropped, or until when it was delayed; or empty
     */
    record SegmentEntry(long timeNanos, boolean fromLeft, int flags, long seq, long ack, int window, int length,
            String options, DatagramFate fate, String detail) implements TraceEntry {}

    /**
     * A side entered a state.
     *
     * @param timeNanos when
     * @param left true for the left side
     * @param state the state entered
     */
    record StateEntry(long timeNanos, boolean left, TcpState state) implements TraceEntry {}

    /**
     * A free-text remark shown across the diagram (e.g. "... 4,096 segments of bulk data ...").
     *
     * @param timeNanos when
     * @param text the remark
     */
    record Note(long timeNanos, String text) implements TraceEntry {}
}
