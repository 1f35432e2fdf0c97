package io.synack.core.scenario;

import static io.synack.core.scenario.World.CLIENT;
import static io.synack.core.scenario.World.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.CloseReason;
import io.synack.api.TcpConnection;
import io.synack.api.TcpState;
import io.synack.core.engine.EngineConfig;
import io.synack.core.wire.Segment;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * RFC 9293 §3.5 Figure 7 (simultaneous connection synchronization, MUST-10) and §3.6 Figure 13
 * (simultaneous close through CLOSING): both are end-to-end exchanges of two active sides.
 */
class SimultaneousOpenAndCloseTest {

    private static final int A_PORT = 1111;
    private static final int B_PORT = 2222;

    @Test
    void simultaneousOpenCrossesTwoSynsAndBothSidesPassThroughSynReceived() throws Exception {
        World w = new World(800);
        // Both applications open actively, towards each other's port, at the same instant: each SYN
        // is in flight when the other side sends its own.
        CompletableFuture<TcpConnection> a = w.client.connectAsync(new InetSocketAddress(SERVER, B_PORT), A_PORT, null);
        CompletableFuture<TcpConnection> b = w.server.connectAsync(new InetSocketAddress(CLIENT, A_PORT), B_PORT, null);
        TcpConnection ca = w.sim.await(a, Duration.ofSeconds(5));
        TcpConnection cb = w.sim.await(b, Duration.ofSeconds(5));

        List<SegmentTrace.Seen> sent = w.trace.sent();
        String ladder = w.trace.dump();
        // Figure 7 draws four segments. Each SYN,ACK also carries SEQ=IRS, one below RCV.NXT of the
        // receiver, so each side answers it with an <ACK> too (§3.10.7.4 first check: "If an
        // incoming segment is not acceptable, an acknowledgment should be sent in reply"), as Linux does.
        assertEquals(6, sent.size(), ladder);
        SegmentTrace.Seen synA = sent.get(0);
        SegmentTrace.Seen synB = sent.get(1);
        assertTrue(synA.from(CLIENT) && synA.is(Segment.SYN), ladder);
        assertTrue(synB.from(SERVER) && synB.is(Segment.SYN), ladder);
        // Each side answers the SYN it received with SYN,ACK: <SEQ=ISS><ACK=IRS+1><CTL=SYN,ACK>.
        SegmentTrace.Seen synAckB = sent.stream().filter(s -> s.from(SERVER) && s.is(Segment.SYN | Segment.ACK))
                .findFirst().orElseThrow(() -> new AssertionError(ladder));
        SegmentTrace.Seen synAckA = sent.stream().filter(s -> s.from(CLIENT) && s.is(Segment.SYN | Segment.ACK))
                .findFirst().orElseThrow(() -> new AssertionError(ladder));
        assertEquals(synA.seq(), synAckA.seq(), "the SYN,ACK repeats the side's own ISS");
        assertEquals(synB.seq() + 1, synAckA.ack());
        assertEquals(synB.seq(), synAckB.seq());
        assertEquals(synA.seq() + 1, synAckB.ack());
        List<SegmentTrace.Seen> acks = sent.stream().filter(s -> s.is(Segment.ACK)).toList();
        assertEquals(2, acks.size(), ladder);
        for (SegmentTrace.Seen ack : acks) {
            SegmentTrace.Seen ownSyn = ack.from(CLIENT) ? synA : synB;
            SegmentTrace.Seen peerSyn = ack.from(CLIENT) ? synB : synA;
            assertEquals(ownSyn.seq() + 1, ack.seq(), ladder);
            assertEquals(peerSyn.seq() + 1, ack.ack(), ladder);
        }

        List<String> expected = List.of("CLOSED => SYN-SENT", "SYN-SENT => SYN-RECEIVED", "SYN-RECEIVED => ESTABLISHED");
        assertEquals(expected, w.transitionsOf(CLIENT));
        assertEquals(expected, w.transitionsOf(SERVER));
        assertEquals(TcpState.ESTABLISHED, ca.state());
        assertEquals(TcpState.ESTABLISHED, cb.state());
    }

    @Test
    void simultaneousCloseGoesThroughClosingToTimeWaitOnBothSides() throws Exception {
        World w = new World(801);
        Established e = Established.open(w);

        // Both applications close at the same instant: the FINs cross.
        e.client().close();
        e.server().close();
        w.sim.runFor(Duration.ofSeconds(1));

        List<SegmentTrace.Seen> sent = w.trace.sent();
        String ladder = w.trace.dump();
        assertEquals(4, sent.size(), ladder);
        SegmentTrace.Seen finA = sent.stream().filter(s -> s.from(CLIENT) && s.has(Segment.FIN)).findFirst()
                .orElseThrow(() -> new AssertionError(ladder));
        SegmentTrace.Seen finB = sent.stream().filter(s -> s.from(SERVER) && s.has(Segment.FIN)).findFirst()
                .orElseThrow(() -> new AssertionError(ladder));
        SegmentTrace.Seen ackA = sent.stream().filter(s -> s.from(CLIENT) && s.is(Segment.ACK)).findFirst()
                .orElseThrow(() -> new AssertionError(ladder));
        SegmentTrace.Seen ackB = sent.stream().filter(s -> s.from(SERVER) && s.is(Segment.ACK)).findFirst()
                .orElseThrow(() -> new AssertionError(ladder));
        assertEquals(finB.seq() + 1, ackA.ack());
        assertEquals(finA.seq() + 1, ackB.ack());

        List<String> expected = List.of("ESTABLISHED => FIN-WAIT-1", "FIN-WAIT-1 => CLOSING", "CLOSING => TIME-WAIT");
        assertEquals(expected, w.transitionsOf(CLIENT));
        assertEquals(expected, w.transitionsOf(SERVER));
        assertEquals(CloseReason.GRACEFUL, e.client().closeFuture().toCompletableFuture().getNow(null));
        assertEquals(CloseReason.GRACEFUL, e.server().closeFuture().toCompletableFuture().getNow(null));
        assertEquals(1, w.engine(CLIENT).timeWaitCount());
        assertEquals(1, w.engine(SERVER).timeWaitCount());

        long entered = w.enteredAt(CLIENT, TcpState.TIME_WAIT);
        w.sim.runUntilIdle();
        assertEquals(entered + 2 * EngineConfig.defaults().mslNanos(), w.enteredAt(CLIENT, TcpState.CLOSED));
        assertEquals(0, w.engine(CLIENT).timeWaitCount() + w.engine(SERVER).timeWaitCount());
    }
}
