package io.synack.conformance.script;

import java.util.List;
import java.util.stream.Collectors;

/** One line of a script: a packet, a system call, a Python block or a shell command. */
public sealed interface Event {

    /** 1-based line where the event starts. */
    int line();

    /** When it happens. */
    EventTime time();

    /** Direction of a packet line. */
    enum Direction {
        /** {@code <}: the script injects it into the engine. */
        INBOUND,
        /** {@code >}: the engine must send it. */
        OUTBOUND
    }

    /**
     * {@code < S. 0:0(0) ack 1 win 65535 <mss 1460>}.
     *
     * @param flags control bits as in {@link io.synack.core.wire.Segment}
     * @param start the sequence number before ':'
     * @param end the one after ':' (always {@code start + length})
     * @param length payload length
     * @param ack the acknowledgment number, or null when not written
     * @param window {@code win N}, or null when not written
     * @param urgent {@code urg N}, or null
     * @param options the option list; null when the line has none (outbound: "no options")
     * @param anyOptions {@code <...>}: do not check options
     */
    record Packet(int line, EventTime time, Direction direction, int flags, long start, long end, int length,
            Long ack, Integer window, Integer urgent, List<TcpOption> options, boolean anyOptions) implements Event {

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            b.append(direction == Direction.INBOUND ? "< " : "> ").append(flagString(flags)).append(' ')
                    .append(start).append(':').append(end).append('(').append(length).append(')');
            if (ack != null) {
                b.append(" ack ").append(ack);
            }
            if (window != null) {
                b.append(" win ").append(window);
            }
            if (urgent != null) {
                b.append(" urg ").append(urgent);
            }
            if (anyOptions) {
                b.append(" <...>");
            } else if (options != null) {
                b.append(options.stream().map(Object::toString).collect(Collectors.joining(",", " <", ">")));
            }
            return b.toString();
        }
    }

    /**
     * {@code connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)}.
     *
     * @param name the call
     * @param args its arguments
     * @param result the expected return value
     * @param errno the expected errno name, or null
     */
    record Syscall(int line, EventTime time, String name, List<Expr> args, Expr result, String errno)
            implements Event {
        @Override
        public String toString() {
            return name + args.stream().map(Object::toString).collect(Collectors.joining(", ", "(", ")"))
                    + " = " + result + (errno == null ? "" : " " + errno);
        }
    }

    /** {@code %{ ... }%}: Python; only {@code assert tcpi_state == TCPI_X} is supported. */
    record Python(int line, EventTime time, String code) implements Event {
        @Override
        public String toString() {
            return "%{" + code + "}%";
        }
    }

    /** {@code `command`}: a shell command. */
    record Shell(int line, EventTime time, String command) implements Event {
        @Override
        public String toString() {
            return "`" + command + "`";
        }
    }

    /**
     * Flags in packetdrill's order ({@code S F R P U E W .}), {@code -} for none.
     *
     * @param flags TCP control bits
     * @return their notation
     */
    public static String flagString(int flags) {
        StringBuilder b = new StringBuilder();
        char[] letters = {'S', 'F', 'R', 'P', 'U', 'E', 'W'};
        int[] bits = {0x02, 0x01, 0x04, 0x08, 0x20, 0x40, 0x80};
        for (int i = 0; i < letters.length; i++) {
            if ((flags & bits[i]) != 0) {
                b.append(letters[i]);
            }
        }
        if ((flags & 0x10) != 0) {
            b.append('.');
        }
        return b.length() == 0 ? "-" : b.toString();
    }
}
