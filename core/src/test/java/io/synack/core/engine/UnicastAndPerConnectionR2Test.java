package io.synack.core.engine;

import static io.synack.core.engine.Fixture.LOCAL_PORT;
import static io.synack.core.engine.Fixture.REMOTE;
import static io.synack.core.engine.Fixture.REMOTE_ISS;
import static io.synack.core.engine.Fixture.REMOTE_PORT;
import static io.synack.core.engine.Fixture.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.CloseReason;
import io.synack.api.ConnectionEvent;
import io.synack.api.TcpState;
import io.synack.core.wire.Segment;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** MUST-57 (segments to broadcast or multicast addresses), MUST-21 (R2 set per connection), MUST-16 (MMS_S). */
class UnicastAndPerConnectionR2Test {

    private static Segment syn() {
        Segment s = new Segment();
        s.sourcePort = REMOTE_PORT;
        s.destinationPort = LOCAL_PORT;
        s.seq = REMOTE_ISS;
        s.flags = Segment.SYN;
        s.window = 65535;
        s.mss = 1460;
        return s;
    }

    /** MUST-57: "silently discard an incoming SYN segment that is addressed to a broadcast or multicast address". */
    @ParameterizedTest
    @ValueSource(strings = {"224.0.0.1", "239.1.2.3", "255.255.255.255", "ff02::1", "ff05::2"})
    void synToBroadcastOrMulticastIsDiscardedSilently(String destination) {
        Fixture f = Fixture.inListen();
        f.engine.handleSegment(REMOTE, Fixture.addr(destination), syn(), f.now);
        f.expectNothing();
        assertEquals(0, f.engine.tcbCount(), "no half-open child");
        assertEquals(1L, f.engine.statistics().drops().get(DropReason.NOT_UNICAST));
    }

    /** The same SYN addressed to this host opens a connection: the check is on the destination only. */
    @Test
    void synToUnicastDestinationIsAnswered() {
        Fixture f = Fixture.inListen();
        f.engine.handleSegment(REMOTE, Fixture.LOCAL, syn(), f.now);
        List<String> out = f.out();
        assertEquals(1, out.size(), out.toString());
        assertTrue(out.get(0).startsWith("S. "), out.toString());
        assertEquals(null, f.engine.statistics().drops().get(DropReason.NOT_UNICAST));
    }

    /** A non-SYN segment to a multicast address draws nothing either (no RST to a group). */
    @Test
    void segmentToMulticastWithoutListenerDrawsNoReset() {
        Fixture f = Fixture.inClosed();
        Segment s = syn();
        s.flags = Segment.ACK;
        s.ack = 1;
        f.engine.handleSegment(REMOTE, Fixture.addr("224.0.0.251"), s, f.now);
        f.expectNothing();
    }

    /** MUST-21: R2 set for one connection replaces synack.tcp.r2: the connection gives up exactly then. */
    @Test
    void r2SetPerConnectionEndsRetransmissionThen() throws Exception {
        Fixture f = Fixture.inEstablished();
        f.engine.setR2(f.handle, 3 * S);
        f.engine.send(f.handle, ByteBuffer.wrap(new byte[100]), f.now);
        long gaveUpAt = -1;
        while (f.engine.nextDeadline() != Long.MAX_VALUE && gaveUpAt < 0) {
            long t = f.advanceToNextDeadline();
            f.out();
            if (f.allEvents().stream().anyMatch(e -> e instanceof ConnectionEvent.TimedOut)) {
                gaveUpAt = t;
            }
        }
        assertEquals(3 * S, gaveUpAt, "R2 runs from the first transmission of the oldest unacknowledged segment");
        assertTrue(f.allEvents().stream().anyMatch(e -> e instanceof ConnectionEvent.Closed c
                && c.reason() == CloseReason.TIMED_OUT));
    }

    /** The default R2 (synack.tcp.r2) still holds for the other connections, which are alive at 3 s. */
    @Test
    void defaultR2IsLongerThanThePerConnectionOne() throws Exception {
        Fixture f = Fixture.inEstablished();
        assertTrue(EngineConfig.defaults().r2Nanos() > 3 * S);
        f.engine.send(f.handle, ByteBuffer.wrap(new byte[100]), f.now);
        while (f.engine.nextDeadline() <= 3 * S) {
            f.advanceToNextDeadline();
            f.out();
        }
        assertEquals(TcpState.ESTABLISHED, f.engine.state(f.handle));
    }

    /**
     * MUST-16: with a transport that carries 1300-byte TCP segments (an IPv6 link of MTU 1340, say),
     * the SYN-ACK announces 1280 although synack.tcp.mss is 1460, and the peer's MSS of 1460 is
     * cut to 1280 for what we send: Eff.snd.MSS = min(SendMSS + 20, MMS_S) - 20.
     */
    @Test
    void theTransportsSegmentSizeBoundsBothMss() throws Exception {
        Fixture f = new Fixture();
        f.engine.limitSegmentSize(1300);
        f.listen();
        f.engine.handleSegment(REMOTE, Fixture.LOCAL, syn(), f.now);
        Segment synAck = new Segment();
        f.engine.pollTransmit(synAck);
        assertEquals(1280, synAck.mss, "announced MSS");
        f.out();
        f.feed(Segment.ACK, REMOTE_ISS + 1, Fixture.LOCAL_ISS + 1);
        int child = f.engine.accept(f.listener);
        f.engine.send(child, ByteBuffer.wrap(new byte[4000]), f.now);
        Segment data = new Segment();
        f.engine.pollTransmit(data);
        assertEquals(1280, data.payloadLength(), "first segment cut to Eff.snd.MSS");
    }

    @Test
    void aTransportMustCarryMoreThanAHeader() {
        Fixture f = new Fixture();
        assertThrows(IllegalArgumentException.class, () -> f.engine.limitSegmentSize(20));
    }

    @Test
    void r2MustBePositive() {
        Fixture f = Fixture.inEstablished();
        assertThrows(IllegalArgumentException.class, () -> f.engine.setR2(f.handle, 0));
    }

}
