package io.synack.core.engine;

import static io.synack.core.engine.Fixture.LOCAL_ISS;
import static io.synack.core.engine.Fixture.REMOTE_ISS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.ConnectionClosedException;
import io.synack.api.ConnectionEvent;
import io.synack.api.SynackException;
import io.synack.api.TcpState;
import io.synack.core.wire.Segment;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The unsafe switches that take a mechanism away for the seed's experiments ("why three?", "why
 * four?"), each against the safe default, so the experiments show a real difference.
 */
class UnsafeExperimentSwitchesTest {

    @Test
    void twoWayHandshakeMakesTheChildEstablishedOnSendingSynAck() {
        Fixture f = new Fixture(EngineConfig.defaults().withUnsafe(true, false));
        f.listen();
        f.feed(Segment.SYN, REMOTE_ISS, 0);
        f.expect("S. 1000 5001");
        int child = f.engine.accept(f.listener);
        assertTrue(child >= 0, "the application is handed a connection before the peer confirmed anything");
        assertEquals(TcpState.ESTABLISHED, f.engine.state(child));
    }

    @Test
    void threeWayHandshakeIsTheDefault_noConnectionBeforeTheThirdSegment() {
        Fixture f = Fixture.inSynReceived();
        assertEquals(-1, f.engine.accept(f.listener), "RFC 9293 §3.5: nothing to accept in SYN-RECEIVED");
    }

    @Test
    void closeOnFirstFinSendsOurFinAtOnceAndRefusesFurtherData() throws SynackException {
        Fixture f = new Fixture(EngineConfig.defaults().withUnsafe(false, true));
        f.connect();
        f.expect("S 1000");
        f.feed(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1);
        f.expect(". 1001 5001");
        f.feed(Segment.FIN | Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
        f.expect("F. 1001 5002"); // our FIN carries the ACK of the peer's FIN (piggybacked)
        f.assertState(TcpState.LAST_ACK);
        assertThrows(ConnectionClosedException.class,
                () -> f.engine.send(f.handle, ByteBuffer.wrap(new byte[] {1}), f.now));
        assertTrue(f.drainEvents().stream().anyMatch(e -> e instanceof ConnectionEvent.StateChanged s
                && s.cause().startsWith("UNSAFE")));
    }

    @Test
    void halfCloseIsTheDefault_ourDirectionStaysOpenInCloseWait() throws SynackException {
        Fixture f = Fixture.inEstablished();
        f.feed(Segment.FIN | Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
        f.expect(". 1001 5002");
        f.assertState(TcpState.CLOSE_WAIT);
        assertEquals(1, f.engine.send(f.handle, ByteBuffer.wrap(new byte[] {1}), f.now));
    }
}
