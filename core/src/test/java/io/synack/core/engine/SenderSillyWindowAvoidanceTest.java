package io.synack.core.engine;

import static io.synack.core.engine.Fixture.LOCAL_ISS;
import static io.synack.core.engine.Fixture.REMOTE_ISS;

import io.synack.core.wire.Segment;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Sender silly-window-syndrome avoidance (RFC 9293 §3.8.6.2.1, MUST-38) with Nagle's algorithm
 * (§3.7.4, MUST-17): small segments go only when they carry everything queued and nothing is
 * unacknowledged (or Nagle is off), or when they fill half the peer's largest window.
 */
class SenderSillyWindowAvoidanceTest {

    private static Fixture established(int peerWindow) {
        Fixture f = Fixture.inSynSent();
        f.feed(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1, 0, peerWindow);
        f.out();
        return f;
    }

    @Test
    void aSmallWriteWithNothingInFlightGoesAtOnce() throws Exception {
        Fixture f = established(65535);
        f.engine.send(f.handle, ByteBuffer.wrap(new byte[10]), f.now);
        f.expect("P. 1001 5001 len 10");
    }

    @Test
    void nagleHoldsASecondSmallWriteUntilTheFirstIsAcknowledged() throws Exception {
        Fixture f = established(65535);
        f.engine.send(f.handle, ByteBuffer.wrap(new byte[10]), f.now);
        f.expect("P. 1001 5001 len 10");
        f.engine.send(f.handle, ByteBuffer.wrap(new byte[10]), f.now);
        f.engine.send(f.handle, ByteBuffer.wrap(new byte[10]), f.now);
        f.expectNothing();
        f.feed(Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 11, 0, 65535);
        f.expect("P. 1011 5001 len 20");
    }

    @Test
    void noDelaySendsEverySmallWrite() throws Exception {
        Fixture f = established(65535);
        f.engine.setNoDelay(f.handle, true);
        f.engine.send(f.handle, ByteBuffer.wrap(new byte[10]), f.now);
        f.engine.send(f.handle, ByteBuffer.wrap(new byte[10]), f.now);
        f.expect("P. 1001 5001 len 10", "P. 1011 5001 len 10");
    }

    @Test
    void aTinyWindowPeerStillGetsData() throws Exception {
        // The largest window this peer offers is 100 bytes: half of it is "enough" (Fs = 1/2).
        Fixture f = established(100);
        f.engine.send(f.handle, ByteBuffer.wrap(new byte[1000]), f.now);
        f.expect(". 1001 5001 len 100");
    }
}
