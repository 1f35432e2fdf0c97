package io.synack.core.engine;

import static io.synack.core.engine.Fixture.LOCAL_ISS;
import static io.synack.core.engine.Fixture.MS;
import static io.synack.core.engine.Fixture.REMOTE_ISS;
import static io.synack.core.engine.Fixture.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.ConnectionEvent;
import io.synack.api.TcpState;
import io.synack.core.wire.Segment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The send side at the segment level: SACK-based loss recovery (RFC 2018, RFC 6675), timestamps
 * for RTT measurement and PAWS (RFC 7323 §4, §5), the TIME-WAIT reopen of RFC 6191, keepalive
 * (RFC 9293 §3.8.4), zero-window probing (MUST-36), PSH, and a full send buffer.
 */
class SendPathTest {
    static final int SMSS = 1460;
    static final int DATA = LOCAL_ISS + 1;
    static final int PEER_TS = 500;

    /** The peer's segment, options included. */
    static Segment seg(int flags, int seq, int ack, int len, int window) {
        Segment s = new Segment();
        s.sourcePort = Fixture.REMOTE_PORT;
        s.destinationPort = Fixture.LOCAL_PORT;
        s.seq = seq;
        s.ack = ack;
        s.flags = flags;
        s.window = window;
        s.payload = ByteBuffer.allocate(len);
        return s;
    }

    static Segment sack(Segment s, int... offsets) {
        s.sackBlockCount = offsets.length / 2;
        for (int i = 0; i < offsets.length; i++) {
            s.sackBlocks[i] = DATA + offsets[i] * SMSS;
        }
        return s;
    }

    static Segment ts(Segment s, int tsVal, int tsEcr) {
        s.hasTimestamps = true;
        s.tsVal = tsVal;
        s.tsEcr = tsEcr;
        return s;
    }

    static void feed(Fixture f, Segment s) {
        f.engine.handleSegment(Fixture.REMOTE, s, f.now);
    }

    /** What the engine sent, as copies. */
    static List<Segment> sent(Fixture f) {
        List<Segment> l = new ArrayList<>();
        Segment s = new Segment();
        while (f.engine.pollTransmit(s) != null) {
            l.add(EnginePair.copy(s));
        }
        return l;
    }

    /** Data segments sent, as segment numbers (offset / SMSS). */
    static List<Integer> segmentNumbers(Fixture f) {
        List<Integer> l = new ArrayList<>();
        for (Segment s : sent(f)) {
            if (s.payloadLength() > 0) {
                l.add((s.seq - DATA) / SMSS);
            }
        }
        return l;
    }

    /** ESTABLISHED with the peer's SYN,ACK carrying SACK-permitted and/or timestamps. */
    static Fixture established(boolean sackOk, boolean timestamps) {
        return established(EngineConfig.defaults(), sackOk, timestamps);
    }

    static Fixture established(EngineConfig config, boolean sackOk, boolean timestamps) {
        Fixture f = new Fixture(config);
        f.connect();
        List<Segment> syn = sent(f);
        Segment synAck = seg(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1, 0, 65535);
        synAck.mss = 1460;
        synAck.sackPermitted = sackOk;
        if (timestamps) {
            ts(synAck, PEER_TS, syn.get(0).tsVal);
        }
        feed(f, synAck);
        f.out();
        f.drainEvents();
        assertEquals(TcpState.ESTABLISHED, f.engine.state(f.handle));
        return f;
    }

    static void send(Fixture f, int bytes) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(bytes);
        f.engine.send(f.handle, b, f.now);
    }

    static Tcb tcb(Fixture f) {
        return f.engine.tcbForTest(f.handle);
    }

    @Nested
    class SackRecovery {
        /** Segments 0..9 in flight; the peer's duplicate ACKs SACK what arrived. */
        Fixture tenInFlight() throws Exception {
            Fixture f = established(true, false);
            assertTrue(tcb(f).sackPermitted);
            send(f, 30 * SMSS);
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), segmentNumbers(f));
            return f;
        }

        Segment dup(int... blocks) {
            return sack(seg(Segment.ACK, REMOTE_ISS + 1, DATA, 0, 65535), blocks);
        }

        @Test
        void onlyTheHolesAreRetransmitted() throws Exception {
            Fixture f = tenInFlight(); // segments 0 and 4 are lost
            feed(f, dup(1, 2));
            assertEquals(List.of(10), segmentNumbers(f), "RFC 3042 limited transmit: SACKed bytes left the pipe");
            feed(f, dup(1, 3));
            assertEquals(List.of(11), segmentNumbers(f));
            feed(f, dup(1, 4));
            assertEquals(List.of(0), segmentNumbers(f), "third duplicate: the first hole");
            assertEquals(7300, tcb(f).cc.cwnd(),
                    "RFC 6675: cwnd = ssthresh = FlightSize / 2 (without the limited-transmit segments), no inflation");
            feed(f, dup(1, 4, 5, 6));
            feed(f, dup(1, 4, 5, 7));
            feed(f, dup(1, 4, 5, 8));
            assertEquals(List.of(), segmentNumbers(f), "the pipe fills cwnd");
            feed(f, dup(1, 4, 5, 9));
            // More than 2 SMSS are SACKed above segment 4: it is lost (IsLost), and the pipe has room.
            assertEquals(List.of(4), segmentNumbers(f), "the second hole, and never a SACKed segment");
            feed(f, dup(1, 4, 5, 10));
            assertEquals(List.of(12), segmentNumbers(f), "no hole left: new data (NextSeg rule 2)");
            // A partial ACK (segment 0 arrived): the pipe shrinks by one, one new segment.
            feed(f, sack(seg(Segment.ACK, REMOTE_ISS + 1, DATA + 4 * SMSS, 0, 65535), 5, 10));
            assertEquals(List.of(13), segmentNumbers(f));
            assertTrue(tcb(f).inRecovery);
            // The ACK that covers the recovery point (segment 12) ends the recovery.
            feed(f, seg(Segment.ACK, REMOTE_ISS + 1, DATA + 12 * SMSS, 0, 65535));
            assertFalse(tcb(f).inRecovery);
            assertEquals(3 * SMSS, tcb(f).cc.cwnd(), "min(ssthresh, max(FlightSize, SMSS) + SMSS), FlightSize 2 SMSS");
            assertEquals(2, tcb(f).retransmissionCount, "segments 0 and 4, once each");
        }

        /** A hole of three segments before the first SACKed one is retransmitted one MSS at a time. */
        @Test
        void theFastRetransmitOfALongHoleIsOneSegment() throws Exception {
            Fixture f = tenInFlight(); // 0, 1 and 2 are lost
            List<Segment> out = new ArrayList<>();
            for (int end = 4; end <= 7; end++) {
                feed(f, dup(3, end));
                out.addAll(sent(f));
            }
            assertTrue(out.stream().anyMatch(s -> s.seq == DATA && s.payloadLength() > 0), "segment 0 retransmitted");
            for (Segment s : out) {
                assertTrue(s.payloadLength() <= SMSS, "a segment of " + s.payloadLength() + " bytes, over the MSS");
            }
        }

        @Test
        void afterATimeoutGoBackSkipsWhatWasSacked() throws Exception {
            Fixture f = tenInFlight(); // 0 and 1 lost, 2 and 3 arrived
            feed(f, dup(2, 4));
            assertEquals(List.of(10, 11), segmentNumbers(f), "limited transmit");
            f.advanceToNextDeadline();
            assertEquals(List.of(12), segmentNumbers(f), "the tail loss probe (RFC 8985): one new segment");
            f.advanceToNextDeadline();
            assertEquals(List.of(0), segmentNumbers(f), "RTO: the first segment");
            feed(f, sack(seg(Segment.ACK, REMOTE_ISS + 1, DATA + SMSS, 0, 65535), 2, 4));
            assertEquals(List.of(1, 4), segmentNumbers(f), "cwnd 2 SMSS: segment 1, then 4 (2 and 3 are SACKed)");
        }

        @Test
        void aLostTailIsProbedAndRepairedByFastRecoveryBeforeTheRto() throws Exception {
            Fixture f = new Fixture();
            f.connect();
            sent(f);
            f.at(10 * MS); // the handshake takes 10 ms: SRTT 10 ms, PTO 20 ms
            Segment synAck = seg(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1, 0, 65535);
            synAck.mss = 1460;
            synAck.sackPermitted = true;
            feed(f, synAck);
            sent(f);
            send(f, 2 * SMSS);
            assertEquals(List.of(0, 1), segmentNumbers(f));
            long rto = tcb(f).rtoDeadline;
            f.advanceToNextDeadline();
            assertEquals(30 * MS, f.now, "PTO = 2 * SRTT");
            assertTrue(f.now < rto);
            assertEquals(List.of(1), segmentNumbers(f), "no new data: the last segment again (RFC 8985 §7.3)");
            // Its SACK shows the first segment missing; with two outstanding, early retransmit's
            // threshold is one segment (RFC 5827).
            feed(f, dup(1, 2));
            assertEquals(List.of(0), segmentNumbers(f));
            assertTrue(tcb(f).inRecovery);
            assertEquals(Tcb.NONE, tcb(f).probeTimeoutDeadline, "no probe during recovery, one per flight");
            assertEquals(tcb(f).rtoDeadline, f.engine.nextDeadline());
        }

        @Test
        void sackBlocksAreIgnoredWhenSackWasNotNegotiated() throws Exception {
            Fixture f = established(false, false);
            send(f, 30 * SMSS);
            f.out();
            feed(f, dup(1, 4));
            feed(f, dup(1, 4));
            feed(f, dup(1, 4));
            assertEquals(List.of(10, 11, 0), segmentNumbers(f), "limited transmit (RFC 3042), then NewReno fast retransmit");
            assertTrue(tcb(f).scoreboard.isEmpty());
            assertEquals(7300 + 3 * SMSS, tcb(f).cc.cwnd(), "NewReno inflation");
        }

        @Test
        void renegingClearsTheScoreboard() throws Exception {
            Fixture f = tenInFlight();
            feed(f, dup(2, 4));
            // The cumulative ACK stops at the start of a SACKed range: the receiver dropped it.
            feed(f, seg(Segment.ACK, REMOTE_ISS + 1, DATA + 2 * SMSS, 0, 65535));
            assertTrue(tcb(f).scoreboard.isEmpty(), "RFC 2018 §8: SACK information is advisory");
        }
    }

    @Nested
    class Timestamps {
        @Test
        void everyAckAdvancingSndUnaGivesAnRttSampleEvenForRetransmittedData() throws Exception {
            Fixture f = established(false, true);
            long srttBefore = tcb(f).rtt.srtt();
            send(f, 100);
            sent(f);
            f.advanceToNextDeadline(); // RTO: retransmission at 200 ms
            Segment rexmit = sent(f).get(0);
            assertTrue(rexmit.hasTimestamps);
            f.at(f.now + 100 * MS);
            feed(f, ts(seg(Segment.ACK, REMOTE_ISS + 1, DATA + 100, 0, 65535), PEER_TS + 1, rexmit.tsVal));
            // RFC 7323 §4.1: the echo names the retransmission, so its RTT (100 ms) is measured.
            assertEquals(srttBefore * 7 / 8 + 100 * MS / 8, tcb(f).rtt.srtt());
        }

        @Test
        void withoutTimestampsKarnSkipsTheRetransmittedSegment() throws Exception {
            Fixture f = established(false, false);
            long srttBefore = tcb(f).rtt.srtt();
            send(f, 100);
            sent(f);
            f.advanceToNextDeadline();
            sent(f);
            f.at(f.now + 100 * MS);
            feed(f, seg(Segment.ACK, REMOTE_ISS + 1, DATA + 100, 0, 65535));
            assertEquals(srttBefore, tcb(f).rtt.srtt(), "RFC 6298 §3: no sample from a retransmitted segment");
        }

        /** Ten segments out at t = 0, three duplicate ACKs at 5 ms: a fast retransmission; its TSval. */
        int fastRetransmitAt5ms(Fixture f) throws Exception {
            send(f, 30 * 1448);
            List<Segment> first = sent(f);
            assertEquals(10, first.size());
            f.at(5 * MS);
            for (int i = 0; i < 3; i++) {
                feed(f, ts(seg(Segment.ACK, REMOTE_ISS + 1, DATA, 0, 65535), PEER_TS, first.get(0).tsVal));
            }
            List<Segment> out = sent(f);
            assertEquals(3, out.size(), "two segments of limited transmit (RFC 3042), then the retransmission");
            Segment rexmit = out.get(2);
            assertEquals(DATA, rexmit.seq);
            assertTrue(tcb(f).inRecovery);
            assertTrue(rexmit.tsVal != first.get(0).tsVal);
            return first.get(0).tsVal;
        }

        @Test
        void eifelUndoesASpuriousFastRetransmit() throws Exception {
            Fixture f = established(false, true);
            int originalTsVal = fastRetransmitAt5ms(f);
            f.at(6 * MS);
            // The original segment was only reordered: the ACK echoes its (older) TSval (RFC 3522).
            feed(f, ts(seg(Segment.ACK, REMOTE_ISS + 1, DATA + 10 * 1448, 0, 65535), PEER_TS + 1, originalTsVal));
            assertFalse(tcb(f).inRecovery);
            assertTrue(tcb(f).cc.cwnd() >= 14480, "RFC 4015: the window before the reduction is back");
            assertEquals(1, tcb(f).spuriousRecoveries);
        }

        @Test
        void aGenuineLossKeepsTheReduction() throws Exception {
            Fixture f = established(false, true);
            fastRetransmitAt5ms(f);
            f.at(7 * MS);
            int rexmitTsVal = OptionNegotiation.tsVal(tcb(f), 5 * MS);
            feed(f, ts(seg(Segment.ACK, REMOTE_ISS + 1, DATA + 10 * 1448, 0, 65535), PEER_TS + 1, rexmitTsVal));
            assertEquals(0, tcb(f).spuriousRecoveries);
            assertTrue(tcb(f).cc.cwnd() <= tcb(f).cc.ssthresh(), "the halved window stays");
        }

        @Test
        void theSegmentPayloadShrinksByTheTimestampOption() throws Exception {
            Fixture f = established(false, true);
            send(f, 3000);
            assertEquals(1448, sent(f).get(0).payloadLength(), "1460 - 12 bytes of TSopt");
        }

        @Test
        void pawsDropsASegmentWithAnOldTimestampAndAcknowledges() throws Exception {
            Fixture f = established(false, true);
            feed(f, ts(seg(Segment.ACK, REMOTE_ISS + 1, DATA, 100, 65535), PEER_TS - 10, 0));
            List<Segment> out = sent(f);
            assertEquals(1, out.size(), "RFC 7323 §5.3 R1: an ACK in reply");
            assertEquals(REMOTE_ISS + 1, out.get(0).ack, "the data was not taken");
            assertEquals(0, f.engine.readableBytes(f.handle));
            assertEquals(1, f.engine.statistics().drops().get(DropReason.PAWS));
            feed(f, ts(seg(Segment.ACK, REMOTE_ISS + 1, DATA, 100, 65535), PEER_TS + 10, 0));
            assertEquals(100, f.engine.readableBytes(f.handle), "a newer TSval passes");
            assertEquals(PEER_TS + 10, tcb(f).tsRecent, "and becomes TS.Recent (§4.3)");
        }

        @Test
        void pawsDoesNotApplyToRst() throws Exception {
            Fixture f = established(false, true);
            feed(f, ts(seg(Segment.RST, REMOTE_ISS + 1, 0, 0, 0), PEER_TS - 10, 0));
            assertEquals(TcpState.CLOSED, f.engine.state(f.handle), "R1: \"and the RST bit is not set\"");
        }

        @Test
        void aTsRecentIdleFor24DaysIsInvalid() throws Exception {
            Fixture f = established(false, true);
            f.now += Duration.ofDays(25).toNanos();
            feed(f, ts(seg(Segment.ACK, REMOTE_ISS + 1, DATA, 100, 65535), PEER_TS - 10, 0));
            assertEquals(100, f.engine.readableBytes(f.handle), "RFC 7323 §5.5: the old TS.Recent no longer rejects");
        }

        /** TIME-WAIT entered from FIN-WAIT-2 with timestamps; the peer's last TSval is PEER_TS + 2. */
        Fixture inTimeWaitWithTimestamps() throws Exception {
            Fixture f = established(false, true);
            f.listen(); // MUST-42: a listener on the port the connection uses
            f.engine.shutdownOutput(f.handle, f.now);
            sent(f);
            feed(f, ts(seg(Segment.ACK, REMOTE_ISS + 1, DATA + 1, 0, 65535), PEER_TS + 1, 0));
            feed(f, ts(seg(Segment.FIN | Segment.ACK, REMOTE_ISS + 1, DATA + 1, 0, 65535), PEER_TS + 2, 0));
            sent(f);
            assertEquals(TcpState.TIME_WAIT, f.engine.state(f.handle));
            assertEquals(1, f.engine.timeWaitCount());
            return f;
        }

        @Test
        void rfc6191_aSynWithANewerTimestampReopensEvenBelowRcvNxt() throws Exception {
            Fixture f = inTimeWaitWithTimestamps();
            Segment syn = ts(seg(Segment.SYN, REMOTE_ISS - 100_000, 0, 0, 65535), PEER_TS + 3, 0);
            feed(f, syn);
            List<Segment> out = sent(f);
            assertEquals(1, out.size());
            assertEquals(Segment.SYN | Segment.ACK, out.get(0).flags, "the new incarnation answers");
            assertEquals(0, f.engine.timeWaitCount());
        }

        @Test
        void rfc6191_aSynWithAnOlderTimestampDoesNotReopenEvenAboveRcvNxt() throws Exception {
            Fixture f = inTimeWaitWithTimestamps();
            feed(f, ts(seg(Segment.SYN, REMOTE_ISS + 100_000, 0, 0, 65535), PEER_TS + 1, 0));
            assertTrue(sent(f).stream().noneMatch(s -> s.has(Segment.SYN)), "an old SYN: TIME-WAIT stays");
            assertEquals(1, f.engine.timeWaitCount());
        }

        @Test
        void timeWaitDoesNotTakeTsRecentFromAnUnacceptableSegment() throws Exception {
            Fixture f = inTimeWaitWithTimestamps();
            // An old duplicate (or a blind guess) below RCV.NXT with a TSval far ahead: RFC 7323 §5.3
            // R2 rejects it before R3 may record its timestamp; Linux's tcp_timewait_state_process
            // answers it with an ACK echoing the unchanged tw_ts_recent.
            feed(f, ts(seg(Segment.ACK, REMOTE_ISS - 100_000, DATA + 1, 0, 65535), PEER_TS + 1_000_000, 0));
            List<Segment> out = sent(f);
            assertEquals(1, out.size(), "an unacceptable segment is answered with an ACK");
            assertEquals(PEER_TS + 2, out.get(0).tsEcr, "TS.Recent is not taken from an unacceptable segment");
            // So the peer's next SYN, newer than its last real TSval, still reopens (RFC 6191 §2).
            feed(f, ts(seg(Segment.SYN, REMOTE_ISS - 100_000, 0, 0, 65535), PEER_TS + 3, 0));
            assertEquals(0, f.engine.timeWaitCount(), "the new incarnation is accepted");
        }

        @Test
        void rfc6191_withoutTimestampsOnTheNewSynTheSequenceNumberDecides() throws Exception {
            Fixture f = inTimeWaitWithTimestamps();
            feed(f, seg(Segment.SYN, REMOTE_ISS - 100_000, 0, 0, 65535));
            assertEquals(1, f.engine.timeWaitCount(), "below RCV.NXT: no reopen");
            feed(f, seg(Segment.SYN, REMOTE_ISS + 100_000, 0, 0, 65535));
            assertEquals(0, f.engine.timeWaitCount(), "above RCV.NXT: reopen (MAY-2)");
        }
    }

    @Nested
    class KeepAlive {
        final EngineConfig config = EngineConfig.defaults().withKeepAlive(true, Duration.ofSeconds(10),
                Duration.ofSeconds(1), 3);

        @Test
        void offByDefault() {
            Fixture f = established(false, false);
            assertFalse(EngineConfig.defaults().sender().keepAlive(), "MUST-24");
            assertTrue(EngineConfig.defaults().sender().keepAliveIdleNanos() >= Duration.ofHours(2).toNanos(), "MUST-25");
            assertEquals(Long.MAX_VALUE, f.engine.nextDeadline(), "an idle connection has no timer");
        }

        @Test
        void probesAfterIdleThenTimesOutAfterCountUnansweredProbes() {
            Fixture f = established(config, false, false);
            f.advanceToNextDeadline();
            assertEquals(10 * S, f.now);
            f.expect(". 1000 5001"); // SEG.SEQ = SND.NXT - 1, no data
            f.advanceToNextDeadline();
            f.expect(". 1000 5001");
            f.advanceToNextDeadline();
            f.expect(". 1000 5001");
            f.advanceToNextDeadline();
            assertEquals(13 * S, f.now);
            f.expect("R 1001");
            assertEquals(TcpState.CLOSED, f.engine.state(f.handle));
            assertTrue(f.allEvents().stream().anyMatch(e -> e instanceof ConnectionEvent.TimedOut));
            assertEquals(0, f.engine.tcbCount());
        }

        @Test
        void anAnsweredProbeKeepsTheConnection() {
            Fixture f = established(config, false, false);
            f.advanceToNextDeadline();
            f.expect(". 1000 5001");
            f.feed(Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 1); // the peer's ACK
            f.advanceToNextDeadline();
            assertEquals(20 * S, f.now, "idle counts again from the answer");
            f.expect(". 1000 5001");
            assertEquals(TcpState.ESTABLISHED, f.engine.state(f.handle));
        }

        @Test
        void noProbeWhileDataIsOutstanding() throws Exception {
            Fixture f = established(config, false, false);
            f.engine.setR2(f.handle, Duration.ofMinutes(10).toNanos());
            send(f, 100);
            f.out();
            f.at(10 * S + 1);
            assertTrue(f.out().stream().noneMatch(s -> s.equals(". 1000 5001")), "MUST-25: only with nothing outstanding");
        }

        @Test
        void switchedOnPerConnection() {
            Fixture f = established(false, false);
            f.engine.setKeepAlive(f.handle, true, f.now);
            f.advanceToNextDeadline();
            assertEquals(Duration.ofHours(2).toNanos(), f.now);
            f.expect(". 1000 5001");
            f.engine.setKeepAlive(f.handle, false, f.now);
            assertEquals(Long.MAX_VALUE, f.engine.nextDeadline());
        }
    }

    @Nested
    class ZeroWindow {
        Fixture closedWindow() throws Exception {
            Fixture f = established(false, false);
            send(f, 1000);
            f.expect("P. 1001 5001 len 1000");
            f.feed(Segment.ACK, REMOTE_ISS + 1, DATA + 1000, 0, 0);
            send(f, 500);
            f.expectNothing();
            return f;
        }

        @Test
        void probesBackOffExponentially() throws Exception {
            Fixture f = closedWindow();
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                f.advanceToNextDeadline();
                f.expect(". 2000 5001"); // MUST-36, as Linux: SND.UNA - 1 makes the peer answer with its window
                times.add(f.now / MS);
            }
            assertEquals(List.of(200L, 600L, 1400L, 3000L, 6200L, 12600L), times, "RTO, then doubling (SHLD-30)");
        }

        @Test
        void aPeerThatAnswersKeepsTheConnectionBeyondR2() throws Exception {
            Fixture f = closedWindow();
            f.engine.setR2(f.handle, 10 * S);
            while (f.now < 120 * S) {
                f.advanceToNextDeadline();
                f.out();
                f.feed(Segment.ACK, REMOTE_ISS + 1, DATA + 1000, 0, 0); // still zero
            }
            assertEquals(TcpState.ESTABLISHED, f.engine.state(f.handle));
            f.feed(Segment.ACK, REMOTE_ISS + 1, DATA + 1000, 0, 65535);
            f.expect("P. 2001 5001 len 500");
        }

        @Test
        void aPeerThatStopsAnsweringIsGivenUpAfterR2() throws Exception {
            Fixture f = closedWindow();
            f.engine.setR2(f.handle, 10 * S);
            while (f.engine.state(f.handle) == TcpState.ESTABLISHED) {
                f.advanceToNextDeadline();
                f.out();
            }
            assertTrue(f.now >= 10 * S && f.now < 20 * S, "gave up at " + f.now / MS + " ms");
            assertTrue(f.allEvents().stream().anyMatch(e -> e instanceof ConnectionEvent.TimedOut));
        }
    }

    @Test
    void pshMarksTheSegmentThatEmptiesTheSendBuffer() throws Exception {
        Fixture f = established(false, false);
        send(f, 2 * SMSS);
        f.expect(". 1001 5001 len 1460", "P. 2461 5001 len 1460");
    }

    @Test
    void aFullSendBufferTakesWhatFitsAndReportsWritableOnceAcknowledged() throws Exception {
        Fixture f = established(EngineConfig.defaults().withBuffers(4000, 65536), false, false);
        ByteBuffer b = ByteBuffer.allocate(10_000);
        assertEquals(4000, f.engine.send(f.handle, b, f.now), "would block: the rest stays with the caller");
        assertEquals(0, f.engine.send(f.handle, b, f.now));
        assertEquals(0, f.engine.writableBytes(f.handle));
        f.out();
        f.drainEvents();
        f.feed(Segment.ACK, REMOTE_ISS + 1, DATA + 2920);
        assertEquals(2920, f.engine.writableBytes(f.handle));
        assertTrue(f.drainEvents().stream().anyMatch(e -> e instanceof ConnectionEvent.Writable));
    }
}
