package io.synack.conformance.runner;

import io.synack.conformance.script.Event;
import io.synack.conformance.script.TcpOption;
import io.synack.core.wire.Segment;
import java.util.List;

/**
 * Compares what the engine sent with a {@code >} line: flags exactly, ports, SEQ (relative to the
 * engine's ISN), length, {@code ack} and {@code urg} when written; then, unless lenient, {@code win}
 * when written and the options kind by kind in order (none when the line has no list, nothing with
 * {@code <...>}).
 */
final class SegmentMatcher {
    private SegmentMatcher() {}

    /**
     * @return null when {@code o} matches {@code p}, else what differs
     */
    static String mismatch(Event.Packet p, Observed o, SequenceMap map, int localPort, int remotePort, boolean lenient) {
        map.learnTimestamp(p, o);
        if ((o.flags() & p.flags() & Segment.SYN) != 0) {
            map.learnIsn(p.start(), o.seq());
        }
        if (o.flags() != p.flags()) {
            return "flags " + Flags.toString(o.flags()) + " instead of " + Flags.toString(p.flags());
        }
        if (o.sourcePort() != localPort || o.destinationPort() != remotePort) {
            return "ports " + o.sourcePort() + " > " + o.destinationPort() + " instead of " + localPort + " > " + remotePort;
        }
        long seq = map.toScript(o.seq());
        if (seq != p.start()) {
            return "seq " + seq + " instead of " + p.start();
        }
        if (o.length() != p.length()) {
            return "payload length " + o.length() + " instead of " + p.length();
        }
        if (p.ack() != null && o.ack() != p.ack()) {
            return "ack " + o.ack() + " instead of " + p.ack();
        }
        if (p.urgent() != null && o.urgent() != p.urgent()) {
            return "urg " + o.urgent() + " instead of " + p.urgent();
        }
        if (lenient) {
            return null;
        }
        if (p.window() != null && o.window() != p.window()) {
            return "win " + o.window() + " instead of " + p.window();
        }
        return p.anyOptions() ? null : optionMismatch(p.options() == null ? List.of() : p.options(), o.options());
    }

    private static String optionMismatch(List<TcpOption> want, List<TcpOption> got) {
        for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
            if (i >= want.size()) {
                return "unexpected option " + got.get(i) + " at position " + (i + 1);
            }
            if (i >= got.size()) {
                return "option " + want.get(i) + " missing at position " + (i + 1);
            }
            TcpOption w = want.get(i);
            TcpOption g = got.get(i);
            if (w.kind() != g.kind()) {
                return "option " + g + " instead of " + w + " at position " + (i + 1);
            }
            if (w instanceof TcpOption.Timestamp wt && g instanceof TcpOption.Timestamp gt) {
                // TSval: any (it is learned); TSecr must echo what the script sent (RFC 7323 §4.3)
                if (wt.ecr() != gt.ecr()) {
                    return "TS ecr " + gt.ecr() + " instead of " + wt.ecr();
                }
            } else if (!w.equals(g)) {
                return "option " + g + " instead of " + w + " at position " + (i + 1);
            }
        }
        return null;
    }
}
