package io.synack.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.core.wire.Segment;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MUST-16 (RFC 9293 §3.7.1): a data segment's data and options together fit the MSS the peer
 * announced, also when SACK blocks ride on it. Found against the Linux kernel over a veth
 * (transport-rawsocket's interop tests): with holes in the receive queue, full data segments
 * carried timestamps and three SACK blocks, 28 bytes over the link's limit, and the raw socket
 * refused them.
 */
class SackBlocksFitTheMssTest {

    private static final int PEER_MSS = 1460;
    private static final int TIMESTAMPS = 12;

    @Test
    void fullDataSegmentsLeaveOutTheBlocksThereIsNoRoomForAndThePureAckCarriesThem() throws Exception {
        Fixture f = ReceivePathTest.establishedWithSack(true);
        for (int i = 1; i <= 3; i++) {
            ReceivePathTest.feedText(f, ReceivePathTest.FIRST + 200 * i, 100); // three holes
            ReceivePathTest.raw(f);
        }
        f.engine.send(f.handle, ByteBuffer.wrap(new byte[4 * PEER_MSS]), f.now);
        List<Segment> out = ReceivePathTest.raw(f);
        assertTrue(out.stream().anyMatch(s -> s.payloadLength() == PEER_MSS - TIMESTAMPS), "full segments go");
        for (Segment s : out) {
            int options = TIMESTAMPS + (s.sackBlockCount > 0 ? 4 + 8 * s.sackBlockCount : 0);
            assertTrue(s.payloadLength() + options <= PEER_MSS,
                    s.payloadLength() + " bytes of data and " + options + " of options exceed MSS " + PEER_MSS);
        }
        // A segment with little data still carries every block, as a pure ACK does.
        ReceivePathTest.feedText(f, ReceivePathTest.FIRST + 900, 100);
        Segment ack = ReceivePathTest.raw(f).get(0);
        assertEquals(3, ack.sackBlockCount);
    }
}
