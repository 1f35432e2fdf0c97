package io.synack.core.scenario;

import static io.synack.core.scenario.World.CLIENT;
import static io.synack.core.scenario.World.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.synack.api.CloseReason;
import io.synack.api.ConnectionRefusedException;
import io.synack.api.ConnectionResetException;
import io.synack.api.TcpConnection;
import io.synack.api.TcpState;
import io.synack.core.engine.EngineConfig;
import io.synack.core.wire.Segment;
import io.synack.spi.DatagramFate;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An acceptable RST (SEQ = RCV.NXT, RFC 5961 §3.2) arriving end to end in every state the server
 * side can be brought to, with the outcome RFC 9293 §3.10.7 prescribes for it.
 */
class RstInEveryStateTest {

    /** The synchronized states in which an exact RST resets the connection (§3.10.7.4 second check). */
    enum Synchronized { ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Synchronized.class)
    void anExactRstClosesTheConnection(Synchronized state) throws Exception {
        World w = new World(1000 + state.ordinal());
        Established e = Established.open(w);
        TcpConnection server = e.server();
        TcpConnection client = e.client();
        switch (state) {
            case ESTABLISHED -> { }
            case FIN_WAIT_1 -> { // our FIN is not acknowledged: the network holds it
                holdFrom(w, SERVER);
                server.shutdownOutput();
            }
            case FIN_WAIT_2 -> server.shutdownOutput();
            case CLOSE_WAIT -> client.shutdownOutput();
            case CLOSING -> { // FINs cross; ours is held, so the peer's arrives in FIN-WAIT-1
                holdFrom(w, SERVER);
                server.shutdownOutput();
                client.shutdownOutput();
            }
            case LAST_ACK -> {
                client.shutdownOutput();
                w.sim.runFor(Duration.ofMillis(1));
                holdFrom(w, CLIENT);
                server.shutdownOutput();
            }
        }
        w.sim.runFor(Duration.ofMillis(1));
        assertEquals(TcpState.valueOf(state.name()), server.state(), w.trace.dump());

        injectRst(w, rcvNxtOfServer(w));
        w.sim.runFor(Duration.ofMillis(1));

        // ESTABLISHED, FIN-WAIT-1/2, CLOSE-WAIT: "enter the CLOSED state, delete the TCB ... signal
        // 'connection reset'"; CLOSING, LAST-ACK: "enter the CLOSED state, delete the TCB, and return".
        assertEquals(TcpState.CLOSED, server.state());
        assertEquals(CloseReason.RESET, server.closeFuture().toCompletableFuture().getNow(null));
        assertThrows(ConnectionResetException.class, () -> server.read(ByteBuffer.allocate(1)));
        assertEquals(0, w.engine(SERVER).tcbCount());
    }

    @Test
    void inSynSentAnRstAcknowledgingOurSynRefusesTheConnection() throws Exception {
        World w = new World(1100);
        holdFrom(w, CLIENT);
        CompletableFuture<TcpConnection> connect = w.client.connectAsync(World.SERVER_PORT).toCompletableFuture();
        w.sim.runFor(Duration.ofMillis(1));
        FaultScript.Held syn = w.faults.held().get(0);
        Segment rst = new Segment();
        rst.sourcePort = World.PORT;
        rst.destinationPort = portOf(syn);
        rst.flags = Segment.RST | Segment.ACK;
        rst.ack = syn.seq() + 1; // §3.10.7.3: acceptable if SND.UNA < SEG.ACK =< SND.NXT
        w.faults.inject(SERVER, CLIENT, rst);
        w.sim.runFor(Duration.ofMillis(1));

        ExecutionException refused = assertThrows(ExecutionException.class, connect::get);
        assertInstanceOf(ConnectionRefusedException.class, refused.getCause());
        assertEquals(0, w.engine(CLIENT).tcbCount());
    }

    @Test
    void inSynReceivedFromListenAnRstReturnsTheChildToListen() throws Exception {
        World w = new World(1101);
        CompletableFuture<TcpConnection> accepted = w.server.listen(World.PORT, 2).acceptAsync().toCompletableFuture();
        holdFrom(w, SERVER); // the SYN,ACK never reaches the client
        w.client.connectAsync(World.SERVER_PORT);
        w.sim.runFor(Duration.ofMillis(1));
        assertEquals(1, w.server.statistics().connectionsIn(TcpState.SYN_RECEIVED));

        injectRst(w, rcvNxtOfServer(w));
        w.sim.runFor(Duration.ofMillis(1));

        // §3.10.7.4 SYN-RECEIVED: "If this connection was initiated with a passive OPEN ... return
        // this connection to LISTEN state and return" (MUST-11 remembers where it came from).
        assertEquals(0, w.server.statistics().connectionsIn(TcpState.SYN_RECEIVED));
        assertEquals(0, w.engine(SERVER).tcbCount());
        assertEquals(0, w.engine(SERVER).backlogInUse(0), "the RST freed the backlog slot");
        assertFalse(accepted.isDone(), "nothing to accept");
    }

    @ParameterizedTest(name = "RFC 1337 protection {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void inTimeWaitAnRstEndsItUnlessRfc1337ProtectionIsOn(boolean rfc1337) throws Exception {
        World w = new World(1102, EngineConfig.defaults().withRfc1337(rfc1337));
        Established e = Established.open(w);
        e.server().close();
        w.sim.runFor(Duration.ofMillis(1));
        e.client().close();
        w.sim.runFor(Duration.ofMillis(1));
        assertEquals(1, w.engine(SERVER).timeWaitCount(), w.trace.dump());

        injectRst(w, rcvNxtOfServer(w));
        w.sim.runFor(Duration.ofMillis(1));

        // §3.10.7.4 TIME-WAIT: "If the RST bit is set, then enter the CLOSED state" — the TIME-WAIT
        // assassination RFC 1337 warns of; Linux does it by default (net.ipv4.tcp_rfc1337 = 0).
        assertEquals(rfc1337 ? 1 : 0, w.engine(SERVER).timeWaitCount());
    }

    private static void holdFrom(World w, java.net.InetAddress host) {
        w.faults.rule((source, destination, segment) -> source.equals(host)
                ? FaultScript.Action.HOLD : FaultScript.Action.PASS);
    }

    /** RCV.NXT of the server: just past the last segment it received from the client. */
    private static int rcvNxtOfServer(World w) {
        List<SegmentTrace.Seen> in = w.trace.history().stream()
                .filter(s -> s.fate() == DatagramFate.DELIVERED && s.from(CLIENT)).toList();
        if (in.isEmpty()) {
            throw new AssertionError("the server received nothing yet\n" + w.trace.dump());
        }
        int next = Integer.MIN_VALUE;
        boolean first = true;
        for (SegmentTrace.Seen s : in) {
            int end = s.seq() + s.payloadLength() + (s.has(Segment.SYN) ? 1 : 0) + (s.has(Segment.FIN) ? 1 : 0);
            if (first || end - next > 0) {
                next = end;
                first = false;
            }
        }
        return next;
    }

    private static void injectRst(World w, int seq) throws Exception {
        int clientPort = w.trace.history().stream().filter(s -> s.from(CLIENT)).findFirst()
                .map(SegmentTrace.Seen::sourcePort).orElseThrow();
        Segment rst = new Segment();
        rst.sourcePort = clientPort;
        rst.destinationPort = World.PORT;
        rst.seq = seq;
        rst.flags = Segment.RST;
        w.faults.inject(CLIENT, SERVER, rst);
    }

    private static int portOf(FaultScript.Held h) {
        return ((h.bytes()[0] & 0xff) << 8) | (h.bytes()[1] & 0xff);
    }
}
