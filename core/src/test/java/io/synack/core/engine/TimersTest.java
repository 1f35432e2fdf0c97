package io.synack.core.engine;

import static io.synack.core.engine.Fixture.LOCAL_ISS;
import static io.synack.core.engine.Fixture.MS;
import static io.synack.core.engine.Fixture.REMOTE_ISS;
import static io.synack.core.engine.Fixture.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.CloseReason;
import io.synack.api.ConnectionEvent;
import io.synack.api.TcpState;
import io.synack.core.wire.Segment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Timers of RFC 9293 §3.8.1, §3.10.8 and RFC 6298, each at its exact virtual time. */
class TimersTest {

    private static List<Long> retransmissionTimes(Fixture f, long until) {
        List<Long> times = new ArrayList<>();
        while (f.engine.nextDeadline() <= until) {
            long t = f.advanceToNextDeadline();
            if (!f.out().isEmpty()) {
                times.add(t / MS);
            }
        }
        return times;
    }

    private static CloseReason closeReason(Fixture f) {
        return f.allEvents().stream().filter(e -> e instanceof ConnectionEvent.Closed)
                .map(e -> ((ConnectionEvent.Closed) e).reason()).findFirst().orElse(null);
    }

    @Nested
    class RetransmissionTimeout {
        /** RFC 6298 §2.2 (first sample R=0 gives RTO = max(G, 0) clamped to RTO.min 200 ms), §5.5 backoff. */
        @Test
        void dataRetransmittedWithExponentialBackoff() throws Exception {
            Fixture f = Fixture.inEstablished();
            f.engine.send(f.handle, ByteBuffer.wrap(new byte[100]), f.now);
            f.expect("P. 1001 5001 len 100");
            assertEquals(200 * MS, f.engine.nextDeadline());
            f.advanceToNextDeadline();
            f.expect("P. 1001 5001 len 100");
            assertEquals(600 * MS, f.engine.nextDeadline());
            f.advanceToNextDeadline();
            f.expect("P. 1001 5001 len 100");
            assertEquals(1400 * MS, f.engine.nextDeadline());
            assertEquals(2, f.engine.statistics().retransmissions());
            // An ACK stops the timer (RFC 6298 §5.2).
            f.now = 1500 * MS;
            f.feed(Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 101);
            f.expectNothing();
            f.at(10 * S);
            f.expectNothing();
            assertEquals(Long.MAX_VALUE, f.engine.nextDeadline());
        }

        /** Karn (RFC 6298 §3): the ACK of a retransmitted segment gives no RTT sample. */
        @Test
        void karnNoSampleFromRetransmittedSegment() throws Exception {
            Fixture f = Fixture.inEstablished();
            long srttBefore = f.engine.statistics(f.handle).smoothedRttNanos();
            f.engine.send(f.handle, ByteBuffer.wrap(new byte[10]), f.now);
            f.out();
            f.advanceToNextDeadline(); // retransmission at 200 ms
            f.out();
            f.now = 5 * S;
            f.feed(Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 11);
            assertEquals(srttBefore, f.engine.statistics(f.handle).smoothedRttNanos());
            assertEquals(400 * MS, f.engine.statistics(f.handle).retransmissionTimeoutNanos(), "backed-off RTO kept");
        }

        /** RFC 6298 §2.2-§2.3 with a 100 ms sample: SRTT 100 ms, RTTVAR 50 ms, RTO 300 ms. */
        @Test
        void rttSampleSetsRto() throws Exception {
            Fixture f = Fixture.inSynSent();
            f.now = 100 * MS;
            f.feed(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1);
            assertEquals(100 * MS, f.engine.statistics(f.handle).smoothedRttNanos());
            assertEquals(300 * MS, f.engine.statistics(f.handle).retransmissionTimeoutNanos());
        }

        /** RFC 6298 §5.7: after the SYN was retransmitted, the RTO restarts at 3 s when data begins. */
        @Test
        void rtoFallsBackToThreeSecondsAfterSynTimeout() throws Exception {
            Fixture f = Fixture.inSynSent();
            f.advanceToNextDeadline();
            f.expect("S 1000");
            f.feed(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1);
            assertEquals(3 * S, f.engine.statistics(f.handle).retransmissionTimeoutNanos());
        }

        /** R2 (MUST-20) replaced by a user timeout (RFC 5482): give up exactly when it expires, no RST. */
        @Test
        void userTimeoutGivesUpExactly() throws Exception {
            Fixture f = new Fixture(EngineConfig.defaults().withUserTimeout(Duration.ofSeconds(10)));
            f.connect();
            f.out();
            f.feed(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1);
            f.out();
            f.engine.send(f.handle, ByteBuffer.wrap(new byte[10]), f.now);
            f.expect("P. 1001 5001 len 10");
            List<Long> times = retransmissionTimes(f, 10 * S);
            assertEquals(List.of(200L, 600L, 1400L, 3000L, 6200L), times);
            assertEquals(TcpState.CLOSED, f.engine.state(f.handle));
            assertEquals(10 * S, f.now);
            assertEquals(CloseReason.TIMED_OUT, closeReason(f));
        }
    }

    @Nested
    class SynRetries {
        /** RFC 6298 §5.5 backoff from 1 s; R2 for SYN = 3 min (MUST-23): TimedOut at exactly 180 s. */
        @Test
        void synRetransmittedUntilR2ThenTimedOut() {
            Fixture f = Fixture.inSynSent();
            List<Long> times = new ArrayList<>();
            while (f.engine.nextDeadline() != Long.MAX_VALUE) {
                long t = f.advanceToNextDeadline();
                for (String s : f.out()) {
                    assertEquals("S 1000", s);
                    times.add(t / S);
                }
            }
            assertEquals(List.of(1L, 3L, 7L, 15L, 31L, 63L, 127L), times);
            assertEquals(180 * S, f.now);
            assertEquals(TcpState.CLOSED, f.engine.state(f.handle));
            assertTrue(f.allEvents().stream().anyMatch(e -> e instanceof ConnectionEvent.TimedOut t
                    && t.state() == TcpState.SYN_SENT));
            assertEquals(CloseReason.TIMED_OUT, closeReason(f));
            assertEquals(0, f.engine.tcbCount());
            assertEquals(0, f.engine.timerCount());
        }

        /** Linux tcp_synack_retries (5): a half-open child expires and frees its backlog slot. */
        @Test
        void halfOpenChildExpiresAfterSynAckRetries() {
            Fixture f = Fixture.inSynReceived();
            List<Long> times = new ArrayList<>();
            while (f.engine.nextDeadline() != Long.MAX_VALUE) {
                long t = f.advanceToNextDeadline();
                for (String s : f.out()) {
                    assertEquals("S. 1000 5001", s);
                    times.add(t / S);
                }
            }
            assertEquals(List.of(1L, 3L, 7L, 15L, 31L), times);
            assertEquals(63 * S, f.now);
            assertEquals(0, f.engine.backlogInUse(f.listener));
            assertEquals(0, f.engine.tcbCount());
        }

        /** A retransmitted SYN reaching SYN-RECEIVED is answered by the SYN,ACK again (Linux tcp_check_req). */
        @Test
        void retransmittedSynInSynReceivedRetransmitsSynAck() {
            Fixture f = Fixture.inSynReceived();
            f.feed(Segment.SYN, REMOTE_ISS, 0);
            f.expect("S. 1000 5001");
            f.assertState(TcpState.SYN_RECEIVED);
        }
    }

    @Nested
    class TimeWait {
        /** RFC 9293 §3.10.8: TIME-WAIT lasts 2×MSL (60 s by default) to the nanosecond. */
        @Test
        void expiresAtExactly2Msl() {
            Fixture f = Fixture.inTimeWait();
            assertEquals(60 * S, f.engine.nextDeadline());
            f.at(60 * S - 1);
            f.assertState(TcpState.TIME_WAIT);
            assertEquals(1, f.engine.timeWaitCount());
            f.at(60 * S);
            f.assertState(TcpState.CLOSED);
            assertEquals(0, f.engine.timeWaitCount());
            assertEquals(0, f.engine.timerCount());
            assertTrue(f.allEvents().stream().anyMatch(e -> e instanceof ConnectionEvent.StateChanged sc
                    && sc.from() == TcpState.TIME_WAIT && sc.to() == TcpState.CLOSED && sc.cause().equals("2MSL timeout")));
        }

        /** §3.10.7.4 eighth step: a retransmitted FIN is acknowledged and restarts the 2 MSL timeout. */
        @Test
        void restartedByRetransmittedFin() {
            Fixture f = Fixture.inTimeWait();
            f.now = 30 * S;
            f.feed(Segment.FIN | Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 2);
            f.expect(". 1002 5002");
            f.at(60 * S);
            f.assertState(TcpState.TIME_WAIT);
            f.at(90 * S - 1);
            f.assertState(TcpState.TIME_WAIT);
            f.at(90 * S);
            f.assertState(TcpState.CLOSED);
            assertEquals(0, f.engine.timerCount());
        }

        /** MAY-2 / RFC 6191 without timestamps: a SYN above RCV.NXT reopens; Linux's ISS rule. */
        @Test
        void reopenedBySynWithHigherSequenceNumber() throws Exception {
            Fixture f = Fixture.inListen();
            f.feed(Segment.SYN, REMOTE_ISS, 0);
            f.out();
            f.feed(Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
            int s = f.engine.accept(f.listener);
            f.handle = s;
            f.engine.close(s, f.now);
            f.expect("F. 1001 5001");
            f.feed(Segment.FIN | Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 2);
            f.expect(". 1002 5002");
            assertEquals(1, f.engine.timeWaitCount());
            // An old SYN (not above RCV.NXT) gets the TIME-WAIT ACK (RFC 5961 §4.2 challenge ACK).
            f.feed(Segment.SYN, REMOTE_ISS, 0);
            f.expect(". 1002 5002");
            // A new incarnation's SYN: ISS = old SND.NXT + 65535 + 2 = 66539.
            f.feed(Segment.SYN, 9000, 0);
            f.expect("S. 66539 9001");
            assertEquals(0, f.engine.timeWaitCount());
            assertEquals(1, f.engine.backlogInUse(f.listener));
        }

        /** MSL 0 (unsafe): no TIME-WAIT at all. */
        @Test
        void mslZeroSkipsTimeWait() throws Exception {
            Fixture f = new Fixture(EngineConfig.defaults().withMsl(Duration.ZERO));
            f.connect();
            f.out();
            f.feed(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1);
            f.out();
            f.engine.close(f.handle, f.now);
            f.expect("F. 1001 5001");
            f.feed(Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 2);
            f.feed(Segment.FIN | Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 2);
            f.expect(". 1002 5002");
            assertEquals(0, f.engine.timeWaitCount());
            assertEquals(0, f.engine.tcbCount());
            assertEquals(CloseReason.GRACEFUL, closeReason(f));
        }
    }

    @Nested
    class FinWait2AndFin {
        /** Linux tcp_fin_timeout: after CLOSE, FIN-WAIT-2 lasts 60 s at most. */
        @Test
        void finWait2TimeoutAfterClose() {
            Fixture f = Fixture.inEstablished();
            f.engine.close(f.handle, f.now);
            f.expect("F. 1001 5001");
            f.now = 10 * MS;
            f.feed(Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 2);
            f.assertState(TcpState.FIN_WAIT_2);
            assertEquals(10 * MS + 60 * S, f.engine.nextDeadline());
            f.advanceToNextDeadline();
            f.expectNothing();
            f.assertState(TcpState.CLOSED);
            assertEquals(0, f.engine.tcbCount());
        }

        /** After shutdownOutput only (half-close), FIN-WAIT-2 waits for the peer as long as it takes. */
        @Test
        void halfClosedFinWait2HasNoTimeout() {
            Fixture f = Fixture.inFinWait2();
            assertEquals(Long.MAX_VALUE, f.engine.nextDeadline());
        }

        /** The FIN is retransmitted by the RTO like data (RFC 9293 §3.10.4, RFC 6298). */
        @Test
        void finRetransmitted() {
            Fixture f = Fixture.inFinWait1();
            assertEquals(200 * MS, f.engine.nextDeadline());
            f.advanceToNextDeadline();
            f.expect("F. 1001 5001");
            f.advanceToNextDeadline();
            f.expect("F. 1001 5001");
            assertEquals(600 * MS, f.now);
        }

        /** LAST-ACK retransmits its FIN too. */
        @Test
        void lastAckRetransmitsFin() {
            Fixture f = Fixture.inLastAck();
            f.advanceToNextDeadline();
            f.expect("F. 1001 5002");
        }
    }

    @Nested
    class ZeroWindow {
        /** MUST-36: a zero window is probed, with backoff, and data flows when it opens. */
        @Test
        void zeroWindowProbedThenDataFlows() throws Exception {
            Fixture f = Fixture.inSynSent();
            f.feed(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1, 0, 0);
            f.expect(". 1001 5001");
            f.engine.send(f.handle, ByteBuffer.wrap(new byte[100]), f.now);
            f.expectNothing();
            assertEquals(200 * MS, f.engine.nextDeadline());
            f.advanceToNextDeadline();
            f.expect(". 1000 5001"); // SEG.SEQ = SND.UNA - 1 elicits an ACK with the window
            assertEquals(600 * MS, f.engine.nextDeadline());
            f.advanceToNextDeadline();
            f.expect(". 1000 5001");
            f.feed(Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 1, 0, 1000);
            f.expect("P. 1001 5001 len 100");
        }
    }
}
