package io.synack.core.engine;

import static io.synack.core.engine.EnginePair.CLIENT;
import static io.synack.core.engine.EnginePair.MS;
import static io.synack.core.engine.EnginePair.S;
import static io.synack.core.engine.EnginePair.SERVER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.AddressInUseException;
import io.synack.api.CloseReason;
import io.synack.api.ConnectionEvent;
import io.synack.api.SynackException;
import io.synack.api.TcpState;
import io.synack.core.wire.Segment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The exchanges of the seed (seed/README.md), end to end between two engines in virtual time. */
class SeedScenariosTest {
    static final int PORT = 80;
    static final int CLIENT_PORT = 40000;
    static final EngineConfig CONFIG = EngineConfig.defaults();

    private static int connect(EnginePair p, int localPort) throws SynackException {
        return p.client.connect(new InetSocketAddress(SERVER, PORT), localPort, p.now);
    }

    private static List<String> closes(List<ConnectionEvent> events) {
        List<String> l = new ArrayList<>();
        for (ConnectionEvent e : events) {
            if (e instanceof ConnectionEvent.Closed c) {
                l.add(c.reason().name());
            }
        }
        return l;
    }

    private static void assertNothingLeft(EnginePair p) {
        for (TcpEngine e : List.of(p.client, p.server)) {
            assertEquals(0, e.tcbCount(), "TCBs left");
            assertEquals(0, e.timeWaitCount(), "TIME-WAIT entries left");
            assertEquals(0, e.timerCount(), "timers left");
        }
    }

    private static byte[] readAll(TcpEngine e, int h, long now) throws SynackException {
        ByteBuffer b = ByteBuffer.allocate(Math.max(1, e.readableBytes(h)));
        while (e.receive(h, b, now) > 0) {
            // drain
        }
        b.flip();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void threeWayHandshake_seqXAckXPlus1SeqYAckYPlus1_windowsAndMssExchanged() throws Exception {
        EnginePair p = EnginePair.withIsns(CONFIG, 100, 300);
        int l = p.server.listen(PORT, 8);
        int c = connect(p, CLIENT_PORT);
        p.runFor(1 * S);
        // RFC 9293 Figure 6: SEQ=X; SEQ=Y ACK=X+1; SEQ=X+1 ACK=Y+1.
        assertEquals(List.of("c>s S 100", "s>c S. 300 101", "c>s . 101 301"), p.ladder);
        int s = p.server.accept(l);
        assertEquals(TcpState.ESTABLISHED, p.client.state(c));
        assertEquals(TcpState.ESTABLISHED, p.server.state(s));
        assertEquals(1460, p.client.statistics(c).peerMss());
        assertEquals(1460, p.server.statistics(s).peerMss());
        // The SYN,ACK's window is unscaled (RFC 7323 §2.2); the third segment's is scaled by 3
        // (a 256 KiB receive buffer needs shift 3 to fit the 16-bit field).
        assertEquals(65535, p.client.statistics(c).sendWindow());
        assertEquals(256 * 1024, p.server.statistics(s).sendWindow());
        assertTrue(p.clientEvents.contains(new ConnectionEvent.Connected(p.client.id(c), 20 * MS)));
    }

    @Test
    void fourWayClose_startedByTheClient() throws Exception {
        EnginePair p = EnginePair.withIsns(CONFIG, 100, 300);
        int l = p.server.listen(PORT, 8);
        int c = connect(p, CLIENT_PORT);
        p.runFor(1 * S);
        int s = p.server.accept(l);
        p.ladder.clear();
        p.client.close(c, p.now);
        p.runFor(100 * MS);
        assertEquals(TcpState.CLOSE_WAIT, p.server.state(s));
        p.server.close(s, p.now);
        p.runFor(100 * MS);
        assertEquals(List.of("c>s F. 101 301", "s>c . 301 102", "s>c F. 301 102", "c>s . 102 302"), p.ladder);
        assertEquals(1, p.client.timeWaitCount());
        assertEquals(List.of("GRACEFUL"), closes(p.clientEvents));
        assertEquals(List.of("GRACEFUL"), closes(p.serverEvents));
        p.runFor(60 * S);
        assertNothingLeft(p);
    }

    @Test
    void fourWayClose_startedByTheServer() throws Exception {
        EnginePair p = EnginePair.withIsns(CONFIG, 100, 300);
        int l = p.server.listen(PORT, 8);
        int c = connect(p, CLIENT_PORT);
        p.runFor(1 * S);
        int s = p.server.accept(l);
        p.ladder.clear();
        p.server.close(s, p.now);
        p.runFor(100 * MS);
        assertEquals(TcpState.CLOSE_WAIT, p.client.state(c));
        assertEquals(TcpState.FIN_WAIT_2, p.server.state(s));
        p.client.close(c, p.now);
        p.runFor(100 * MS);
        assertEquals(List.of("s>c F. 301 101", "c>s . 101 302", "c>s F. 101 302", "s>c . 302 102"), p.ladder);
        assertEquals(1, p.server.timeWaitCount());
        assertEquals(0, p.client.timeWaitCount());
        p.runFor(60 * S);
        assertNothingLeft(p);
        assertEquals(1L, p.server.statistics().transitions().get("TIME-WAIT => CLOSED"));
    }

    /**
     * RFC 9293 Figure 8: an old duplicate SYN reaches the listener first. It answers SYN,ACK; the
     * client in SYN-SENT finds the ACK unacceptable and answers RST (§3.10.7.3); the server's child
     * returns to LISTEN holding nothing (MUST-11); the client's real SYN then completes.
     */
    @Test
    void staleDuplicateSyn_reachesListener_clientResets_serverBackInListen() throws Exception {
        EnginePair p = EnginePair.withIsns(CONFIG, 100, 300);
        int l = p.server.listen(PORT, 8);
        AtomicInteger synCount = new AtomicInteger();
        p.hook = f -> f.fromClient() && f.segment.has(Segment.SYN) && synCount.getAndIncrement() == 0 ? 50 * MS : 0;
        Segment old = new Segment();
        old.sourcePort = CLIENT_PORT;
        old.destinationPort = PORT;
        old.seq = 90;
        old.flags = Segment.SYN;
        old.window = 65535;
        p.inject(CLIENT, old, 1 * MS);
        int c = connect(p, CLIENT_PORT);
        p.runFor(30 * MS);
        // Figure 8 lines 3-5: SYN,ACK for 91, RST 91, back to LISTEN.
        assertEquals(List.of("c>s S 90 (injected)", "c>s S 100", "s>c S. 300 91", "c>s R 91"), p.ladder);
        assertEquals(0, p.server.backlogInUse(l));
        assertEquals(0, p.server.tcbCount());
        assertTrue(p.serverEvents.stream().anyMatch(e -> e instanceof ConnectionEvent.StateChanged sc
                && sc.from() == TcpState.SYN_RECEIVED && sc.to() == TcpState.LISTEN));
        p.runFor(1 * S);
        // lines 6-7: the real SYN arrives and the handshake completes.
        assertEquals(List.of("c>s S 90 (injected)", "c>s S 100", "s>c S. 300 91", "c>s R 91", "s>c S. 300 101",
                "c>s . 101 301"), p.ladder);
        assertEquals(TcpState.ESTABLISHED, p.client.state(c));
        assertEquals(TcpState.ESTABLISHED, p.server.state(p.server.accept(l)));
    }

    /** An old SYN,ACK reaching a client in SYN-SENT gets RST (§3.10.7.3); the real one completes. */
    @Test
    void staleDuplicateSynAck_reachesClientInSynSent_getsRst_handshakeRecovers() throws Exception {
        EnginePair p = EnginePair.withIsns(CONFIG, 100, 300);
        int l = p.server.listen(PORT, 8);
        int c = connect(p, CLIENT_PORT);
        Segment old = new Segment();
        old.sourcePort = PORT;
        old.destinationPort = CLIENT_PORT;
        old.seq = 7000;
        old.ack = 60; // acknowledges an SYN of an older incarnation
        old.flags = Segment.SYN | Segment.ACK;
        old.window = 65535;
        p.inject(SERVER, old, 1 * MS);
        p.runFor(1 * S);
        assertEquals(List.of("s>c S. 7000 60 (injected)", "c>s S 100", "c>s R 60", "s>c S. 300 101",
                "c>s . 101 301"), p.ladder);
        assertEquals(TcpState.ESTABLISHED, p.client.state(c));
        assertEquals(TcpState.ESTABLISHED, p.server.state(p.server.accept(l)));
        assertEquals(0, p.server.statistics().resetsSent());
    }

    @Test
    void halfClose_serverKeepsSendingAfterClientFin_clientReceivesAll() throws Exception {
        EnginePair p = EnginePair.create(CONFIG, 7);
        int l = p.server.listen(PORT, 8);
        int c = connect(p, 0);
        p.runFor(1 * S);
        int s = p.server.accept(l);
        p.client.send(c, ByteBuffer.wrap("GET /".getBytes(StandardCharsets.US_ASCII)), p.now);
        p.client.shutdownOutput(c, p.now);
        p.runFor(1 * S);
        assertEquals(TcpState.FIN_WAIT_2, p.client.state(c));
        assertEquals(TcpState.CLOSE_WAIT, p.server.state(s));
        assertEquals("GET /", new String(readAll(p.server, s, p.now), StandardCharsets.US_ASCII));
        assertEquals(-1, p.server.receive(s, ByteBuffer.allocate(1), p.now));
        byte[] response = new byte[300_000];
        new java.util.Random(1).nextBytes(response);
        ByteBuffer src = ByteBuffer.wrap(response);
        ByteBuffer got = ByteBuffer.allocate(response.length);
        while (src.hasRemaining() || got.hasRemaining()) {
            p.server.send(s, src, p.now);
            p.runFor(50 * MS);
            int n;
            do {
                n = p.client.receive(c, got, p.now);
            } while (n > 0);
            p.runFor(50 * MS);
            if (!src.hasRemaining() && got.position() == response.length) {
                break;
            }
        }
        assertArrayEquals(response, got.array());
        p.server.close(s, p.now);
        p.runFor(1 * S);
        assertEquals(-1, p.client.receive(c, ByteBuffer.allocate(1), p.now));
        assertEquals(TcpState.TIME_WAIT, p.client.state(c));
        p.client.close(c, p.now);
        p.runFor(61 * S);
        assertNothingLeft(p);
        assertEquals(List.of("GRACEFUL"), closes(p.clientEvents));
    }

    /**
     * The final ACK is lost: LAST-ACK retransmits its FIN, TIME-WAIT acknowledges it again and
     * restarts 2MSL (RFC 9293 §3.10.7.4 eighth step), both sides end CLOSED.
     */
    @Test
    void lostFinalAck_lastAckRetransmitsFin_timeWaitReacksAndRestarts2Msl() throws Exception {
        EnginePair p = EnginePair.withIsns(CONFIG, 100, 300);
        int l = p.server.listen(PORT, 8);
        int c = connect(p, CLIENT_PORT);
        p.runFor(1 * S);
        int s = p.server.accept(l);
        p.client.close(c, p.now);
        p.runFor(100 * MS);
        AtomicInteger finalAcks = new AtomicInteger();
        p.hook = f -> f.fromClient() && f.segment.flags == Segment.ACK && f.segment.ack == 302
                && finalAcks.getAndIncrement() == 0 ? -1 : 0;
        p.ladder.clear();
        p.server.close(s, p.now);
        p.runFor(10 * MS + 1); // FIN arrives; the ACK is lost
        long timeWaitStart = p.now;
        assertEquals(TcpState.LAST_ACK, p.server.state(s));
        p.runFor(5 * S);
        assertEquals(List.of("s>c F. 301 102", "c>s . 102 302 (lost)", "s>c F. 301 102", "c>s . 102 302"),
                p.ladder);
        assertEquals(TcpState.CLOSED, p.server.state(s));
        assertEquals(1, p.client.timeWaitCount());
        // 2MSL after TIME-WAIT began, the entry is still there: the retransmitted FIN restarted it.
        p.runUntil(timeWaitStart + 60 * S + 1 * MS);
        assertEquals(1, p.client.timeWaitCount(), "2MSL was restarted by the retransmitted FIN");
        p.runFor(1 * S);
        assertEquals(0, p.client.timeWaitCount());
        assertNothingLeft(p);
        assertEquals(1L, p.server.statistics().retransmissions());
        assertEquals(List.of("GRACEFUL"), closes(p.serverEvents));
    }

    /**
     * The old-duplicate hazard of the seed: a delayed data segment of a closed connection reaches a
     * new connection on the same 4-tuple. The ISNs of both incarnations are equal (the worst case
     * that TIME-WAIT exists for). With TIME-WAIT (MSL 30 s) the new connection cannot be opened
     * while the old segments may live, and the old segment meets TIME-WAIT; with MSL 0 the old
     * data is delivered as if it were the new connection's.
     */
    @ParameterizedTest(name = "MSL {0} s")
    @ValueSource(ints = {30, 0})
    void oldDuplicateHazard_withAndWithoutTimeWait(int mslSeconds) throws Exception {
        // RFC 1337 on: otherwise the server's RST answering TIME-WAIT's ACK of the old segment ends
        // TIME-WAIT early (the assassination hazard, tested on its own below).
        // Timestamps off: with them PAWS (RFC 7323 §5) drops the old segment, whose TSval is older
        // than the new incarnation's TS.Recent (OldDuplicateHazardTest shows that case).
        EngineConfig config = CONFIG.withMsl(Duration.ofSeconds(mslSeconds)).withRfc1337(true)
                .withOptions(CONFIG.windowScaling(), CONFIG.sack(), false);
        EnginePair p = EnginePair.withIsns(config, 100, 300);
        int l = p.server.listen(PORT, 8);
        int c = connect(p, CLIENT_PORT);
        p.runFor(1 * S);
        int s = p.server.accept(l);
        // The old incarnation's data is duplicated by the network; the copy is delayed by 5 s.
        List<EnginePair.Flight> held = new ArrayList<>();
        p.hook = f -> {
            if (!f.fromClient() && f.segment.payloadLength() > 0 && held.isEmpty()) {
                held.add(f);
                p.inject(SERVER, f.segment, 5 * S);
            }
            return 0;
        };
        p.server.send(s, ByteBuffer.wrap("OLD".getBytes(StandardCharsets.US_ASCII)), p.now);
        p.runFor(100 * MS);
        assertEquals("OLD", new String(readAll(p.client, c, p.now), StandardCharsets.US_ASCII));
        p.hook = f -> 0;
        p.client.close(c, p.now);
        p.runFor(100 * MS);
        p.server.close(s, p.now);
        p.runFor(100 * MS);
        if (mslSeconds > 0) {
            assertThrows(AddressInUseException.class, () -> connect(p, CLIENT_PORT));
            p.ladder.clear();
            p.runFor(10 * S); // the old duplicate arrives and meets TIME-WAIT, which acknowledges it
            assertEquals(List.of("c>s . 102 305", "s>c R 305"), p.ladder);
            assertEquals(1, p.client.timeWaitCount());
            p.runFor(60 * S);
            int c2 = connect(p, CLIENT_PORT);
            p.runFor(1 * S);
            int s2 = p.server.accept(l);
            p.server.send(s2, ByteBuffer.wrap("NEW".getBytes(StandardCharsets.US_ASCII)), p.now);
            p.runFor(1 * S);
            assertEquals("NEW", new String(readAll(p.client, c2, p.now), StandardCharsets.US_ASCII));
        } else {
            assertEquals(0, p.client.timeWaitCount());
            int c2 = connect(p, CLIENT_PORT); // allowed at once: no TIME-WAIT
            p.runFor(1 * S);
            int s2 = p.server.accept(l);
            p.runFor(5 * S); // the old duplicate arrives inside the new connection's window
            p.server.send(s2, ByteBuffer.wrap("NEW".getBytes(StandardCharsets.US_ASCII)), p.now);
            p.runFor(1 * S);
            // The corruption the seed warns of: bytes the new server never sent.
            assertEquals("OLD", new String(readAll(p.client, c2, p.now), StandardCharsets.US_ASCII).substring(0, 3));
        }
    }

    @Test
    void simultaneousOpen_bothSidesSynSentThenSynReceivedThenEstablished() throws Exception {
        EnginePair p = EnginePair.withIsns(CONFIG, 100, 300);
        int a = p.client.connect(new InetSocketAddress(SERVER, 6000), 5000, p.now);
        int b = p.server.connect(new InetSocketAddress(CLIENT, 5000), 6000, p.now);
        p.runFor(1 * S);
        // RFC 9293 Figure 7 (MUST-10).
        assertEquals(List.of("c>s S 100", "s>c S 300", "s>c S. 300 101", "c>s S. 100 301", "c>s . 101 301",
                "s>c . 301 101"), p.ladder);
        assertEquals(TcpState.ESTABLISHED, p.client.state(a));
        assertEquals(TcpState.ESTABLISHED, p.server.state(b));
        assertTrue(p.clientEvents.stream().anyMatch(e -> e instanceof ConnectionEvent.StateChanged sc
                && sc.from() == TcpState.SYN_SENT && sc.to() == TcpState.SYN_RECEIVED));
    }

    @Test
    void simultaneousClose_bothThroughClosingToTimeWait() throws Exception {
        EnginePair p = EnginePair.withIsns(CONFIG, 100, 300);
        int l = p.server.listen(PORT, 8);
        int c = connect(p, CLIENT_PORT);
        p.runFor(1 * S);
        int s = p.server.accept(l);
        p.ladder.clear();
        p.client.close(c, p.now);
        p.server.close(s, p.now);
        p.runFor(1 * S);
        // RFC 9293 Figure 13.
        assertEquals(List.of("c>s F. 101 301", "s>c F. 301 101", "s>c . 302 102", "c>s . 102 302"), p.ladder);
        assertEquals(1, p.client.timeWaitCount());
        assertEquals(1, p.server.timeWaitCount());
        for (TcpEngine e : List.of(p.client, p.server)) {
            assertEquals(1L, e.statistics().transitions().get("FIN-WAIT-1 => CLOSING"));
            assertEquals(1L, e.statistics().transitions().get("CLOSING => TIME-WAIT"));
        }
        p.runFor(61 * S);
        assertNothingLeft(p);
    }

    @Test
    void rstToConnect_refused() throws Exception {
        EnginePair p = EnginePair.withIsns(CONFIG, 100, 300);
        int c = connect(p, CLIENT_PORT);
        p.runFor(1 * S);
        assertEquals(List.of("c>s S 100", "s>c R. 0 101"), p.ladder);
        assertEquals(List.of(CloseReason.REFUSED.name()), closes(p.clientEvents));
        assertThrows(io.synack.api.ConnectionRefusedException.class,
                () -> p.client.receive(c, ByteBuffer.allocate(1), p.now));
        assertNothingLeft(p);
    }

    @Test
    void tenThousandConnectionsOpenedAndClosed_leaveNothingBehind() throws Exception {
        EnginePair p = EnginePair.create(CONFIG, 42);
        p.latency = 100_000;
        int l = p.server.listen(PORT, 128);
        byte[] payload = "hello".getBytes(StandardCharsets.US_ASCII);
        for (int batch = 0; batch < 100; batch++) {
            int[] cs = new int[100];
            for (int i = 0; i < 100; i++) {
                cs[i] = connect(p, 0);
            }
            p.runFor(10 * MS);
            List<Integer> ss = new ArrayList<>();
            int h;
            while ((h = p.server.accept(l)) >= 0) {
                ss.add(h);
            }
            assertEquals(100, ss.size());
            for (int i = 0; i < 100; i++) {
                p.client.send(cs[i], ByteBuffer.wrap(payload), p.now);
            }
            p.runFor(10 * MS);
            for (int sh : ss) {
                assertArrayEquals(payload, readAll(p.server, sh, p.now));
                p.server.close(sh, p.now);
            }
            p.runFor(10 * MS);
            for (int ch : cs) {
                p.client.close(ch, p.now);
            }
            p.runFor(10 * MS);
        }
        assertEquals(10_000, p.server.timeWaitCount());
        assertEquals(0, p.client.timeWaitCount());
        assertEquals(10_000L, p.server.statistics().transitions().get("SYN-RECEIVED => ESTABLISHED"));
        assertEquals(0, p.server.backlogInUse(l));
        p.runFor(61 * S);
        assertNothingLeft(p);
        assertEquals(0, p.server.backlogInUse(l));
        assertEquals(0, p.inFlight());
    }

    /**
     * RFC 1337 hazard H1 (TIME-WAIT assassination): an old segment reaching TIME-WAIT is answered by
     * an ACK, the closed peer answers that with an RST whose SEQ is exactly RCV.NXT. Off (Linux's
     * default) the RST ends TIME-WAIT; on, TIME-WAIT ignores it.
     */
    @ParameterizedTest(name = "rfc1337 {0}")
    @ValueSource(booleans = {false, true})
    void timeWaitAssassination(boolean rfc1337) throws Exception {
        EnginePair p = EnginePair.withIsns(CONFIG.withRfc1337(rfc1337), 100, 300);
        int l = p.server.listen(PORT, 8);
        int c = connect(p, CLIENT_PORT);
        p.runFor(1 * S);
        int s = p.server.accept(l);
        p.client.close(c, p.now);
        p.runFor(100 * MS);
        p.server.close(s, p.now);
        p.runFor(100 * MS);
        Segment old = new Segment();
        old.sourcePort = PORT;
        old.destinationPort = CLIENT_PORT;
        old.seq = 290;
        old.ack = 101;
        old.flags = Segment.ACK | Segment.PSH;
        old.window = 65535;
        old.payload = ByteBuffer.wrap(new byte[3]);
        p.ladder.clear();
        p.inject(SERVER, old, 1 * MS);
        p.runFor(1 * S);
        assertEquals(List.of("s>c P. 290 101 len 3 (injected)", "c>s . 102 302", "s>c R 302"), p.ladder);
        assertEquals(rfc1337 ? 1 : 0, p.client.timeWaitCount());
    }
}
