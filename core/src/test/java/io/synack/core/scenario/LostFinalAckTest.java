package io.synack.core.scenario;

import static io.synack.core.scenario.World.CLIENT;
import static io.synack.core.scenario.World.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.CloseReason;
import io.synack.api.TcpState;
import io.synack.core.engine.EngineConfig;
import io.synack.core.wire.Segment;
import io.synack.spi.DatagramFate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seed, "Why wait 2MSL in TIME-WAIT?", reason 1: "if the final ACK is lost, the peer retransmits
 * its FIN, and the side in TIME-WAIT is still there to acknowledge it again." RFC 9293 §3.10.7.4
 * TIME-WAIT: "The only thing that can arrive in this state is a retransmission of the remote FIN.
 * Acknowledge it, and restart the 2 MSL timeout."
 */
class LostFinalAckTest {

    @Test
    void lastAckRetransmitsItsFinAndTimeWaitAcknowledgesAgainAndRestarts2Msl() throws Exception {
        World w = new World(500);
        Established e = Established.open(w);
        long twoMsl = 2 * EngineConfig.defaults().mslNanos();

        e.client().close();
        w.sim.runFor(Duration.ofSeconds(1));
        // The network loses the client's first ACK of the server's FIN: the final ACK.
        boolean[] lost = {false};
        w.faults.rule((source, destination, segment) -> {
            if (source.equals(CLIENT) && segment.flags == Segment.ACK && !lost[0]) {
                lost[0] = true;
                return FaultScript.Action.DROP;
            }
            return FaultScript.Action.PASS;
        });
        e.server().close();
        w.sim.runFor(Duration.ofMillis(1));
        long timeWaitEntered = w.enteredAt(CLIENT, TcpState.TIME_WAIT);
        assertTrue(lost[0] && timeWaitEntered >= 0, w.trace.dump());
        assertEquals(TcpState.LAST_ACK, e.server().state(), "the server never heard the final ACK");

        // The server's retransmission timer fires: it sends its FIN again.
        w.sim.runUntil(() -> e.server().closeFuture().toCompletableFuture().isDone(), Duration.ofSeconds(30));
        List<SegmentTrace.Seen> fins = w.trace.sent(s -> s.from(SERVER) && s.has(Segment.FIN));
        assertEquals(2, fins.size(), w.trace.dump());
        assertEquals(fins.get(0).seq(), fins.get(1).seq(), "a retransmission: the same FIN");
        long retransmittedAt = fins.get(1).timeNanos();
        List<SegmentTrace.Seen> lostAcks = w.trace.withFate(DatagramFate.DROPPED);
        assertEquals(1, lostAcks.size(), w.trace.dump());
        assertEquals(fins.get(0).seq() + 1, lostAcks.get(0).ack(), "the lost segment was the final ACK");
        List<SegmentTrace.Seen> acks = w.trace.sent(s -> s.from(CLIENT) && s.is(Segment.ACK));
        assertEquals(1, acks.size(), "TIME-WAIT acknowledged the retransmitted FIN\n" + w.trace.dump());
        assertEquals(fins.get(1).seq() + 1, acks.get(0).ack());
        assertEquals(retransmittedAt, acks.get(0).timeNanos(), "at once, from TIME-WAIT");
        assertEquals(CloseReason.GRACEFUL, e.server().closeFuture().toCompletableFuture().getNow(null));
        assertEquals(TcpState.TIME_WAIT, stateOfTimeWait(w));

        // 2MSL restarted at the retransmitted FIN, not at the entry into TIME-WAIT.
        w.sim.scheduler().runUntil(timeWaitEntered + twoMsl);
        assertEquals(TcpState.TIME_WAIT, stateOfTimeWait(w), "still in TIME-WAIT at entry + 2MSL");
        w.sim.runUntilIdle();
        assertEquals(retransmittedAt + twoMsl, w.enteredAt(CLIENT, TcpState.CLOSED));
        assertEquals(0, w.engine(CLIENT).timeWaitCount());
        assertEquals(0, w.engine(CLIENT).tcbCount() + w.engine(SERVER).tcbCount(), "both sides end CLOSED");
    }

    private static TcpState stateOfTimeWait(World w) {
        return w.engine(CLIENT).timeWaitCount() == 1 ? TcpState.TIME_WAIT : TcpState.CLOSED;
    }
}
