package io.synack.core.trace;

import io.synack.core.trace.TraceEntry.Note;
import io.synack.core.trace.TraceEntry.SegmentEntry;
import io.synack.core.trace.TraceEntry.StateEntry;
import io.synack.core.wire.Segment;
import io.synack.spi.DatagramFate;
import java.util.List;
import java.util.Locale;

/**
 * Renders a recorded exchange as a ladder (sequence) diagram in plain text, like the pictures of
 * the handshake and teardown in the seed document: the left side (client) and the right side
 * (server), one arrow per segment with its flags, SEQ, ACK, window and payload length, the state
 * each side enters beside its line, lost segments as arrows ending in a cross, time on the left.
 * It fits an 80-column terminal; ANSI colour is optional.
 */
public final class LadderDiagram {

    private static final int TIME_WIDTH = 10;
    private static final int STATE_WIDTH = 12;
    private static final int ARROW_WIDTH = 42;

    private static final String RESET = "\u001b[0m";
    private static final String RED = "\u001b[31m";
    private static final String GREEN = "\u001b[32m";
    private static final String YELLOW = "\u001b[33m";
    private static final String CYAN = "\u001b[36m";
    private static final String DIM = "\u001b[2m";

    private final boolean color;
    private final boolean absolute;

    /**
     * @param color whether to use ANSI colours
     * @param absolute whether to print raw sequence numbers instead of numbers relative to each
     *     side's initial sequence number
     */
    public LadderDiagram(boolean color, boolean absolute) {
        this.color = color;
        this.absolute = absolute;
    }

    /**
     * Renders the entries (in time order) under a header naming both sides.
     *
     * @param leftName the left side, e.g. {@code client 127.0.0.1:49152}
     * @param rightName the right side
     * @param entries the recorded segments, states and notes, in time order
     * @return the diagram, lines ending in {@code \n}
     */
    public String render(String leftName, String rightName, List<? extends TraceEntry> recorded) {
        List<TraceEntry> entries = TraceEntry.inDrawingOrder(recorded);
        StringBuilder out = new StringBuilder(4096);
        long origin = entries.isEmpty() ? 0 : entries.get(0).timeNanos();
        long leftIsn = -1;
        long rightIsn = -1;
        if (!absolute) {
            for (TraceEntry e : entries) {
                if (e instanceof SegmentEntry s && (s.flags() & Segment.SYN) != 0) {
                    if (s.fromLeft() && leftIsn < 0) {
                        leftIsn = s.seq();
                    } else if (!s.fromLeft() && rightIsn < 0) {
                        rightIsn = s.seq();
                    }
                }
            }
        }
        out.append(pad("time (ms)", TIME_WIDTH)).append(' ')
                .append(pad(leftName, STATE_WIDTH + 1 + ARROW_WIDTH / 2))
                .append(padLeft(rightName, ARROW_WIDTH - ARROW_WIDTH / 2 + 1 + STATE_WIDTH)).append('\n');

        int i = 0;
        while (i < entries.size()) {
            TraceEntry e = entries.get(i);
            if (e instanceof Note n) {
                line(out, time(n.timeNanos() - origin), "", center(n.text(), ARROW_WIDTH, DIM), "");
                i++;
                continue;
            }
            // States entered at the same instant as a segment are printed on that segment's row.
            String leftState = "";
            String rightState = "";
            long t = e.timeNanos();
            SegmentEntry segment = null;
            int j = i;
            while (j < entries.size() && entries.get(j).timeNanos() == t && !(entries.get(j) instanceof Note)) {
                TraceEntry x = entries.get(j);
                if (x instanceof StateEntry st) {
                    if (!(st.left() ? leftState : rightState).isEmpty()) {
                        break; // a second state of the same side at this instant gets a row of its own
                    }
                    if (st.left()) {
                        leftState = st.state().rfcName();
                    } else {
                        rightState = st.state().rfcName();
                    }
                } else if (x instanceof SegmentEntry s) {
                    if (segment != null) {
                        break;
                    }
                    segment = s;
                }
                j++;
            }
            String arrow = segment == null ? "" : arrow(segment, segment.fromLeft() ? leftIsn : rightIsn,
                    segment.fromLeft() ? rightIsn : leftIsn);
            line(out, time(t - origin), paint(leftState, CYAN), arrow, paint(rightState, CYAN));
            if (segment != null && !segment.options().isEmpty()) {
                line(out, "", "", paint(center("<" + segment.options() + ">", ARROW_WIDTH, ""), DIM), "");
            }
            i = j;
        }
        return out.toString();
    }

    private void line(StringBuilder out, String time, String left, String middle, String right) {
        out.append(padLeft(time, TIME_WIDTH)).append(' ').append(padVisible(left, STATE_WIDTH)).append(' ')
                .append(padVisible(middle, ARROW_WIDTH)).append(' ').append(right);
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == ' ') {
            end--;
        }
        out.setLength(end);
        out.append('\n');
    }

    private String arrow(SegmentEntry s, long ownIsn, long peerIsn) {
        StringBuilder label = new StringBuilder(40);
        label.append('[').append(Segment.flagsToString(s.flags())).append("] seq ").append(relative(s.seq(), ownIsn));
        if ((s.flags() & Segment.ACK) != 0) {
            label.append(" ack ").append(relative(s.ack(), peerIsn));
        }
        int beforeWindow = label.length();
        label.append(" win ").append(s.window());
        if (s.length() > 0) {
            label.append(" len ").append(s.length());
        }
        if (label.length() > ARROW_WIDTH - 6) {
            // Too long for the shaft: the window is the least needed to follow the exchange.
            label.delete(beforeWindow, beforeWindow + (" win " + s.window()).length());
        }
        if (s.fate() == DatagramFate.DUPLICATED) {
            label.append(" dup");
        }
        boolean lost = s.fate() == DatagramFate.DROPPED;
        int shaft = ARROW_WIDTH - 2;
        String text = label.length() > shaft - 4 ? label.substring(0, shaft - 4) : label.toString();
        String flagColor = (s.flags() & Segment.RST) != 0 ? RED
                : (s.flags() & Segment.SYN) != 0 ? GREEN
                : (s.flags() & Segment.FIN) != 0 ? YELLOW : "";
        StringBuilder a = new StringBuilder(ARROW_WIDTH + 16);
        if (lost) {
            // A lost segment stops two thirds of the way across, ending in a cross; its label is cut
            // so that the arrow still fits between the two lines (a long label used to overflow).
            if (text.length() > ARROW_WIDTH - 7) {
                text = text.substring(0, ARROW_WIDTH - 7);
            }
            int length = Math.max(text.length() + 6, shaft * 2 / 3);
            String body = dashes(2) + text + dashes(length - text.length() - 3) + "X";
            if (s.fromLeft()) {
                a.append('|').append(paint(body, RED)).append(" ".repeat(ARROW_WIDTH - 1 - body.length()));
            } else {
                a.append(" ".repeat(ARROW_WIDTH - 1 - body.length())).append(paint(reverse(body), RED)).append('|');
            }
            return a.toString();
        }
        int rest = shaft - text.length() - 3;
        if (s.fromLeft()) {
            a.append('|').append(dashes(2)).append(paint(text, flagColor)).append(dashes(rest)).append(">|");
        } else {
            a.append("|<").append(dashes(2)).append(paint(text, flagColor)).append(dashes(rest)).append('|');
        }
        return a.toString();
    }

    private static String reverse(String body) {
        // "--label----X" drawn right to left reads "X----label--"
        int x = body.lastIndexOf('X');
        String inner = body.substring(0, x);
        int lead = 0;
        while (lead < inner.length() && inner.charAt(lead) == '-') {
            lead++;
        }
        int trail = 0;
        while (trail < inner.length() - lead && inner.charAt(inner.length() - 1 - trail) == '-') {
            trail++;
        }
        return "X" + dashes(trail) + inner.substring(lead, inner.length() - trail) + dashes(lead);
    }

    private String relative(long value, long isn) {
        return String.valueOf(isn < 0 ? value : (value - isn) & 0xffffffffL);
    }

    private String paint(String text, String code) {
        return !color || code.isEmpty() || text.isEmpty() ? text : code + text + RESET;
    }

    /** Milliseconds with microsecond precision; whole seconds ({@code 1764.6s}) once too wide for that. */
    private static String time(long nanos) {
        return nanos < 100_000_000_000L ? String.format(Locale.ROOT, "%.3f", nanos / 1e6)
                : String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
    }

    private static String dashes(int n) {
        return "-".repeat(Math.max(0, n));
    }

    private String center(String text, int width, String code) {
        if (text.length() >= width) {
            return paint(text, code);
        }
        int left = (width - text.length()) / 2;
        return " ".repeat(left) + paint(text, code);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }

    private static String padLeft(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    /** Pads to a visible width, not counting ANSI escape sequences. */
    private static String padVisible(String s, int width) {
        int visible = s.replaceAll("\u001b\\[[0-9;]*m", "").length();
        return visible >= width ? s : s + " ".repeat(width - visible);
    }
}
