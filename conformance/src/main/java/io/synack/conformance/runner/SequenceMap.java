package io.synack.conformance.runner;

import io.synack.conformance.script.Event;
import io.synack.conformance.script.TcpOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates between the script's numbers and the engine's, as packetdrill does. The script's own
 * (the peer's) sequence numbers and TSvals are real. The engine's ISN and TSval cannot be predicted:
 * they are learned from its SYN (or SYN-ACK) and its first timestamp, and the script's numbers for
 * them are offsets from what it wrote there (RFC 9293 §3.4.1: the ISN is the sender's choice).
 */
final class SequenceMap {
    private boolean isnKnown;
    private long isnActual;
    /** Script minus actual, in the engine's sequence space. */
    private long seqOffset;
    private boolean tsKnown;
    /** Actual minus script, for the engine's TSval. */
    private long tsOffset;

    /** Learns the engine's ISN from a SYN it sent that the script wrote as {@code scriptSeq} (a new ISN relearns). */
    void learnIsn(long scriptSeq, long actualSeq) {
        if (!isnKnown || actualSeq != isnActual) {
            isnKnown = true;
            isnActual = actualSeq;
            seqOffset = (scriptSeq - actualSeq) & 0xFFFFFFFFL;
        }
    }

    /** The engine's sequence number in the script's terms. */
    long toScript(long actual) {
        return (actual + seqOffset) & 0xFFFFFFFFL;
    }

    /** A number of the engine's sequence space (an inbound ACK, a SACK block) as the engine knows it. */
    long toActual(long script) {
        return isnKnown ? (script - seqOffset) & 0xFFFFFFFFL : script;
    }

    /** Remembers the engine's TSval against the one the script wrote on a matching line. */
    void learnTimestamp(Event.Packet p, Observed o) {
        TcpOption.Timestamp want = timestamp(p.options());
        TcpOption.Timestamp got = timestamp(o.options());
        if (want != null && got != null) {
            tsKnown = true;
            tsOffset = (got.val() - want.val()) & 0xFFFFFFFFL;
        }
    }

    /** The engine's TSval in the script's terms. */
    long tsToScript(long actual) {
        return (actual - tsOffset) & 0xFFFFFFFFL;
    }

    /** Inbound options with the engine's numbers put back: TSecr and SACK blocks. */
    List<TcpOption> toActual(List<TcpOption> options) {
        if (options == null) {
            return null;
        }
        List<TcpOption> mapped = new ArrayList<>(options.size());
        for (TcpOption o : options) {
            if (o instanceof TcpOption.Timestamp ts && tsKnown) {
                mapped.add(new TcpOption.Timestamp(ts.val(), (ts.ecr() + tsOffset) & 0xFFFFFFFFL));
            } else if (o instanceof TcpOption.Sack sack) {
                List<long[]> blocks = new ArrayList<>();
                for (long[] b : sack.blocks()) {
                    blocks.add(new long[] {toActual(b[0]), toActual(b[1])});
                }
                mapped.add(new TcpOption.Sack(blocks));
            } else {
                mapped.add(o);
            }
        }
        return mapped;
    }

    /** A sent segment in packetdrill notation, in the script's terms. */
    String describe(Observed o) {
        return o.describe(seqOffset, tsOffset);
    }

    private static TcpOption.Timestamp timestamp(List<TcpOption> options) {
        if (options != null) {
            for (TcpOption t : options) {
                if (t instanceof TcpOption.Timestamp ts) {
                    return ts;
                }
            }
        }
        return null;
    }
}
