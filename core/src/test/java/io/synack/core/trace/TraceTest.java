package io.synack.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.ConnectionEvent;
import io.synack.api.ConnectionId;
import io.synack.api.TcpState;
import io.synack.core.trace.TraceEntry.Note;
import io.synack.core.trace.TraceEntry.SegmentEntry;
import io.synack.core.trace.TraceEntry.StateEntry;
import io.synack.core.wire.Segment;
import io.synack.core.wire.TcpCodec;
import io.synack.spi.DatagramFate;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceTest {

    private static final InetAddress CLIENT = address("127.0.0.1");
    private static final InetAddress SERVER = address("127.0.0.2");

    @Test
    void sentSegmentsBecomeArrowsAndALaterDropMarksTheSameArrowLost() {
        Trace trace = new Trace(CLIENT);
        ByteBuffer syn = encode(Segment.SYN, 100, 0, 0);
        ByteBuffer synAck = encode(Segment.SYN | Segment.ACK, 900, 101, 0);
        trace.record(0, CLIENT, SERVER, syn.duplicate(), DatagramFate.SENT, "");
        trace.record(5, SERVER, CLIENT, synAck.duplicate(), DatagramFate.SENT, "");
        trace.record(6, SERVER, CLIENT, synAck.duplicate(), DatagramFate.DROPPED, "loss");
        trace.record(7, CLIENT, SERVER, syn.duplicate(), DatagramFate.DELIVERED, "");

        List<TraceEntry> entries = trace.entries();
        assertEquals(2, entries.size());
        SegmentEntry first = assertInstanceOf(SegmentEntry.class, entries.get(0));
        assertTrue(first.fromLeft());
        assertEquals(Segment.SYN, first.flags());
        assertEquals(100, first.seq());
        assertEquals("mss 1460,sackOK,wscale 7", first.options());
        assertEquals(DatagramFate.SENT, first.fate());
        SegmentEntry second = assertInstanceOf(SegmentEntry.class, entries.get(1));
        assertEquals(DatagramFate.DROPPED, second.fate());
        assertEquals("loss", second.detail());
        assertEquals(5, second.timeNanos(), "the arrow keeps its send time");
    }

    @Test
    void stateChangesAreAttributedToTheSideWhoseLocalAddressMatches() {
        Trace trace = new Trace(CLIENT);
        ConnectionId atServer = new ConnectionId(new InetSocketAddress(SERVER, 7), new InetSocketAddress(CLIENT, 4000));
        trace.onEvent(new ConnectionEvent.StateChanged(atServer, 3, TcpState.LISTEN, TcpState.SYN_RECEIVED, "rcv SYN"));
        StateEntry entry = assertInstanceOf(StateEntry.class, trace.entries().get(0));
        assertEquals(false, entry.left());
        assertEquals(TcpState.SYN_RECEIVED, entry.state());
    }

    @Test
    void longRunsOfDataAreSummarisedIntoOneNote() {
        Trace trace = new Trace(CLIENT);
        for (int i = 0; i < 100; i++) {
            ByteBuffer data = encode(Segment.ACK, 1000 + i * 10, 5, 10);
            trace.record(i, CLIENT, SERVER, data, DatagramFate.SENT, "");
        }
        List<TraceEntry> summary = trace.summarised(3);
        assertEquals(7, summary.size());
        Note note = assertInstanceOf(Note.class, summary.get(3));
        assertEquals("... 94 segments, 940 bytes of data ...", note.text());
    }

    private static ByteBuffer encode(int flags, int seq, int ack, int payload) {
        Segment s = new Segment();
        s.sourcePort = 4000;
        s.destinationPort = 7;
        s.flags = flags;
        s.seq = seq;
        s.ack = ack;
        s.window = 1000;
        if ((flags & Segment.SYN) != 0) {
            s.mss = 1460;
            s.sackPermitted = true;
            s.windowScale = 7;
        }
        s.payload = ByteBuffer.wrap(new byte[payload]);
        ByteBuffer out = ByteBuffer.allocate(TcpCodec.encodedLength(s));
        TcpCodec.encode(s, CLIENT, SERVER, out);
        return out.flip();
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
