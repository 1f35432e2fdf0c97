package io.synack.core.engine;

import static io.synack.core.engine.Fixture.LOCAL_ISS;
import static io.synack.core.engine.Fixture.MS;
import static io.synack.core.engine.Fixture.REMOTE_ISS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.ConnectionEvent;
import io.synack.api.TcpState;
import io.synack.core.wire.Segment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The receive path (RFC 9293 §3.10.7.4 seventh and eighth steps, §3.8.6 windows and ACKs, RFC
 * 5681 §4.2, RFC 2018 SACK) segment by segment, smoltcp style. The peer's text carries, at every
 * sequence number {@code s}, the byte {@link #byteAt(int) byteAt(s)}, so whatever the engine
 * delivers can be checked for order and duplicates.
 */
class ReceivePathTest {
    static final int FIRST = REMOTE_ISS + 1;

    static byte byteAt(int seq) {
        return (byte) (seq * 31 + 7);
    }

    /** A segment from the peer carrying the stream's bytes [seq, seq + len). */
    static Segment text(int flags, int seq, int len) {
        Segment s = new Segment();
        s.sourcePort = Fixture.REMOTE_PORT;
        s.destinationPort = Fixture.LOCAL_PORT;
        s.seq = seq;
        s.ack = LOCAL_ISS + 1;
        s.flags = flags;
        s.window = 65535;
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = byteAt(seq + i);
        }
        s.payload = ByteBuffer.wrap(b);
        return s;
    }

    static void feedText(Fixture f, int seq, int len) {
        f.engine.handleSegment(Fixture.REMOTE, text(Segment.ACK, seq, len), f.now);
    }

    static void feedText(Fixture f, int flags, int seq, int len) {
        f.engine.handleSegment(Fixture.REMOTE, text(flags, seq, len), f.now);
    }

    /** Reads everything readable and checks it is the stream from {@code from} on. */
    static int readAndCheck(Fixture f, int from) throws Exception {
        ByteBuffer dst = ByteBuffer.allocate(1 << 20);
        int n = f.engine.receive(f.handle, dst, f.now);
        for (int i = 0; i < Math.max(n, 0); i++) {
            assertEquals(byteAt(from + i), dst.get(i), "byte at sequence " + (from + i));
        }
        return n;
    }

    static List<Segment> raw(Fixture f) {
        List<Segment> l = new ArrayList<>();
        while (true) {
            Segment s = new Segment();
            if (f.engine.pollTransmit(s) == null) {
                return l;
            }
            l.add(s);
        }
    }

    /** ESTABLISHED with a peer whose SYN,ACK offered SACK-permitted (and timestamps if asked). */
    static Fixture establishedWithSack(boolean timestamps) {
        Fixture f = new Fixture();
        f.connect();
        f.out();
        Segment s = text(Segment.SYN | Segment.ACK, REMOTE_ISS, 0);
        s.mss = 1460;
        s.sackPermitted = true;
        if (timestamps) {
            s.hasTimestamps = true;
            s.tsVal = 777;
            s.tsEcr = 1;
        }
        f.engine.handleSegment(Fixture.REMOTE, s, f.now);
        f.expect(". 1001 5001");
        return f;
    }

    static Fixture established(EngineConfig config) {
        Fixture f = new Fixture(config);
        f.connect();
        f.out();
        f.feed(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1);
        f.expect(". 1001 5001");
        return f;
    }

    static EngineConfig noDelayedAck() {
        return EngineConfig.defaults().withDelayedAck(false, Duration.ofMillis(40));
    }

    @Nested
    class SegmentText {
        @Test
        void inWindowInOrder_delivered() throws Exception {
            Fixture f = Fixture.inEstablished();
            feedText(f, FIRST, 100);
            assertEquals(100, f.engine.readableBytes(f.handle));
            assertEquals(100, readAndCheck(f, FIRST));
        }

        /** §3.10.7.4: text left of RCV.NXT was already received: only the new part is taken. */
        @Test
        void partialOverlapLeft_onlyNewBytesDelivered() throws Exception {
            Fixture f = established(noDelayedAck());
            feedText(f, FIRST, 100);
            f.expect(". 1001 5101");
            feedText(f, FIRST + 50, 100); // 50 old, 50 new
            f.expect(". 1001 5151");
            assertEquals(150, readAndCheck(f, FIRST));
        }

        /** Text overlapping a range held out of order is delivered once, joined to it. */
        @Test
        void partialOverlapRight_joinsTheHeldRange() throws Exception {
            Fixture f = Fixture.inEstablished();
            feedText(f, FIRST + 100, 100); // held: [5101, 5201)
            f.expect(". 1001 5001");
            feedText(f, FIRST, 150); // [5001, 5151) overlaps the held range by 50
            f.expect(". 1001 5201"); // fills the hole: acknowledged at once (RFC 5681 §4.2)
            assertEquals(200, readAndCheck(f, FIRST));
        }

        /** Out-of-order text is kept and delivered when the hole before it fills. */
        @Test
        void outOfOrderThenFill_deliveredInOrder() throws Exception {
            Fixture f = Fixture.inEstablished();
            feedText(f, FIRST + 2000, 1000);
            feedText(f, FIRST + 1000, 1000);
            f.expect(". 1001 5001", ". 1001 5001"); // duplicate ACKs at once (RFC 5681 §4.2)
            assertEquals(0, f.engine.readableBytes(f.handle), "nothing readable while the hole is open");
            assertTrue(f.drainEvents().stream().noneMatch(e -> e instanceof ConnectionEvent.Readable));
            feedText(f, FIRST, 1000);
            f.expect(". 1001 8001");
            assertEquals(3000, f.engine.readableBytes(f.handle));
            assertEquals(3000, readAndCheck(f, FIRST));
            assertEquals(3000, f.engine.statistics(f.handle).bytesReceived());
        }

        /** A duplicate of held text is acknowledged at once and changes nothing. */
        @Test
        void duplicateOfHeldText_ackedAtOnce() throws Exception {
            Fixture f = Fixture.inEstablished();
            feedText(f, FIRST + 100, 100);
            feedText(f, FIRST + 120, 50);
            f.expect(". 1001 5001", ". 1001 5001");
            feedText(f, FIRST, 100);
            f.expect(". 1001 5201");
            assertEquals(200, readAndCheck(f, FIRST));
        }

        /** Text beyond the window is not acceptable: dropped and acknowledged (§3.10.7.4 first step). */
        @Test
        void beyondWindow_droppedAndAcked() throws Exception {
            Fixture f = Fixture.inEstablished();
            feedText(f, FIRST + 70_000, 100);
            f.expect(". 1001 5001");
            assertEquals(1, f.engine.statistics().dropped(DropReason.OUT_OF_WINDOW));
            feedText(f, FIRST, 100);
            f.at(f.now + 40 * MS);
            f.expect(". 1001 5101");
            assertEquals(100, readAndCheck(f, FIRST));
        }

        /** Text straddling the right window edge is trimmed to it and the window reported at once. */
        @Test
        void straddlingTheRightEdge_trimmed() throws Exception {
            Fixture f = established(EngineConfig.defaults().withBuffers(65536, 1000));
            feedText(f, FIRST + 500, 800); // [5501, 6301): 500 fit
            f.expect(". 1001 5001");
            feedText(f, FIRST, 500);
            List<Segment> acks = raw(f);
            assertEquals(1, acks.size());
            assertEquals(FIRST + 1000, acks.get(0).ack);
            assertEquals(0, acks.get(0).window);
            assertEquals(1000, readAndCheck(f, FIRST));
        }

        /**
         * §3.10.7.4 zero window: "If the RCV.WND is zero, no segments will be acceptable, but special
         * allowance should be made to accept valid ACKs" — a probe is answered with the window.
         */
        @Test
        void zeroWindow_onlyAcksAccepted_probesAnswered() throws Exception {
            Fixture f = established(EngineConfig.defaults().withBuffers(65536, 100));
            feedText(f, FIRST, 100);
            f.at(f.now + 40 * MS);
            List<Segment> acks = raw(f);
            assertEquals(FIRST + 100, acks.get(0).ack);
            assertEquals(0, acks.get(0).window);
            feedText(f, FIRST + 100, 1); // a zero-window probe
            acks = raw(f);
            assertEquals(1, acks.size());
            assertEquals(FIRST + 100, acks.get(0).ack, "the probe's byte is not taken");
            assertEquals(0, acks.get(0).window);
            assertEquals(100, f.engine.readableBytes(f.handle));
            // A plain ACK at RCV.NXT is processed (here: our data's acknowledgment, nothing to send).
            f.feed(Segment.ACK, FIRST + 100, LOCAL_ISS + 1, 0, 4000);
            f.expectNothing();
            // Reading opens the window and says so at once.
            assertEquals(100, readAndCheck(f, FIRST));
            acks = raw(f);
            assertEquals(1, acks.size());
            assertEquals(100, acks.get(0).window);
            feedText(f, FIRST + 100, 1);
            assertEquals(1, f.engine.readableBytes(f.handle));
        }

        /** A FIN beyond a hole is remembered and processed when the text before it arrives. */
        @Test
        void finAfterHole_processedWhenTheHoleFills() throws Exception {
            Fixture f = Fixture.inEstablished();
            feedText(f, Segment.ACK | Segment.FIN, FIRST + 100, 100); // text [5101, 5201) + FIN at 5201
            f.expect(". 1001 5001");
            f.assertState(TcpState.ESTABLISHED);
            feedText(f, FIRST, 100);
            f.expect(". 1001 5202"); // the FIN is acknowledged at once
            f.assertState(TcpState.CLOSE_WAIT);
            assertEquals(200, readAndCheck(f, FIRST));
            assertEquals(-1, f.engine.receive(f.handle, ByteBuffer.allocate(10), f.now), "then end of stream");
        }

        /** A FIN arriving in order is acknowledged at once, never delayed. */
        @Test
        void finAckedAtOnce() {
            Fixture f = Fixture.inEstablished();
            feedText(f, Segment.ACK | Segment.FIN, FIRST, 10);
            f.expect(". 1001 5012");
            f.assertState(TcpState.CLOSE_WAIT);
        }

        /**
         * Bounded memory whatever the peer sends: thousands of one-byte segments each leaving a hole
         * keep at most {@link OutOfOrderRanges#MAX_RANGES} ranges, the rest is dropped and counted,
         * and the buffer never exceeds its capacity.
         */
        @Test
        void manyHoles_memoryBounded() throws Exception {
            Fixture f = established(EngineConfig.defaults().withBuffers(65536, 16 * 1024));
            for (int i = 1; i < 5000; i++) {
                feedText(f, FIRST + 2 * i, 1);
            }
            f.out();
            assertTrue(f.engine.statistics().dropped(DropReason.OUT_OF_ORDER) > 0);
            assertTrue(f.engine.receiveBufferAllocated(f.handle) <= 16 * 1024);
            // The first held ranges are still there: filling the holes before them delivers them.
            // Held: the bytes at even offsets 2..64; the holes are at 0 and the odd offsets.
            feedText(f, FIRST, 1);
            for (int i = 0; i < OutOfOrderRanges.MAX_RANGES; i++) {
                feedText(f, FIRST + 2 * i + 1, 1);
            }
            assertEquals(2 * OutOfOrderRanges.MAX_RANGES + 1, readAndCheck(f, FIRST));
        }

        /** Receive buffers are allocated lazily: none before the first byte, at most the capacity after. */
        @Test
        void receiveBufferAllocatedOnFirstText() throws Exception {
            Fixture f = Fixture.inEstablished();
            assertEquals(0, f.engine.receiveBufferAllocated(f.handle));
            feedText(f, FIRST, 100);
            int allocated = f.engine.receiveBufferAllocated(f.handle);
            assertTrue(allocated > 0 && allocated <= 4096, "a small first allocation: " + allocated);
        }
    }

    @Nested
    class Sack {
        static int[] blocks(Segment s) {
            int[] b = new int[2 * s.sackBlockCount];
            System.arraycopy(s.sackBlocks, 0, b, 0, b.length);
            return b;
        }

        static Segment onlyAck(Fixture f) {
            List<Segment> l = raw(f);
            assertEquals(1, l.size());
            return l.get(0);
        }

        /** RFC 2018 §4: the first block holds the most recently received segment; then the others, newest first. */
        @Test
        void blocksReportTheMostRecentFirst() {
            Fixture f = establishedWithSack(false);
            feedText(f, FIRST + 100, 100);
            assertArrayEquals(new int[] {FIRST + 100, FIRST + 200}, blocks(onlyAck(f)));
            feedText(f, FIRST + 300, 100);
            assertArrayEquals(new int[] {FIRST + 300, FIRST + 400, FIRST + 100, FIRST + 200}, blocks(onlyAck(f)));
            feedText(f, FIRST + 200, 50); // extends the first range
            assertArrayEquals(new int[] {FIRST + 100, FIRST + 250, FIRST + 300, FIRST + 400}, blocks(onlyAck(f)));
            feedText(f, FIRST, 100); // fills the first hole: only [5401, ...) remains beyond RCV.NXT 5251
            Segment ack = onlyAck(f);
            assertEquals(FIRST + 250, ack.ack);
            assertArrayEquals(new int[] {FIRST + 300, FIRST + 400}, blocks(ack));
            feedText(f, FIRST + 250, 50);
            ack = onlyAck(f);
            assertEquals(FIRST + 400, ack.ack);
            assertEquals(0, ack.sackBlockCount, "no hole, no SACK block");
        }

        @ParameterizedTest(name = "timestamps {0}")
        @ValueSource(booleans = {false, true})
        void atMostFourBlocks_threeWithTimestamps(boolean timestamps) {
            Fixture f = establishedWithSack(timestamps);
            for (int i = 1; i <= 6; i++) {
                feedText(f, FIRST + 200 * i, 100);
                raw(f);
            }
            feedText(f, FIRST + 200 * 7, 100);
            Segment ack = onlyAck(f);
            int max = timestamps ? 3 : 4;
            assertEquals(max, ack.sackBlockCount);
            for (int k = 0; k < max; k++) {
                assertEquals(FIRST + 200 * (7 - k), ack.sackBlocks[2 * k], "block " + k + " newest first");
            }
            assertEquals(timestamps, ack.hasTimestamps);
        }

        /** RFC 2883 §4: a duplicate below RCV.NXT is reported as the first block (D-SACK), once. */
        @Test
        void duplicateBelowRcvNxt_reportedFirstOnce() {
            Fixture f = establishedWithSack(false);
            feedText(f, FIRST, 100);
            raw(f);
            feedText(f, FIRST, 100); // entirely old
            Segment ack = onlyAck(f);
            assertEquals(FIRST + 100, ack.ack);
            assertArrayEquals(new int[] {FIRST, FIRST + 100}, blocks(ack));
            feedText(f, FIRST + 300, 100);
            assertArrayEquals(new int[] {FIRST + 300, FIRST + 400}, blocks(onlyAck(f)), "reported once only");
        }

        /** RFC 2883 §4: a duplicate of held text comes first, then the held block containing it. */
        @Test
        void duplicateOfHeldText_dsackThenItsBlock() {
            Fixture f = establishedWithSack(false);
            feedText(f, FIRST + 100, 100);
            raw(f);
            feedText(f, FIRST + 300, 100);
            raw(f);
            feedText(f, FIRST + 120, 30);
            assertArrayEquals(new int[] {FIRST + 120, FIRST + 150, FIRST + 100, FIRST + 200, FIRST + 300, FIRST + 400},
                    blocks(onlyAck(f)));
        }

        /**
         * RFC 2883 §4: a segment that partly repeats held text (beyond a hole) reports the repeated
         * part as the D-SACK block, then the block containing it (Linux tcp_data_queue_ofo:
         * tcp_dsack_set for the overlap).
         */
        @Test
        void partlyHeldSegment_repeatedPartReported() {
            Fixture f = establishedWithSack(false);
            feedText(f, FIRST + 100, 100);
            raw(f);
            feedText(f, FIRST + 150, 100);
            Segment ack = onlyAck(f);
            assertEquals(FIRST, ack.ack);
            assertArrayEquals(new int[] {FIRST + 150, FIRST + 200, FIRST + 100, FIRST + 250}, blocks(ack));
        }

        /**
         * RFC 2883 §4: an in-order segment whose end repeats the start of held text reports the
         * repeated part (Linux tcp_ofo_queue: tcp_dsack_extend for the held part below RCV.NXT).
         */
        @Test
        void inOrderSegmentRepeatingHeldText_repeatedPartReported() {
            Fixture f = establishedWithSack(false);
            feedText(f, FIRST + 100, 100);
            raw(f);
            feedText(f, FIRST, 150);
            Segment ack = onlyAck(f);
            assertEquals(FIRST + 200, ack.ack);
            assertArrayEquals(new int[] {FIRST + 100, FIRST + 150}, blocks(ack));
        }

        /** The old part of a segment straddling RCV.NXT is a duplicate too. */
        @Test
        void partlyOldSegment_oldPartReported() {
            Fixture f = establishedWithSack(false);
            feedText(f, FIRST, 100);
            raw(f);
            feedText(f, FIRST + 50, 100);
            Segment ack = onlyAck(f);
            assertEquals(FIRST + 150, ack.ack);
            assertArrayEquals(new int[] {FIRST + 50, FIRST + 100}, blocks(ack));
        }

        @Test
        void noBlocksWithoutSackPermitted() {
            Fixture f = Fixture.inEstablished(); // the fixture's SYN,ACK offers no SACK-permitted
            feedText(f, FIRST + 100, 100);
            assertEquals(0, onlyAck(f).sackBlockCount);
        }
    }

    /**
     * Leaves Linux's quick-ACK mode: the first in-order segments of a connection (16 here: the
     * window holds more than 32 segments) are acknowledged at once. Returns the next sequence number.
     */
    static int afterQuickAcks(Fixture f) {
        int seq = FIRST;
        for (int i = 0; i < DelayedAck.MAX_QUICK_ACKS; i++) {
            feedText(f, seq, 10);
            seq += 10;
            f.expect(". 1001 " + seq);
        }
        return seq;
    }

    @Nested
    class DelayedAcks {
        /** Linux tcp_event_data_recv: the first segments are acknowledged at once (slow start needs ACKs). */
        @Test
        void firstSixteenSegmentsAckedAtOnce_thenDelayed() {
            Fixture f = Fixture.inEstablished();
            int seq = afterQuickAcks(f);
            feedText(f, seq, 10);
            f.expectNothing();
            f.at(f.now + 40 * MS);
            f.expect(". 1001 " + (seq + 10));
        }

        /** After a silence longer than the RTO the sender gets quick ACKs again (Linux: "too long gap"). */
        @Test
        void quickAgainAfterAnIdlePeriod() {
            Fixture f = Fixture.inEstablished();
            int seq = afterQuickAcks(f);
            f.at(f.now + 5 * Fixture.S);
            feedText(f, seq, 10);
            f.expect(". 1001 " + (seq + 10));
        }

        @Test
        void oneSegment_ackedAfter40ms() {
            Fixture f = Fixture.inEstablished();
            int seq = afterQuickAcks(f);
            feedText(f, seq, 1000);
            f.expectNothing();
            assertEquals(f.now + 40 * MS, f.engine.nextDeadline());
            long t = f.now;
            f.at(t + 40 * MS - 1);
            f.expectNothing();
            f.at(t + 40 * MS);
            f.expect(". 1001 " + (seq + 1000));
            assertEquals(Long.MAX_VALUE, f.engine.nextDeadline(), "nothing more to do");
        }

        /** "at least every second full-sized segment" (RFC 5681 §4.2, RFC 1122 §4.2.3.2). */
        @Test
        void everySecondFullSizedSegment_ackedAtOnce() {
            Fixture f = Fixture.inEstablished();
            int seq = afterQuickAcks(f);
            for (int i = 0; i < 6; i++) {
                feedText(f, seq + 1460 * i, 1460);
                if (i % 2 == 0) {
                    f.expectNothing();
                } else {
                    f.expect(". 1001 " + (seq + 1460 * (i + 1)));
                }
            }
            assertEquals(Long.MAX_VALUE, f.engine.nextDeadline());
        }

        @Test
        void configuredTimeoutIsUsed() {
            Fixture f = established(EngineConfig.defaults().withDelayedAck(true, Duration.ofMillis(200)));
            int seq = afterQuickAcks(f);
            long t = f.now;
            feedText(f, seq, 10);
            f.at(t + 199 * MS);
            f.expectNothing();
            f.at(t + 200 * MS);
            f.expect(". 1001 " + (seq + 10));
        }

        @Test
        void outOfOrder_ackedAtOnce() {
            Fixture f = Fixture.inEstablished();
            int seq = afterQuickAcks(f);
            feedText(f, seq, 100);
            f.expectNothing();
            feedText(f, seq + 200, 100);
            f.expect(". 1001 " + (seq + 100)); // the duplicate ACK also acknowledges the delayed text
            assertEquals(Long.MAX_VALUE, f.engine.nextDeadline(), "the delayed ACK was sent with it");
        }

        @Test
        void switchedOff_everySegmentAckedAtOnce() {
            Fixture f = established(noDelayedAck());
            int seq = afterQuickAcks(f);
            feedText(f, seq, 100);
            f.expect(". 1001 " + (seq + 100));
            feedText(f, seq + 100, 100);
            f.expect(". 1001 " + (seq + 200));
        }

        /** Data sent before the timer carries the acknowledgment: no pure ACK follows. */
        @Test
        void piggybackedOnData() throws Exception {
            Fixture f = Fixture.inEstablished();
            int seq = afterQuickAcks(f);
            feedText(f, seq, 100);
            f.expectNothing();
            f.at(f.now + 10 * MS);
            f.engine.send(f.handle, ByteBuffer.wrap(new byte[20]), f.now);
            f.expect("P. 1001 " + (seq + 100) + " len 20");
            f.feed(Segment.ACK, seq + 100, LOCAL_ISS + 21);
            f.at(f.now + 50 * MS);
            f.expectNothing();
        }

        /** MUST-40: the delay is configurable only below 0.5 s. */
        @Test
        void delayNeverReachesHalfASecond() {
            assertTrue(EngineSettings.DELAYED_ACK_TIMEOUT.parse("499ms").toMillis() < 500);
        }
    }

    @Nested
    class ReceiverSillyWindowAvoidance {
        /**
         * RFC 9293 §3.8.6.2.2 (MUST-39): with a 4000-byte buffer the window reopens in steps of
         * min(4000 / 2, MSS 1460); reading less than that announces nothing.
         */
        @Test
        void windowReopensOnlyBySwsSteps() throws Exception {
            Fixture f = established(EngineConfig.defaults().withBuffers(65536, 4000));
            for (int i = 0; i < 3; i++) {
                feedText(f, FIRST + 1000 * i, 1000);
            }
            f.at(f.now + 40 * MS);
            List<Segment> acks = raw(f);
            Segment last = acks.get(acks.size() - 1);
            assertEquals(FIRST + 3000, last.ack);
            assertEquals(1000, last.window);
            ByteBuffer dst = ByteBuffer.allocate(500);
            assertEquals(500, f.engine.receive(f.handle, dst, f.now));
            f.expectNothing(); // 500 < 1460: no window update
            dst = ByteBuffer.allocate(1000);
            assertEquals(1000, f.engine.receive(f.handle, dst, f.now));
            acks = raw(f);
            assertEquals(1, acks.size(), "1500 read: the window grows from 1000 to 2500, one update");
            assertEquals(2500, acks.get(0).window);
        }

        /** Small reads do not open a closed window byte by byte (the silly window). */
        @Test
        void closedWindowStaysClosedUntilAStep() throws Exception {
            Fixture f = established(EngineConfig.defaults().withBuffers(65536, 4000));
            feedText(f, FIRST, 4000);
            f.at(f.now + 40 * MS);
            assertEquals(0, raw(f).get(0).window);
            for (int i = 0; i < 10; i++) {
                assertEquals(100, f.engine.receive(f.handle, ByteBuffer.allocate(100), f.now));
            }
            f.expectNothing();
            // A probe is answered with a zero window: 1000 free is less than one step (1460).
            feedText(f, FIRST + 4000, 1);
            assertEquals(0, raw(f).get(0).window);
            assertEquals(500, f.engine.receive(f.handle, ByteBuffer.allocate(500), f.now));
            assertEquals(1500, raw(f).get(0).window);
        }

        /**
         * RFC 7323 §2.4: with a scale factor, RCV.NXT moving by a number of bytes that is not a
         * multiple of 2^Rcv.Wind.Shift leaves a full buffer no choice but to announce a window whose
         * edge lies a few bytes left of the last one; "The receiver MUST honor, as in window, any
         * segment that would have been in window for any ACK sent by the receiver".
         */
        @Test
        void withScalingTextUpToTheHighestEdgeEverAnnouncedIsTaken() throws Exception {
            Fixture f = new Fixture(EngineConfig.defaults().withBuffers(65536, 262144));
            f.connect();
            f.out();
            Segment synAck = text(Segment.SYN | Segment.ACK, REMOTE_ISS, 0);
            synAck.mss = 1460;
            synAck.windowScale = 0;
            f.engine.handleSegment(Fixture.REMOTE, synAck, f.now);
            List<Segment> acks = raw(f);
            assertEquals(262144 >> 3, acks.get(acks.size() - 1).window, "Rcv.Wind.Shift 3: the whole buffer");
            int oldEdge = FIRST + 262144;
            feedText(f, FIRST, 1001); // quick-ACK mode: acknowledged at once
            acks = raw(f);
            Segment ack = acks.get(acks.size() - 1);
            assertEquals(FIRST + 1001, ack.ack);
            assertTrue(ack.ack + (ack.window << 3) <= oldEdge, "the field cannot express the old edge exactly");
            // The peer fills the window it was offered first: every byte of it is taken.
            feedText(f, FIRST + 1001, oldEdge - (FIRST + 1001));
            assertEquals(262144, f.engine.readableBytes(f.handle), "nothing trimmed below the highest announced edge");
            acks = raw(f);
            assertEquals(oldEdge, acks.get(acks.size() - 1).ack);
            assertEquals(0, acks.get(acks.size() - 1).window, "the buffer is full");
        }

        /**
         * Property over seeded random traffic (in order, out of order, duplicates, overlaps, reads):
         * the advertised right edge SEG.ACK + SEG.WND never moves left (RFC 9293 §3.8.6.2.2: the
         * window SHOULD NOT shrink), every byte is delivered once and in order, and the buffer
         * never holds more than its capacity.
         */
        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
        void rightEdgeNeverMovesLeft_andTheStreamArrivesIntact(long seed) throws Exception {
            Random r = new Random(seed);
            int buffer = 2000 + r.nextInt(6000);
            Fixture f = established(EngineConfig.defaults().withBuffers(65536, buffer));
            int delivered = 0;
            int highestSent = FIRST;
            long edge = FIRST + Math.min(buffer, 65535);
            for (int step = 0; step < 3000; step++) {
                int rcvNxt = FIRST + delivered + f.engine.readableBytes(f.handle);
                int choice = r.nextInt(10);
                if (choice < 6) {
                    int seq = rcvNxt - 200 + r.nextInt(Math.max(1, (int) (edge - rcvNxt) + 400));
                    int len = 1 + r.nextInt(1460);
                    feedText(f, seq, len);
                    highestSent = Math.max(highestSent, seq + len);
                } else if (choice < 9) {
                    int n = readAndCheck(f, FIRST + delivered);
                    delivered += Math.max(0, n);
                } else {
                    f.at(f.now + r.nextInt(50) * MS);
                }
                for (Segment s : raw(f)) {
                    long right = Integer.toUnsignedLong(s.ack) + s.window;
                    assertTrue(right >= edge, "seed " + seed + ": right edge moved left " + edge + " -> " + right);
                    edge = right;
                }
                assertTrue(f.engine.receiveBufferAllocated(f.handle) <= buffer);
            }
            delivered += Math.max(0, readAndCheck(f, FIRST + delivered));
            assertTrue(delivered > 0);
        }
    }
}
