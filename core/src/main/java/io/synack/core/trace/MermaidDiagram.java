package io.synack.core.trace;

import io.synack.core.trace.TraceEntry.Note;
import io.synack.core.trace.TraceEntry.SegmentEntry;
import io.synack.core.trace.TraceEntry.StateEntry;
import io.synack.core.wire.Segment;
import io.synack.spi.DatagramFate;
import java.util.List;

/**
 * Renders a recorded exchange as a Mermaid {@code sequenceDiagram} (which GitHub renders in
 * Markdown): one message per segment, lost segments as crossed arrows ({@code -x}), states as
 * notes beside each side's line.
 */
public final class MermaidDiagram {

    private final boolean absolute;

    /** @param absolute raw sequence numbers instead of numbers relative to each side's ISN */
    public MermaidDiagram(boolean absolute) {
        this.absolute = absolute;
    }

    /**
     * @param left the left participant's name (no spaces or colons)
     * @param right the right participant's name
     * @param entries the recorded entries, in time order
     * @return the diagram, inside a {@code ```mermaid} fence
     */
    public String render(String left, String right, List<? extends TraceEntry> recorded) {
        List<TraceEntry> entries = TraceEntry.inDrawingOrder(recorded);
        long leftIsn = -1;
        long rightIsn = -1;
        for (TraceEntry e : entries) {
            if (!absolute && e instanceof SegmentEntry s && (s.flags() & Segment.SYN) != 0) {
                if (s.fromLeft() && leftIsn < 0) {
                    leftIsn = s.seq();
                } else if (!s.fromLeft() && rightIsn < 0) {
                    rightIsn = s.seq();
                }
            }
        }
        StringBuilder b = new StringBuilder("```mermaid\nsequenceDiagram\n");
        b.append("    participant ").append(left).append('\n');
        b.append("    participant ").append(right).append('\n');
        for (TraceEntry e : entries) {
            if (e instanceof StateEntry st) {
                b.append("    Note ").append(st.left() ? "left of " + left : "right of " + right).append(": ")
                        .append(st.state().rfcName()).append('\n');
            } else if (e instanceof Note n) {
                b.append("    Note over ").append(left).append(',').append(right).append(": ")
                        .append(n.text().replace(';', ',')).append('\n');
            } else if (e instanceof SegmentEntry s) {
                String from = s.fromLeft() ? left : right;
                String to = s.fromLeft() ? right : left;
                long own = s.fromLeft() ? leftIsn : rightIsn;
                long peer = s.fromLeft() ? rightIsn : leftIsn;
                StringBuilder label = new StringBuilder();
                label.append('[').append(Segment.flagsToString(s.flags())).append("] seq ").append(rel(s.seq(), own));
                if ((s.flags() & Segment.ACK) != 0) {
                    label.append(" ack ").append(rel(s.ack(), peer));
                }
                label.append(" win ").append(s.window());
                if (s.length() > 0) {
                    label.append(" len ").append(s.length());
                }
                if (s.fate() == DatagramFate.DROPPED) {
                    label.append(" (lost: ").append(s.detail()).append(')');
                }
                b.append("    ").append(from).append(s.fate() == DatagramFate.DROPPED ? "-x" : "->>").append(to)
                        .append(": ").append(label.toString().replace(';', ',')).append('\n');
            }
        }
        return b.append("```\n").toString();
    }

    private static long rel(long value, long isn) {
        return isn < 0 ? value : (value - isn) & 0xffffffffL;
    }
}
