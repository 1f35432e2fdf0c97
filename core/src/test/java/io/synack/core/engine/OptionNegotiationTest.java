package io.synack.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.TcpState;
import io.synack.core.wire.Segment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Handshake negotiation of window scale (RFC 7323 §2), timestamps (RFC 7323 §3) and
 * SACK-permitted (RFC 2018 §2): each option switched on and off on each side, four combinations
 * each. An option is offered in the SYN when the client's configuration allows it, echoed in the
 * SYN,ACK only when the SYN carried it and the server allows it, and used only when both did.
 */
class OptionNegotiationTest {
    static final int PORT = 80;
    static final int CLIENT_PORT = 40000;
    static final int BUFFER = 256 * 1024;

    private static EngineConfig config(String option, boolean on) {
        EngineConfig c = EngineConfig.defaults();
        return switch (option) {
            case "wscale" -> c.withOptions(on, c.sack(), c.timestamps());
            case "sack" -> c.withOptions(c.windowScaling(), on, c.timestamps());
            case "ts" -> c.withOptions(c.windowScaling(), c.sack(), on);
            default -> throw new IllegalArgumentException(option);
        };
    }

    private static EnginePair pair(EngineConfig client, EngineConfig server) {
        return new EnginePair(
                new TcpEngine(EnginePair.CLIENT, client, (l, lp, r, rp, t) -> 100,
                        new EphemeralPortSelector(client.ephemeralLow(), client.ephemeralHigh(), 3, 4)),
                new TcpEngine(EnginePair.SERVER, server, (l, lp, r, rp, t) -> 300,
                        new EphemeralPortSelector(server.ephemeralLow(), server.ephemeralHigh(), 5, 6)));
    }

    /** Handshake, then 3000 bytes each way so that both sides send non-SYN segments. */
    private static int[] connectAndExchange(EnginePair p) throws Exception {
        int l = p.server.listen(PORT, 8);
        int c = p.client.connect(new InetSocketAddress(EnginePair.SERVER, PORT), CLIENT_PORT, p.now);
        p.runFor(1 * EnginePair.S);
        int s = p.server.accept(l);
        assertEquals(TcpState.ESTABLISHED, p.client.state(c));
        assertEquals(TcpState.ESTABLISHED, p.server.state(s));
        p.client.send(c, ByteBuffer.allocate(3000), p.now);
        p.server.send(s, ByteBuffer.allocate(3000), p.now);
        p.runFor(1 * EnginePair.S);
        return new int[] {c, s};
    }

    private static Segment first(EnginePair p, boolean fromClient, int flags) {
        return p.sent.stream().filter(f -> f.fromClient() == fromClient && f.segment.flags == flags)
                .findFirst().orElseThrow().segment;
    }

    private static List<Segment> nonSyn(EnginePair p, boolean fromClient) {
        return p.sent.stream().filter(f -> f.fromClient() == fromClient && !f.segment.has(Segment.SYN))
                .map(f -> f.segment).toList();
    }

    @ParameterizedTest(name = "client {0}, server {1}")
    @CsvSource({"true,true", "true,false", "false,true", "false,false"})
    void windowScale_usedOnlyWhenBothSynsCarryIt(boolean clientOn, boolean serverOn) throws Exception {
        EnginePair p = pair(config("wscale", clientOn), config("wscale", serverOn));
        int[] h = connectAndExchange(p);
        Segment syn = first(p, true, Segment.SYN);
        Segment synAck = first(p, false, Segment.SYN | Segment.ACK);
        boolean both = clientOn && serverOn;
        // 256 KiB needs shift 3 to fit 16 bits (Linux tcp_select_initial_window's loop).
        assertEquals(clientOn ? 3 : Segment.ABSENT, syn.windowScale, "SYN offers wscale iff configured");
        assertEquals(both ? 3 : Segment.ABSENT, synAck.windowScale, "SYN,ACK carries wscale only if the SYN did");
        // RFC 7323 §2.2: the window field of a SYN is never scaled.
        assertEquals(65535, syn.window);
        assertEquals(65535, synAck.window);
        // Non-SYN segments: scaled window field when both sent the option, else at most 65535 bytes.
        for (boolean fromClient : new boolean[] {true, false}) {
            for (Segment s : nonSyn(p, fromClient)) {
                assertTrue(both ? s.window <= BUFFER >> 3 : s.window <= 65535, s.toString());
            }
        }
        long clientSndWnd = p.client.statistics(h[0]).sendWindow();
        long serverSndWnd = p.server.statistics(h[1]).sendWindow();
        if (both) {
            // 3000 bytes sit unread in each receive buffer: the rest of the 256 KiB is offered.
            assertEquals(BUFFER - 3000, clientSndWnd, "the server's window above 65535 reaches the client, scaled");
            assertEquals(BUFFER - 3000, serverSndWnd);
            assertEquals(BUFFER - 3000, p.server.statistics(h[1]).receiveWindow());
        } else {
            // Without scaling the window tops out at 65535; receiver SWS avoidance moves its right
            // edge only in steps of at least one MSS, so it may sit up to one MSS short of that.
            for (long w : new long[] {clientSndWnd, serverSndWnd, p.server.statistics(h[1]).receiveWindow()}) {
                assertTrue(w > 65535 - 1460 && w <= 65535, "window " + w);
            }
            assertEquals(p.server.statistics(h[1]).receiveWindow(), clientSndWnd);
        }
    }

    @ParameterizedTest(name = "client {0}, server {1}")
    @CsvSource({"true,true", "true,false", "false,true", "false,false"})
    void timestamps_sentOnEverySegmentOnlyWhenBothSynsCarryThem(boolean clientOn, boolean serverOn) throws Exception {
        EnginePair p = pair(config("ts", clientOn), config("ts", serverOn));
        connectAndExchange(p);
        Segment syn = first(p, true, Segment.SYN);
        Segment synAck = first(p, false, Segment.SYN | Segment.ACK);
        boolean both = clientOn && serverOn;
        assertEquals(clientOn, syn.hasTimestamps);
        assertEquals(both, synAck.hasTimestamps);
        if (clientOn) {
            assertEquals(0, syn.tsEcr, "RFC 7323 §3.2: TSecr is 0 without ACK");
        }
        if (both) {
            assertEquals(syn.tsVal, synAck.tsEcr, "the SYN,ACK echoes the SYN's TSval");
        }
        for (boolean fromClient : new boolean[] {true, false}) {
            List<Segment> segs = nonSyn(p, fromClient);
            assertFalse(segs.isEmpty());
            for (Segment s : segs) {
                assertEquals(both, s.hasTimestamps, s.toString());
            }
        }
        if (both) {
            // The client's third segment echoes the SYN,ACK's TSval (TS.Recent from the SYN,ACK).
            assertEquals(synAck.tsVal, nonSyn(p, true).get(0).tsEcr);
        }
    }

    @ParameterizedTest(name = "client {0}, server {1}")
    @CsvSource({"true,true", "true,false", "false,true", "false,false"})
    void sackPermitted_echoedOnlyWhenTheSynCarriedIt(boolean clientOn, boolean serverOn) throws Exception {
        EnginePair p = pair(config("sack", clientOn), config("sack", serverOn));
        connectAndExchange(p);
        assertEquals(clientOn, first(p, true, Segment.SYN).sackPermitted);
        assertEquals(clientOn && serverOn, first(p, false, Segment.SYN | Segment.ACK).sackPermitted);
        for (boolean fromClient : new boolean[] {true, false}) {
            for (Segment s : nonSyn(p, fromClient)) {
                assertFalse(s.sackPermitted, "SACK-permitted belongs in SYNs only (RFC 2018 §2)");
                assertEquals(0, s.sackBlockCount, "in-order data needs no SACK blocks");
            }
        }
    }

    /** Timestamps: TSval follows the engine clock in milliseconds from a per-connection offset. */
    @Test
    void tsValAdvancesWithTheEngineClockInMilliseconds() throws Exception {
        EngineConfig c = EngineConfig.defaults();
        EnginePair p = pair(c, c);
        connectAndExchange(p);
        List<Segment> fromClient = p.sent.stream().filter(EnginePair.Flight::fromClient).map(f -> f.segment)
                .toList();
        Segment syn = fromClient.get(0);
        Segment last = fromClient.get(fromClient.size() - 1);
        long elapsedMs = (p.sent.get(p.sent.size() - 1).arrival - p.latency) / EnginePair.MS;
        assertTrue(last.tsVal - syn.tsVal > 0 && last.tsVal - syn.tsVal <= elapsedMs,
                "TSval grew by the elapsed milliseconds: " + syn.tsVal + " -> " + last.tsVal);
    }

    /** A peer's window scale above 14 is used as 14 (RFC 7323 §2.3). */
    @Test
    void windowScaleAbove14IsTakenAs14() {
        Fixture f = Fixture.inSynSent();
        Segment s = new Segment();
        s.sourcePort = Fixture.REMOTE_PORT;
        s.destinationPort = Fixture.LOCAL_PORT;
        s.seq = Fixture.REMOTE_ISS;
        s.ack = Fixture.LOCAL_ISS + 1;
        s.flags = Segment.SYN | Segment.ACK;
        s.window = 1000;
        s.windowScale = 15;
        f.engine.handleSegment(Fixture.REMOTE, s, f.now);
        f.expect(". 1001 5001");
        f.feed(Segment.ACK, Fixture.REMOTE_ISS + 1, Fixture.LOCAL_ISS + 1, 0, 1);
        assertEquals(1L << 14, f.engine.statistics(f.handle).sendWindow());
    }

    /** The shift chosen from the receive buffer, as Linux's loop computes it. */
    @Test
    void windowShiftFitsTheBufferIntoSixteenBits() {
        assertEquals(0, OptionNegotiation.windowShift(65535));
        assertEquals(1, OptionNegotiation.windowShift(65536));
        assertEquals(3, OptionNegotiation.windowShift(256 * 1024));
        assertEquals(14, OptionNegotiation.windowShift(1 << 30));
    }

    /**
     * Simultaneous open (RFC 9293 §3.5, Figure 7): each side's SYN makes the offer, each SYN,ACK
     * carries only what both SYNs carried, and the options are used from then on by both.
     */
    @ParameterizedTest(name = "side A {0}, side B {1}")
    @CsvSource({"true,true", "true,false", "false,true", "false,false"})
    void simultaneousOpen_negotiatesWhatBothSynsCarried(boolean aOn, boolean bOn) throws Exception {
        EngineConfig a = EngineConfig.defaults().withOptions(aOn, aOn, aOn);
        EngineConfig b = EngineConfig.defaults().withOptions(bOn, bOn, bOn);
        EnginePair p = pair(a, b);
        int ha = p.client.connect(new InetSocketAddress(EnginePair.SERVER, PORT), CLIENT_PORT, p.now);
        int hb = p.server.connect(new InetSocketAddress(EnginePair.CLIENT, CLIENT_PORT), PORT, p.now);
        p.runFor(1 * EnginePair.S);
        assertEquals(TcpState.ESTABLISHED, p.client.state(ha));
        assertEquals(TcpState.ESTABLISHED, p.server.state(hb));
        p.client.send(ha, ByteBuffer.allocate(3000), p.now);
        p.server.send(hb, ByteBuffer.allocate(3000), p.now);
        p.runFor(1 * EnginePair.S);
        boolean both = aOn && bOn;
        for (boolean fromA : new boolean[] {true, false}) {
            Segment syn = first(p, fromA, Segment.SYN);
            assertEquals(fromA ? aOn : bOn, syn.hasTimestamps, "each SYN offers what its side allows");
            assertEquals(fromA ? aOn : bOn, syn.sackPermitted);
            Segment synAck = first(p, fromA, Segment.SYN | Segment.ACK);
            assertEquals(both, synAck.hasTimestamps, "a SYN,ACK carries only what both SYNs carried");
            assertEquals(both, synAck.sackPermitted);
            assertEquals(both, synAck.windowScale != Segment.ABSENT);
            for (Segment s : nonSyn(p, fromA)) {
                assertEquals(both, s.hasTimestamps, s.toString());
            }
        }
        long expected = both ? BUFFER - 3000 : 65535;
        assertEquals(expected, p.client.statistics(ha).sendWindow(), "scaled only when both offered");
        assertEquals(expected, p.server.statistics(hb).sendWindow());
    }
}
