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
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seed, "Closing: the four-way wave. Either side may start it": FIN, its ACK, the other side's FIN,
 * its ACK — each direction closed on its own (RFC 9293 §3.6, Figure 12 "normal close sequence").
 * The side that closed first waits 2×MSL in TIME-WAIT.
 */
class FourWayCloseTest {

    @ParameterizedTest(name = "client closes first: {0}")
    @ValueSource(booleans = {true, false})
    void eitherSideStartsTheFourWayClose(boolean clientFirst) throws Exception {
        World w = new World(clientFirst ? 100 : 200);
        Established e = Established.open(w);
        TcpConnection first = clientFirst ? e.client() : e.server();
        TcpConnection second = clientFirst ? e.server() : e.client();
        InetAddress firstHost = clientFirst ? CLIENT : SERVER;
        InetAddress secondHost = clientFirst ? SERVER : CLIENT;

        // 1. "I want to close": FIN from the first side.
        first.close();
        w.sim.runFor(Duration.ofSeconds(1));
        assertEquals(TcpState.FIN_WAIT_2, first.state());
        assertEquals(TcpState.CLOSE_WAIT, second.state());
        assertEquals(-1, second.read(ByteBuffer.allocate(1)), "the peer's FIN reads as end of stream");

        // 3. "I want to close" from the second side, whenever its application is done.
        second.close();
        w.sim.runFor(Duration.ofSeconds(1));
        long timeWaitEntered = w.enteredAt(firstHost, TcpState.TIME_WAIT);
        assertTrue(timeWaitEntered >= 0, w.transitionsOf(firstHost).toString());

        List<SegmentTrace.Seen> close = w.trace.sent();
        assertEquals(4, close.size(), w.trace.dump());
        SegmentTrace.Seen fin1 = close.get(0);
        SegmentTrace.Seen ack1 = close.get(1);
        SegmentTrace.Seen fin2 = close.get(2);
        SegmentTrace.Seen ack2 = close.get(3);
        assertTrue(fin1.from(firstHost) && fin1.is(Segment.FIN | Segment.ACK), fin1.toString());
        assertTrue(ack1.from(secondHost) && ack1.is(Segment.ACK), ack1.toString());
        assertEquals(fin1.seq() + 1, ack1.ack(), "the FIN occupies one sequence number");
        assertTrue(fin2.from(secondHost) && fin2.is(Segment.FIN | Segment.ACK), fin2.toString());
        assertEquals(fin1.seq() + 1, fin2.ack());
        assertTrue(ack2.from(firstHost) && ack2.is(Segment.ACK), ack2.toString());
        assertEquals(fin2.seq() + 1, ack2.ack());
        assertEquals(fin1.seq() + 1, ack2.seq());

        assertEquals(List.of("ESTABLISHED => FIN-WAIT-1", "FIN-WAIT-1 => FIN-WAIT-2", "FIN-WAIT-2 => TIME-WAIT"),
                w.transitionsOf(firstHost));
        assertEquals(List.of("ESTABLISHED => CLOSE-WAIT", "CLOSE-WAIT => LAST-ACK", "LAST-ACK => CLOSED"),
                w.transitionsOf(secondHost));
        assertEquals(CloseReason.GRACEFUL, second.closeFuture().toCompletableFuture().getNow(null));
        assertEquals(CloseReason.GRACEFUL, first.closeFuture().toCompletableFuture().getNow(null),
                "the application learns of a graceful close (MUST-12)");

        // TIME-WAIT holds for 2×MSL (60 s by default), then the 4-tuple is free.
        long twoMsl = 2 * EngineConfig.defaults().mslNanos();
        w.sim.runUntilIdle();
        assertEquals(List.of("ESTABLISHED => FIN-WAIT-1", "FIN-WAIT-1 => FIN-WAIT-2", "FIN-WAIT-2 => TIME-WAIT",
                "TIME-WAIT => CLOSED"), w.transitionsOf(firstHost));
        assertEquals(timeWaitEntered + twoMsl, w.enteredAt(firstHost, TcpState.CLOSED));
        assertEquals(0, w.engine(CLIENT).tcbCount() + w.engine(SERVER).tcbCount());
        assertEquals(0, w.engine(firstHost).timeWaitCount());
    }
}
