package io.synack.core.scenario;

import static io.synack.core.scenario.World.CLIENT;
import static io.synack.core.scenario.World.SERVER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.ConnectionStatistics;
import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import io.synack.api.TcpState;
import io.synack.core.engine.EngineConfig;
import io.synack.core.wire.Segment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seed, "Opening: the three-way handshake": Client → Server SEQ=X; Server → Client ACK=X+1, SEQ=Y;
 * Client → Server ACK=Y+1 — synchronising both sequence numbers and exchanging window sizes (and
 * MSS). RFC 9293 §3.5, Figure 6.
 */
class ThreeWayHandshakeTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 20260101, -7})
    void synSynAckAckSynchronisesSequenceNumbersAndExchangesWindowsAndMss(long seed) throws Exception {
        World w = new World(seed);
        TcpListener listener = w.server.listen(World.PORT, 8);
        CompletableFuture<TcpConnection> accepted = listener.acceptAsync().toCompletableFuture();

        TcpConnection client = w.sim.await(w.client.connectAsync(World.SERVER_PORT), Duration.ofSeconds(5));
        TcpConnection server = w.sim.await(accepted, Duration.ofSeconds(5));

        List<SegmentTrace.Seen> sent = w.trace.sent();
        assertEquals(3, sent.size(), "seed " + seed + "\n" + w.trace.dump());
        SegmentTrace.Seen syn = sent.get(0);
        SegmentTrace.Seen synAck = sent.get(1);
        SegmentTrace.Seen ack = sent.get(2);
        // 1. Client -> Server: SYN, SEQ=X (no ACK yet: RFC 9293 §3.10.1 "<SEQ=ISS><CTL=SYN>")
        assertTrue(syn.from(CLIENT) && syn.is(Segment.SYN), syn.toString());
        int x = syn.seq();
        // 2. Server -> Client: SYN,ACK with ACK=X+1, SEQ=Y
        assertTrue(synAck.from(SERVER) && synAck.is(Segment.SYN | Segment.ACK), synAck.toString());
        assertEquals(x + 1, synAck.ack(), "ACK=X+1");
        int y = synAck.seq();
        // 3. Client -> Server: ACK=Y+1, SEQ=X+1
        assertTrue(ack.from(CLIENT) && ack.is(Segment.ACK), ack.toString());
        assertEquals(x + 1, ack.seq(), "SEQ=X+1");
        assertEquals(y + 1, ack.ack(), "ACK=Y+1");
        assertEquals(syn.sourcePort(), ack.sourcePort());
        assertEquals(World.PORT, syn.destinationPort());

        // Windows and MSS were exchanged: each side now knows the other's (RFC 9293 §3.7.1, MUST-15).
        EngineConfig config = EngineConfig.defaults();
        assertEquals(config.mss(), syn.mss());
        assertEquals(config.mss(), synAck.mss());
        ConnectionStatistics c = client.statistics();
        ConnectionStatistics s = server.statistics();
        assertEquals(synAck.mss(), c.peerMss());
        assertEquals(syn.mss(), s.peerMss());
        assertTrue(syn.window() > 0 && synAck.window() > 0);
        assertTrue(c.sendWindow() > 0 && s.sendWindow() > 0, "each side learnt the other's window");
        // RFC 7323 §2.2: the window field of a SYN is never scaled, so until the server sends a
        // non-SYN segment the client knows at most 65535 of it; the third segment's window is scaled.
        assertEquals(Math.min(s.receiveWindow(), 65535), c.sendWindow(),
                "the client's SND.WND is the window the server's SYN,ACK offers");
        assertEquals(synAck.window(), c.sendWindow());
        assertEquals(c.receiveWindow(), s.sendWindow(),
                "the server's SND.WND is the window the client offers (scaled, both SYNs carried wscale)");

        assertEquals(TcpState.ESTABLISHED, client.state());
        assertEquals(TcpState.ESTABLISHED, server.state());
        assertEquals(List.of("CLOSED => SYN-SENT", "SYN-SENT => ESTABLISHED"), w.transitionsOf(CLIENT));
        assertEquals(List.of("LISTEN => SYN-RECEIVED", "SYN-RECEIVED => ESTABLISHED"), w.transitionsOf(SERVER));
    }

    @Test
    void dataFlowsOnceSynchronisedFromBothSequenceNumbers() throws Exception {
        World w = new World(11);
        CompletableFuture<TcpConnection> accepted = w.server.listen(World.PORT, 1).acceptAsync().toCompletableFuture();
        TcpConnection client = w.sim.await(w.client.connectAsync(World.SERVER_PORT), Duration.ofSeconds(5));
        TcpConnection server = w.sim.await(accepted, Duration.ofSeconds(5));
        int x = w.trace.sent().get(0).seq();

        client.write(ByteBuffer.wrap("hello".getBytes()));
        w.sim.await(server.whenReadable(), Duration.ofSeconds(1));
        ByteBuffer into = ByteBuffer.allocate(16);
        assertEquals(5, server.read(into));

        assertArrayEquals("hello".getBytes(), java.util.Arrays.copyOf(into.array(), 5));
        SegmentTrace.Seen data = w.trace.sent(s -> s.payloadLength() > 0).get(0);
        assertEquals(x + 1, data.seq(), "the first data byte is X+1: the SYN took sequence number X");
    }

    @Test
    void theSameSeedReproducesTheRunByteForByteAndAnotherSeedDoesNot() throws Exception {
        List<SegmentTrace.Seen> first = handshakeDataAndClose(42);
        List<SegmentTrace.Seen> again = handshakeDataAndClose(42);
        List<SegmentTrace.Seen> other = handshakeDataAndClose(43);

        assertTrue(first.size() >= 10, "handshake, data, close and their ACKs were recorded: " + first.size());
        assertEquals(first.size(), again.size());
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i).bytes(), again.get(i).bytes(),
                    "datagram " + i + " differs between two runs of seed 42");
            assertEquals(first.get(i).timeNanos(), again.get(i).timeNanos());
            assertEquals(first.get(i).fate(), again.get(i).fate());
        }
        assertNotEquals(ByteBuffer.wrap(first.get(0).bytes()), ByteBuffer.wrap(other.get(0).bytes()),
                "another seed, another ISN secret, another SYN");
    }

    private static List<SegmentTrace.Seen> handshakeDataAndClose(long seed) throws Exception {
        World w = new World(seed);
        CompletableFuture<TcpConnection> accepted = w.server.listen(World.PORT, 1).acceptAsync().toCompletableFuture();
        TcpConnection client = w.sim.await(w.client.connectAsync(World.SERVER_PORT), Duration.ofSeconds(5));
        TcpConnection server = w.sim.await(accepted, Duration.ofSeconds(5));
        client.write(ByteBuffer.wrap(new byte[3000]));
        w.sim.runFor(Duration.ofMillis(500));
        server.read(ByteBuffer.allocate(3000));
        client.close();
        w.sim.runFor(Duration.ofSeconds(1));
        server.close();
        w.sim.runUntilIdle();
        return w.trace.all();
    }
}
