package io.synack.conformance.script;

/**
 * When an event happens, as written before it: {@code 0.100} (absolute, seconds from the start of
 * the script), {@code +0.1} (relative to the previous event), {@code *} (any time, outbound packets
 * only), {@code A~B} (a window, outbound packets only) or {@code T...E} (a blocking call that starts
 * at T and returns at E). Times are kept in microseconds, packetdrill's resolution.
 *
 * @param kind the form
 * @param relative whether the start is relative ({@code +})
 * @param startMicros the start (the only time for {@link Kind#POINT})
 * @param endRelative whether the end of a window or blocking call is written relative ({@code +})
 * @param endMicros the end of a window or of a blocking call
 */
public record EventTime(Kind kind, boolean relative, long startMicros, boolean endRelative, long endMicros) {

    /** The forms of event times. */
    public enum Kind {
        /** {@code N} or {@code +N}. */
        POINT,
        /** {@code *}. */
        ANY,
        /** {@code A~B}. */
        WINDOW,
        /** {@code T...E}. */
        BLOCKING
    }

    public static EventTime point(boolean relative, long micros) {
        return new EventTime(Kind.POINT, relative, micros, false, 0);
    }

    public static EventTime any() {
        return new EventTime(Kind.ANY, true, 0, false, 0);
    }

    @Override
    public String toString() {
        String start = (relative ? "+" : "") + seconds(startMicros);
        String end = (endRelative ? "+" : "") + seconds(endMicros);
        return switch (kind) {
            case POINT -> start;
            case ANY -> "*";
            case WINDOW -> start + "~" + end;
            case BLOCKING -> start + "..." + end;
        };
    }

    /** Microseconds as seconds with the trailing zeros cut: {@code 0.1}, {@code 2}. */
    public static String seconds(long micros) {
        String sign = micros < 0 ? "-" : "";
        long m = Math.abs(micros);
        String frac = String.format("%06d", m % 1_000_000).replaceAll("0+$", "");
        return sign + (m / 1_000_000) + (frac.isEmpty() ? "" : "." + frac);
    }
}
