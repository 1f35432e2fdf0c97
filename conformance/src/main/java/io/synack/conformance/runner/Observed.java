package io.synack.conformance.runner;

import io.synack.conformance.script.EventTime;
import io.synack.conformance.script.TcpOption;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A segment the engine sent, as read back from its wire encoding, with the virtual time it was sent.
 * Sequence and acknowledgment numbers are the actual (absolute) ones.
 *
 * @param timeNanos when
 * @param sourcePort source port
 * @param destinationPort destination port
 * @param flags control bits
 * @param seq SEG.SEQ
 * @param ack SEG.ACK
 * @param window the window field
 * @param urgent the urgent pointer
 * @param length payload length
 * @param options the options in wire order
 */
record Observed(long timeNanos, int sourcePort, int destinationPort, int flags, long seq, long ack, int window,
        int urgent, int length, List<TcpOption> options) {

    /**
     * In packetdrill notation, in the script's terms: SEQ shifted by {@code seqOffset} (script minus
     * actual) and TSval by {@code tsOffset} (actual minus script).
     */
    String describe(long seqOffset, long tsOffset) {
        long start = (seq + seqOffset) & 0xFFFFFFFFL;
        StringBuilder b = new StringBuilder("> ").append(Flags.toString(flags)).append(' ').append(start).append(':')
                .append((start + length) & 0xFFFFFFFFL).append('(').append(length).append(')');
        if ((flags & 0x10) != 0) {
            b.append(" ack ").append(ack);
        }
        b.append(" win ").append(window);
        if (urgent != 0) {
            b.append(" urg ").append(urgent);
        }
        if (!options.isEmpty()) {
            b.append(options.stream().map(o -> o instanceof TcpOption.Timestamp ts
                    ? new TcpOption.Timestamp((ts.val() - tsOffset) & 0xFFFFFFFFL, ts.ecr()).toString()
                    : o.toString()).collect(Collectors.joining(",", " <", ">")));
        }
        return b.append(" at ").append(EventTime.seconds(timeNanos / 1000)).append(" s").toString();
    }
}
