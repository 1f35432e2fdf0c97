package io.synack.core.scenario;

import static io.synack.core.scenario.World.CLIENT;
import static io.synack.core.scenario.World.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.TcpConnection;
import io.synack.api.TcpState;
import io.synack.core.wire.Segment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Seed, "Why three, not two?": "To stop an old, long-delayed connection request from opening a
 * connection nobody asked for ... With three, the client never confirms the server's reply, so the
 * server learns that no connection was wanted." RFC 9293 §3.5, Figure 8 (recovery from an old
 * duplicate SYN) and §3.10.7.1/§3.10.7.3 (the RSTs that do it).
 */
class StaleDuplicateSynTest {

    private static final int CLIENT_PORT = 4000;

    @Test
    void anOldSynReachingAListenerIsResetByTheClientAndTheServerIsBackInListenHoldingNothing() throws Exception {
        World w = new World(600);
        CompletableFuture<TcpConnection> accepted = w.server.listen(World.PORT, 4).acceptAsync().toCompletableFuture();

        // A SYN of a connection the client gave up long ago arrives now; the client has no TCB for it.
        Segment oldSyn = new Segment();
        oldSyn.sourcePort = CLIENT_PORT;
        oldSyn.destinationPort = World.PORT;
        oldSyn.seq = 90;
        oldSyn.flags = Segment.SYN;
        oldSyn.window = 65_535;
        w.faults.inject(CLIENT, SERVER, oldSyn);
        w.sim.runFor(Duration.ofMillis(1));

        List<SegmentTrace.Seen> sent = w.trace.sent();
        assertEquals(3, sent.size(), w.trace.dump());
        // The server answers as a two-way scheme never could: SYN,ACK asking for confirmation ...
        assertTrue(sent.get(1).from(SERVER) && sent.get(1).is(Segment.SYN | Segment.ACK), sent.get(1).toString());
        assertEquals(91, sent.get(1).ack());
        // ... and the client, which asked for nothing, says RST <SEQ=SEG.ACK> (§3.10.7.1, CLOSED).
        SegmentTrace.Seen rst = sent.get(2);
        assertTrue(rst.from(CLIENT) && rst.is(Segment.RST), rst.toString());
        assertEquals(91, rst.seq());
        // The server's half-open child is gone: LISTEN again, holding nothing (§3.10.7.4 first step,
        // SYN-RECEIVED from a passive OPEN: "return this connection to LISTEN state").
        assertEquals(List.of("LISTEN => SYN-RECEIVED", "SYN-RECEIVED => LISTEN"), w.transitionsOf(SERVER));
        assertEquals(0, w.engine(SERVER).tcbCount(), "no TCB, no resources wasted on a connection nobody wanted");
        assertEquals(0, w.server.statistics().connectionsIn(TcpState.SYN_RECEIVED));
        assertFalse(accepted.isDone(), "nothing to accept");

        // Nothing happens later either: no retransmitted SYN,ACK, no timers left behind.
        w.sim.runFor(Duration.ofMinutes(5));
        assertEquals(3, w.trace.sent().size(), w.trace.dump());
        assertEquals(0, w.engine(SERVER).timerCount());
    }

    @Test
    void figure8TheOldSynsSynAckIsResetFromSynSentAndTheRealHandshakeRecovers() throws Exception {
        World w = new World(601);
        CompletableFuture<TcpConnection> accepted = w.server.listen(World.PORT, 4).acceptAsync().toCompletableFuture();
        int[] oldIss = {0};
        // 2./3. The client's SYN is held up in the network while an old duplicate from the same
        // port, with an older sequence number, reaches the server first.
        w.faults.rule((source, destination, segment) -> {
            if (source.equals(CLIENT) && segment.flags == Segment.SYN && oldIss[0] == 0) {
                oldIss[0] = segment.seq - 10_000;
                return FaultScript.Action.HOLD;
            }
            return FaultScript.Action.PASS;
        });
        CompletableFuture<TcpConnection> connected =
                w.client.connectAsync(World.SERVER_PORT, CLIENT_PORT, null).toCompletableFuture();
        w.faults.rule((source, destination, segment) -> FaultScript.Action.PASS);
        Segment oldSyn = new Segment();
        oldSyn.sourcePort = CLIENT_PORT;
        oldSyn.destinationPort = World.PORT;
        oldSyn.seq = oldIss[0];
        oldSyn.flags = Segment.SYN;
        oldSyn.window = 65_535;
        w.faults.inject(CLIENT, SERVER, oldSyn);
        w.sim.runFor(Duration.ofMillis(1));
        // 6. The real SYN arrives after all.
        w.faults.release(w.faults.held().get(0));
        TcpConnection client = w.sim.await(connected, Duration.ofSeconds(5));
        TcpConnection server = w.sim.await(accepted, Duration.ofSeconds(5));

        List<SegmentTrace.Seen> sent = w.trace.sent();
        String ladder = w.trace.dump();
        assertEquals(6, sent.size(), ladder);
        SegmentTrace.Seen dupSyn = sent.get(0);
        SegmentTrace.Seen synAckToOld = sent.get(1);
        SegmentTrace.Seen rst = sent.get(2);
        SegmentTrace.Seen syn = sent.get(3);
        SegmentTrace.Seen synAck = sent.get(4);
        SegmentTrace.Seen ack = sent.get(5);
        assertTrue(dupSyn.is(Segment.SYN) && dupSyn.seq() == oldIss[0], ladder);
        // 4. SYN-SENT <-- <SEQ=300><ACK=91><CTL=SYN,ACK> <-- SYN-RECEIVED
        assertTrue(synAckToOld.from(SERVER) && synAckToOld.is(Segment.SYN | Segment.ACK), ladder);
        assertEquals(oldIss[0] + 1, synAckToOld.ack());
        // 5. SYN-SENT --> <SEQ=91><CTL=RST> --> LISTEN  (§3.10.7.3: unacceptable ACK in SYN-SENT)
        assertTrue(rst.from(CLIENT) && rst.is(Segment.RST), ladder);
        assertEquals(synAckToOld.ack(), rst.seq());
        // 6.-8. The real handshake: SYN X; SYN,ACK Y, X+1; ACK X+1, Y+1.
        assertTrue(syn.from(CLIENT) && syn.is(Segment.SYN), ladder);
        assertEquals(oldIss[0] + 10_000, syn.seq());
        assertTrue(synAck.from(SERVER) && synAck.is(Segment.SYN | Segment.ACK), ladder);
        assertEquals(syn.seq() + 1, synAck.ack());
        assertTrue(ack.from(CLIENT) && ack.is(Segment.ACK), ladder);
        assertEquals(syn.seq() + 1, ack.seq());
        assertEquals(synAck.seq() + 1, ack.ack());

        assertEquals(TcpState.ESTABLISHED, client.state());
        assertEquals(TcpState.ESTABLISHED, server.state());
        assertEquals(List.of("LISTEN => SYN-RECEIVED", "SYN-RECEIVED => LISTEN", "LISTEN => SYN-RECEIVED",
                "SYN-RECEIVED => ESTABLISHED"), w.transitionsOf(SERVER));
        assertEquals(List.of("CLOSED => SYN-SENT", "SYN-SENT => ESTABLISHED"), w.transitionsOf(CLIENT));
        assertEquals(1, w.engine(SERVER).tcbCount());
    }
}
