package io.synack.core.engine;

import static io.synack.core.engine.Fixture.LOCAL_ISS;
import static io.synack.core.engine.Fixture.MS;
import static io.synack.core.engine.Fixture.REMOTE_ISS;
import static io.synack.core.engine.Fixture.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.core.wire.Segment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * NewReno's state changes at the segment level (RFC 5681, RFC 6582, RFC 6928): the peer's MSS is
 * 1460 and its window 65535, so the initial window is 10 segments (14600 bytes).
 */
class CongestionControlTest {
    static final int SMSS = 1460;
    static final int DATA = LOCAL_ISS + 1;

    static Fixture established() {
        return Fixture.inEstablished();
    }

    static void send(Fixture f, int bytes) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(bytes);
        while (b.hasRemaining()) {
            int n = f.engine.send(f.handle, b, f.now);
            if (n == 0) {
                throw new AssertionError("send buffer full");
            }
        }
    }

    static void ack(Fixture f, int ack) {
        f.feed(Segment.ACK, REMOTE_ISS + 1, ack, 0, 65535);
    }

    static NewReno cc(Fixture f) {
        return (NewReno) f.engine.tcbForTest(f.handle).cc;
    }

    /** Segments out, each {@code "seq len"}. */
    static List<String> data(Fixture f) {
        List<String> l = new ArrayList<>();
        for (String s : f.out()) {
            String[] w = s.split(" ");
            if (s.contains(" len ")) {
                l.add((Long.parseLong(w[1]) - DATA) + "+" + w[w.length - 1]);
            } else {
                l.add(s);
            }
        }
        return l;
    }

    static List<String> segments(int fromOffset, int count) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            l.add((fromOffset + i * SMSS) + "+" + SMSS);
        }
        return l;
    }

    @Test
    void initialWindowIsTenSegmentsPerRfc6928() throws Exception {
        Fixture f = established();
        assertEquals(14600, cc(f).cwnd(), "IW = min(10*SMSS, max(2*SMSS, 14600))");
        send(f, 40_000);
        assertEquals(segments(0, 10), data(f), "the sender respects cwnd although the peer's window is 65535");
    }

    @Test
    void initialWindowForSmallAndLargeMss() {
        assertEquals(5360, CongestionControl.initialWindow(536), "10 segments of 536");
        assertEquals(14600, CongestionControl.initialWindow(1460));
        assertEquals(17928, CongestionControl.initialWindow(8964), "at least 2 segments");
        assertEquals(14600, CongestionControl.initialWindow(4000), "14600 bytes, 3.65 segments");
    }

    @Test
    void theSmallerOfCwndAndTheSendWindowLimits() throws Exception {
        Fixture f = Fixture.inSynSent();
        f.feed(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1, 0, 3000);
        f.out();
        send(f, 40_000);
        // SND.WND = 3000 < cwnd: two full segments; the last 80 bytes of window wait (sender SWS, MUST-38).
        assertEquals(segments(0, 2), data(f));
        f.feed(Segment.ACK, REMOTE_ISS + 1, DATA + 2 * SMSS, 0, 3000);
        assertEquals(segments(2 * SMSS, 2), data(f));
    }

    @Test
    void slowStartGrowsCwndByOneSmssPerAck() throws Exception {
        Fixture f = established();
        send(f, 60_000);
        f.out();
        ack(f, DATA + SMSS);
        assertEquals(14600 + SMSS, cc(f).cwnd());
        assertEquals(segments(10 * SMSS, 2), data(f), "one segment replaces the acknowledged one, one more for the growth");
        ack(f, DATA + 3 * SMSS); // a stretch ACK of two segments still grows by at most one SMSS (RFC 3465 L = 1)
        assertEquals(14600 + 2 * SMSS, cc(f).cwnd());
        assertEquals(segments(12 * SMSS, 3), data(f));
    }

    @Test
    void retransmissionTimeoutSetsTheLossWindowAndResendsFromSndUna() throws Exception {
        Fixture f = established();
        send(f, 60_000);
        f.out();
        long rto = f.engine.nextDeadline();
        f.at(rto);
        assertEquals(List.of("0+" + SMSS), data(f), "one segment, from SND.UNA");
        assertEquals(SMSS, cc(f).cwnd(), "LW = 1 SMSS");
        assertEquals(7300, cc(f).ssthresh(), "max(FlightSize / 2, 2*SMSS) with FlightSize 14600");
        ack(f, DATA + SMSS);
        assertEquals(2 * SMSS, cc(f).cwnd());
        assertEquals(segments(SMSS, 2), data(f), "go-back: slow start resends what followed");
    }

    @Test
    void aSecondTimeoutHoldsSsthresh() throws Exception {
        Fixture f = established();
        send(f, 60_000);
        f.out();
        f.advanceToNextDeadline();
        f.out();
        f.advanceToNextDeadline();
        assertEquals(List.of("0+" + SMSS), data(f));
        assertEquals(7300, cc(f).ssthresh(), "RFC 5681 §3.1: held constant when the same segment times out again");
        assertEquals(SMSS, cc(f).cwnd());
    }

    @Test
    void congestionAvoidanceGrowsOneSmssPerWindow() throws Exception {
        Fixture f = established();
        send(f, 60_000);
        f.out();
        f.advanceToNextDeadline(); // ssthresh 7300, cwnd 1460
        f.out();
        int una = DATA;
        int[] expected = {2920, 4380, 5840, 7300, 7300, 7300, 7300, 7300, 8760};
        for (int cwnd : expected) {
            una += SMSS;
            ack(f, una);
            f.out();
            assertEquals(cwnd, cc(f).cwnd(), "after ACK of " + (una - DATA));
        }
    }

    @Nested
    class FastRetransmitAndRecovery {
        Fixture f;

        /** 10 segments in flight (14600 bytes), the first lost: three duplicate ACKs. */
        Fixture threeDuplicates() throws Exception {
            f = established();
            send(f, 60_000);
            f.out();
            ack(f, DATA);
            ack(f, DATA);
            assertEquals(segments(10 * SMSS, 2), data(f),
                    "two duplicates: no retransmission yet, one new segment each (RFC 3042 limited transmit)");
            ack(f, DATA);
            return f;
        }

        /**
         * RFC 5681 §3.2 ("TCP SHOULD use the limited transmit algorithm") and RFC 3042 §2 without
         * SACK: each of the first two duplicate ACKs sends one new segment if the outstanding data
         * stays within cwnd + 2*SMSS and the peer's window allows; cwnd is not changed, and those
         * segments are not counted in the FlightSize that sets ssthresh. Linux does this for Reno
         * too (each duplicate counts as a segment that left the network, tcp_add_reno_sack).
         */
        @Test
        void limitedTransmitWithoutSack() throws Exception {
            f = established();
            send(f, 60_000);
            assertEquals(segments(0, 10), data(f));
            ack(f, DATA);
            assertEquals(segments(10 * SMSS, 1), data(f), "the first duplicate: one new segment");
            assertEquals(14600, cc(f).cwnd(), "cwnd unchanged");
            ack(f, DATA);
            assertEquals(segments(11 * SMSS, 1), data(f), "the second duplicate: one more");
            ack(f, DATA);
            assertEquals(List.of("0+" + SMSS), data(f), "the third: fast retransmit, no further new data");
            assertEquals(7300, cc(f).ssthresh(), "FlightSize without the limited-transmit segments");
        }

        @Test
        void theThirdDuplicateAckRetransmitsAndHalvesTheWindow() throws Exception {
            threeDuplicates();
            assertEquals(List.of("0+" + SMSS), data(f), "fast retransmit of the segment at SND.UNA");
            assertEquals(7300, cc(f).ssthresh(), "ssthresh = max(FlightSize / 2, 2*SMSS)");
            assertEquals(7300 + 3 * SMSS, cc(f).cwnd(), "cwnd = ssthresh + 3*SMSS");
            assertTrue(f.engine.tcbForTest(f.handle).inRecovery);
        }

        @Test
        void anAckThatChangesTheWindowIsNotADuplicate() throws Exception {
            f = established();
            send(f, 60_000);
            f.out();
            for (int w = 60000; w < 60003; w++) {
                f.feed(Segment.ACK, REMOTE_ISS + 1, DATA, 0, w);
            }
            assertEquals(List.of(), data(f), "RFC 5681 §2: the advertised window must be unchanged");
            assertFalse(f.engine.tcbForTest(f.handle).inRecovery);
        }

        @Test
        void furtherDuplicatesInflateTheWindowAndClockOutNewData() throws Exception {
            threeDuplicates();
            f.out();
            ack(f, DATA); // 13140
            ack(f, DATA); // 14600
            ack(f, DATA); // 16060
            ack(f, DATA); // 17520
            assertEquals(List.of(), data(f), "FlightSize 17520 (with the 2 limited-transmit segments) is not below cwnd yet");
            ack(f, DATA); // 18980
            assertEquals(segments(12 * SMSS, 1), data(f), "RFC 5681 §3.2 step 4: one new segment per duplicate");
            ack(f, DATA); // 20440
            assertEquals(segments(13 * SMSS, 1), data(f));
        }

        @Test
        void aPartialAckRetransmitsTheNextHoleAndDeflates() throws Exception {
            threeDuplicates();
            f.out();
            ack(f, DATA + 3 * SMSS); // the retransmission filled the first hole; the 4th segment was lost too
            assertEquals(List.of((3 * SMSS) + "+" + SMSS), data(f), "RFC 6582 step 5: retransmit the first unacknowledged");
            assertTrue(f.engine.tcbForTest(f.handle).inRecovery, "still in recovery until recover is covered");
            assertEquals(7300 + 3 * SMSS - 3 * SMSS + SMSS, cc(f).cwnd(), "deflated by the bytes acknowledged, plus one SMSS");
        }

        @Test
        void aFullAckEndsTheRecovery() throws Exception {
            threeDuplicates();
            f.out();
            ack(f, DATA + 12 * SMSS); // recover: the 10 segments and the 2 of limited transmit
            assertFalse(f.engine.tcbForTest(f.handle).inRecovery);
            assertEquals(Math.min(7300, SMSS + SMSS), cc(f).cwnd(),
                    "RFC 6582 option 1: min(ssthresh, max(FlightSize, SMSS) + SMSS) with nothing outstanding");
            assertEquals(segments(12 * SMSS, 2), data(f));
        }

        @Test
        void duplicatesAfterATimeoutDoNotStartAnotherRecovery() throws Exception {
            f = established();
            send(f, 60_000);
            f.out();
            f.advanceToNextDeadline();
            f.out();
            for (int i = 0; i < 5; i++) {
                ack(f, DATA);
            }
            assertEquals(List.of(), data(f), "RFC 6582 §3.2 step 1: SND.UNA has not passed recover");
            assertFalse(f.engine.tcbForTest(f.handle).inRecovery);
        }
    }

    @Test
    void restartAfterIdleFallsBackToTheInitialWindow() throws Exception {
        Fixture f = established();
        send(f, 20 * SMSS);
        f.out();
        ack(f, DATA + 10 * SMSS);
        f.out();
        ack(f, DATA + 20 * SMSS);
        assertEquals(14600 + 2 * SMSS, cc(f).cwnd());
        f.at(f.now + 2 * S); // longer than the RTO (200 ms here)
        send(f, 20 * SMSS);
        assertEquals(segments(20 * SMSS, 10), data(f), "RFC 5681 §4.1: cwnd = min(IW, cwnd)");
    }

    @Test
    void noRestartWithoutIdle() throws Exception {
        Fixture f = established();
        send(f, 20 * SMSS);
        f.out();
        ack(f, DATA + 10 * SMSS);
        f.out();
        f.now += 100 * MS; // shorter than the RTO
        ack(f, DATA + 20 * SMSS);
        send(f, 20 * SMSS);
        assertEquals(segments(20 * SMSS, 12), data(f));
    }
}
