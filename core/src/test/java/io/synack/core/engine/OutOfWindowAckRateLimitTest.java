package io.synack.core.engine;

import static io.synack.core.engine.Fixture.LOCAL_ISS;
import static io.synack.core.engine.Fixture.MS;
import static io.synack.core.engine.Fixture.REMOTE_ISS;

import io.synack.core.wire.Segment;
import org.junit.jupiter.api.Test;

/**
 * RFC 9293 §3.10.7.4 asks for an ACK in reply to an unacceptable segment; Linux sends at most one
 * such ACK per 500 ms per connection for segments without data ({@code tcp_oow_rate_limited}),
 * which ends the ACK storm between two ends whose sequence spaces disagree (seen when an old
 * duplicate entered a new incarnation without TIME-WAIT). Segments with data or FIN are always
 * answered: that ACK recovers a lost acknowledgment.
 */
class OutOfWindowAckRateLimitTest {

    private static final int ACK = Segment.ACK;

    @Test
    void pureAcksLeftOfTheWindowAreAnsweredAtMostEvery500ms() {
        Fixture f = Fixture.inEstablished();
        f.feed(ACK, REMOTE_ISS - 100_000, LOCAL_ISS + 1);
        f.expect(". 1001 5001");
        f.at(100 * MS);
        f.feed(ACK, REMOTE_ISS - 100_000, LOCAL_ISS + 1);
        f.expectNothing();
        f.at(499 * MS);
        f.feed(ACK, REMOTE_ISS - 100_000, LOCAL_ISS + 1);
        f.expectNothing();
        f.at(500 * MS);
        f.feed(ACK, REMOTE_ISS - 100_000, LOCAL_ISS + 1);
        f.expect(". 1001 5001");
    }

    @Test
    void acksOfDataNeverSentAreRateLimitedTheSameWay() {
        // RFC 9293 §3.10.7.4 fifth step: "If the ACK acks something not yet sent (SEG.ACK > SND.NXT),
        // then send an ACK, drop the segment, and return."
        Fixture f = Fixture.inEstablished();
        f.feed(ACK, REMOTE_ISS + 1, LOCAL_ISS + 500);
        f.expect(". 1001 5001");
        f.at(10 * MS);
        f.feed(ACK, REMOTE_ISS + 1, LOCAL_ISS + 500);
        f.expectNothing();
    }

    @Test
    void duplicateDataIsAlwaysAcknowledged() {
        Fixture f = Fixture.inEstablished();
        f.feed(ACK, REMOTE_ISS - 10, LOCAL_ISS + 1, 10); // entirely old data: a retransmission
        f.expect(". 1001 5001");
        f.at(1 * MS);
        f.feed(ACK, REMOTE_ISS - 10, LOCAL_ISS + 1, 10);
        f.expect(". 1001 5001");
    }
}
