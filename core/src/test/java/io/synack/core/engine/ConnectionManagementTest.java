package io.synack.core.engine;

import static io.synack.core.engine.Fixture.LOCAL_ISS;
import static io.synack.core.engine.Fixture.REMOTE;
import static io.synack.core.engine.Fixture.REMOTE_ISS;
import static io.synack.core.engine.Fixture.REMOTE_PORT;
import static io.synack.core.engine.Fixture.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.AddressInUseException;
import io.synack.api.CloseReason;
import io.synack.api.ConnectionClosedException;
import io.synack.api.ConnectionEvent;
import io.synack.api.ConnectionResetException;
import io.synack.api.TcpState;
import io.synack.core.wire.Segment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Connection management clauses of RFC 9293 §3.5, §3.6, §3.9, §3.10 and RFC 5961, one by one. */
class ConnectionManagementTest {

    private static CloseReason closeReason(Fixture f) {
        return f.allEvents().stream().filter(e -> e instanceof ConnectionEvent.Closed)
                .map(e -> ((ConnectionEvent.Closed) e).reason()).findFirst().orElse(null);
    }

    private static void synFrom(Fixture f, int remotePort, int seq) {
        Segment s = new Segment();
        s.sourcePort = remotePort;
        s.destinationPort = Fixture.LOCAL_PORT;
        s.seq = seq;
        s.flags = Segment.SYN;
        s.window = 65535;
        f.engine.handleSegment(REMOTE, s, f.now);
    }

    private static void rstFrom(Fixture f, int remotePort, int seq) {
        Segment s = new Segment();
        s.sourcePort = remotePort;
        s.destinationPort = Fixture.LOCAL_PORT;
        s.seq = seq;
        s.flags = Segment.RST;
        f.engine.handleSegment(REMOTE, s, f.now);
    }

    @Nested
    class Handshake {
        /** MUST-15: without an MSS option the send MSS is 536 (IPv4). */
        @Test
        void defaultMssIpv4() {
            Fixture f = Fixture.inSynSent();
            Segment s = new Segment();
            s.sourcePort = REMOTE_PORT;
            s.destinationPort = Fixture.LOCAL_PORT;
            s.seq = REMOTE_ISS;
            s.ack = LOCAL_ISS + 1;
            s.flags = Segment.SYN | Segment.ACK;
            s.window = 65535;
            f.engine.handleSegment(REMOTE, s, 0);
            assertEquals(536, f.engine.statistics(f.handle).peerMss());
        }

        /** MUST-15: 1220 for IPv6. */
        @Test
        void defaultMssIpv6() throws Exception {
            InetAddress local = InetAddress.getByName("fd00::1");
            InetAddress remote = InetAddress.getByName("fd00::2");
            TcpEngine e = new TcpEngine(local, EngineConfig.defaults(), (a, b, c, d, t) -> 1000,
                    new EphemeralPortSelector(32768, 60999, 1, 2));
            int h = e.connect(new InetSocketAddress(remote, 4000), 80, 0);
            Segment s = new Segment();
            s.sourcePort = 4000;
            s.destinationPort = 80;
            s.seq = 5000;
            s.ack = 1001;
            s.flags = Segment.SYN | Segment.ACK;
            s.window = 65535;
            e.handleSegment(remote, s, 0);
            assertEquals(TcpState.ESTABLISHED, e.state(h));
            assertEquals(1220, e.statistics(h).peerMss());
        }

        /** MUST-14: our SYN and SYN,ACK carry the MSS option. */
        @Test
        void synCarriesMss() {
            Fixture f = new Fixture();
            f.connect();
            Segment s = new Segment();
            f.engine.pollTransmit(s);
            assertEquals(1460, s.mss);
        }

        /** §3.10.7.4 fifth step, SYN-RECEIVED: an unacceptable ACK is answered <SEQ=SEG.ACK><CTL=RST>. */
        @Test
        void synReceivedBadAckGetsReset() {
            Fixture f = Fixture.inSynReceived();
            f.feed(Segment.ACK, REMOTE_ISS + 1, 3000);
            f.expect("R 3000");
            f.assertState(TcpState.SYN_RECEIVED);
        }

        /** MUST-10 at segment level: SYN in SYN-SENT, then the peer's SYN,ACK completes (Figure 7). */
        @Test
        void simultaneousOpen() {
            Fixture f = Fixture.inSynSent();
            f.feed(Segment.SYN, REMOTE_ISS, 0);
            f.expect("S. 1000 5001");
            f.assertState(TcpState.SYN_RECEIVED);
            f.feed(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1);
            f.expect(". 1001 5001");
            f.assertState(TcpState.ESTABLISHED);
        }

        /** MUST-11: an RST in SYN-RECEIVED reached from SYN-SENT means "connection refused". */
        @Test
        void simultaneousOpenRstIsRefused() {
            Fixture f = Fixture.inSynSent();
            f.feed(Segment.SYN, REMOTE_ISS, 0);
            f.out();
            f.feed(Segment.RST, REMOTE_ISS + 1, 0);
            f.expectNothing();
            f.assertState(TcpState.CLOSED);
            assertEquals(CloseReason.REFUSED, closeReason(f));
        }

        /** §3.10.7.3: data on the SYN,ACK is taken after ESTABLISHED. */
        @Test
        void dataOnSynAck() throws Exception {
            Fixture f = Fixture.inSynSent();
            f.feed(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1, 5);
            f.expect(". 1001 5006");
            assertEquals(5, f.engine.readableBytes(f.handle));
        }
    }

    @Nested
    class Listener {
        @Test
        void backlogFullDropsSynSilentlyAndRstFreesTheSlot() throws Exception {
            Fixture f = new Fixture();
            f.listener = f.engine.listen(Fixture.LOCAL_PORT, 2);
            synFrom(f, 4000, 100);
            synFrom(f, 4001, 200);
            assertEquals(2, f.out().size());
            synFrom(f, 4002, 300);
            f.expectNothing();
            assertEquals(1, f.engine.statistics().dropped(DropReason.BACKLOG_FULL));
            assertEquals(2, f.engine.backlogInUse(f.listener));
            rstFrom(f, 4000, 101); // exact RCV.NXT: the child returns to LISTEN (MUST-11)
            assertEquals(1, f.engine.backlogInUse(f.listener));
            synFrom(f, 4002, 300);
            f.expect("S. 1000 301");
            assertEquals(2, f.engine.backlogInUse(f.listener));
        }

        /** Linux: with the accept queue full, the handshake-completing ACK is dropped. */
        @Test
        void acceptQueueFullDropsFinalAck() throws Exception {
            Fixture f = new Fixture();
            f.listener = f.engine.listen(Fixture.LOCAL_PORT, 1);
            synFrom(f, 4000, 100);
            f.out();
            Segment a = new Segment();
            a.sourcePort = 4000;
            a.destinationPort = 80;
            a.seq = 101;
            a.ack = LOCAL_ISS + 1;
            a.flags = Segment.ACK;
            a.window = 1000;
            f.engine.handleSegment(REMOTE, a, 0);
            assertEquals(1, f.engine.backlogInUse(f.listener));
            // The accept queue (1) is full; the SYN queue is not; a second child cannot complete.
            synFrom(f, 4001, 200);
            f.expectNothing(); // the backlog is full: the accept queue holds one
            assertEquals(1, f.engine.statistics().dropped(DropReason.BACKLOG_FULL));
            int h = f.engine.accept(f.listener);
            assertEquals(TcpState.ESTABLISHED, f.engine.state(h));
            assertEquals(-1, f.engine.accept(f.listener));
        }

        /** MUST-42: LISTEN on a port that has a connection in SYN-SENT; both work. */
        @Test
        void listenOnPortWithSynSentConnection() throws Exception {
            Fixture f = Fixture.inSynSent();
            f.listener = f.engine.listen(Fixture.LOCAL_PORT, 8);
            synFrom(f, 4001, 700);
            f.expect("S. 1000 701");
            f.feed(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1);
            f.expect(". 1001 5001");
            f.assertState(TcpState.ESTABLISHED);
            assertEquals(1, f.engine.backlogInUse(f.listener));
        }

        /** Address validation: no connection from a multicast source, none to a multicast address. */
        @Test
        void multicastAddressesRejected() throws Exception {
            Fixture f = Fixture.inListen();
            Segment s = new Segment();
            s.sourcePort = 4000;
            s.destinationPort = 80;
            s.seq = 1;
            s.flags = Segment.SYN;
            f.engine.handleSegment(InetAddress.getByName("224.0.0.1"), s, 0);
            f.expectNothing();
            assertEquals(1, f.engine.statistics().dropped(DropReason.BAD_ADDRESS));
            assertThrows(IllegalArgumentException.class,
                    () -> f.engine.connect(new InetSocketAddress(InetAddress.getByName("224.0.0.1"), 80), 0, 0));
        }

        @Test
        void secondListenOnPortIsAddressInUse() throws Exception {
            Fixture f = Fixture.inListen();
            assertThrows(AddressInUseException.class, () -> f.engine.listen(Fixture.LOCAL_PORT, 1));
        }

        @Test
        void closingListenerResetsUnacceptedChildren() throws Exception {
            Fixture f = Fixture.inSynReceived();
            f.feed(Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
            f.engine.closeListener(f.listener, f.now);
            f.expect("R 1001");
            assertEquals(0, f.engine.tcbCount());
            synFrom(f, 4005, 1);
            f.expect("R. 0 2");
        }
    }

    @Nested
    class Close {
        /** Linux tcp_close: CLOSE with unread data sends RST (<SEQ=SND.NXT><CTL=RST>), ABORTED. */
        @Test
        void closeWithUnreadDataSendsReset() {
            Fixture f = Fixture.inEstablished();
            f.feed(Segment.ACK | Segment.PSH, REMOTE_ISS + 1, LOCAL_ISS + 1, 10);
            f.expect(". 1001 5011");
            f.engine.close(f.handle, f.now);
            f.expect("R 1001");
            assertEquals(CloseReason.ABORTED, closeReason(f));
        }

        /** Linux TCPAbortOnData: new data after CLOSE is answered by RST. */
        @Test
        void dataAfterCloseInFinWait2SendsReset() {
            Fixture f = Fixture.inEstablished();
            f.engine.close(f.handle, f.now);
            f.expect("F. 1001 5001");
            f.feed(Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 2);
            f.feed(Segment.ACK | Segment.PSH, REMOTE_ISS + 1, LOCAL_ISS + 2, 10);
            f.expect("R 1002");
            assertEquals(CloseReason.ABORTED, closeReason(f));
        }

        /** §3.10.5 ABORT: ESTABLISHED sends <SEQ=SND.NXT><CTL=RST>; SYN-SENT sends nothing. */
        @Test
        void abort() {
            Fixture f = Fixture.inEstablished();
            f.engine.abort(f.handle, f.now);
            f.expect("R 1001");
            Fixture g = Fixture.inSynSent();
            g.engine.abort(g.handle, g.now);
            g.expectNothing();
            assertEquals(CloseReason.ABORTED, closeReason(g));
        }

        /** §3.10.4 CLOSE in SYN-SENT: delete the TCB, nothing sent. */
        @Test
        void closeInSynSent() {
            Fixture f = Fixture.inSynSent();
            f.engine.close(f.handle, f.now);
            f.expectNothing();
            f.assertState(TcpState.CLOSED);
            assertEquals(0, f.engine.timerCount());
        }

        /** §3.10.2: SEND after CLOSE of the sending direction is "connection closing". */
        @Test
        void sendAfterShutdownFails() {
            Fixture f = Fixture.inFinWait1();
            assertThrows(ConnectionClosedException.class, () -> f.engine.send(f.handle, ByteBuffer.allocate(1), 0));
        }

        /** CLOSE-WAIT can still send (half-close); then CLOSE moves to LAST-ACK. */
        @Test
        void closeWaitStillSends() throws Exception {
            Fixture f = Fixture.inCloseWait();
            f.engine.send(f.handle, ByteBuffer.wrap(new byte[20]), f.now);
            f.expect("P. 1001 5002 len 20");
            f.engine.close(f.handle, f.now);
            f.expect("F. 1021 5002");
            f.assertState(TcpState.LAST_ACK);
            f.feed(Segment.ACK, REMOTE_ISS + 2, LOCAL_ISS + 22);
            f.assertState(TcpState.CLOSED);
            assertEquals(CloseReason.GRACEFUL, closeReason(f));
        }

        /** The FIN rides on the last data segment when both are queued. */
        @Test
        void finPiggybacksOnData() throws Exception {
            Fixture f = Fixture.inEstablished();
            f.engine.send(f.handle, ByteBuffer.wrap(new byte[20]), f.now);
            f.engine.shutdownOutput(f.handle, f.now);
            f.expect("P. 1001 5001 len 20", "F. 1021 5001");
        }

        /** MUST-12: reset by the peer is told as RESET; reads then fail. */
        @Test
        void resetByPeerIsReported() {
            Fixture f = Fixture.inEstablished();
            f.feed(Segment.RST, REMOTE_ISS + 1, 0);
            assertEquals(CloseReason.RESET, closeReason(f));
            assertThrows(ConnectionResetException.class, () -> f.engine.receive(f.handle, ByteBuffer.allocate(1), 0));
            assertTrue(f.events.stream().anyMatch(e -> e instanceof ConnectionEvent.Reset r && r.byPeer()));
        }

        @Test
        void connectToFourTupleInUse() {
            Fixture f = Fixture.inEstablished();
            assertThrows(AddressInUseException.class,
                    () -> f.engine.connect(new InetSocketAddress(REMOTE, REMOTE_PORT), Fixture.LOCAL_PORT, 0));
        }
    }

    @Nested
    class Rfc5961 {
        /** §7: challenge ACKs are rate-limited per second; the limit resets a second later. */
        @Test
        void challengeAcksRateLimited() {
            Fixture f = new Fixture(EngineConfig.defaults().withChallengeAckLimit(2));
            f.connect();
            f.out();
            f.feed(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1);
            f.out();
            for (int i = 0; i < 3; i++) {
                f.feed(Segment.RST, REMOTE_ISS + 10, 0);
            }
            f.expect(". 1001 5001", ". 1001 5001");
            assertEquals(2, f.engine.statistics().challengeAcks());
            assertEquals(1, f.engine.statistics().dropped(DropReason.CHALLENGE_ACK_LIMITED));
            f.now = 1 * S;
            f.feed(Segment.SYN, REMOTE_ISS + 10, 0);
            f.expect(". 1001 5001");
        }

        /** ACKs for data (and for out-of-window segments) are never rate-limited. */
        @Test
        void dataAcksNotLimited() {
            Fixture f = new Fixture(EngineConfig.defaults().withChallengeAckLimit(0));
            f.connect();
            f.out();
            f.feed(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1);
            f.out();
            f.feed(Segment.ACK | Segment.PSH, REMOTE_ISS + 1, LOCAL_ISS + 1, 10);
            f.feed(Segment.ACK | Segment.PSH, REMOTE_ISS + 100_000, LOCAL_ISS + 1, 10);
            f.feed(Segment.RST, REMOTE_ISS + 20, 0);
            f.expect(". 1001 5011", ". 1001 5011");
        }

        /** §5.2: an ACK older than SND.UNA - MAX.SND.WND is dropped with an ACK. */
        @Test
        void tooOldAckChallenged() {
            Fixture f = Fixture.inEstablished();
            f.feed(Segment.ACK | Segment.PSH, REMOTE_ISS + 1, LOCAL_ISS + 1 - 70_000, 10);
            f.expect(". 1001 5001");
            assertEquals(0, f.engine.readableBytes(f.handle));
            assertEquals(1, f.engine.statistics().dropped(DropReason.BAD_ACK));
        }
    }

    @Nested
    class DataPath {
        /** Segmentation to the peer's MSS (1460) within the peer's window (3000). */
        @Test
        void segmentsToMssWithinWindow() throws Exception {
            Fixture f = Fixture.inSynSent();
            f.feed(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1, 0, 3000);
            f.out();
            f.engine.send(f.handle, ByteBuffer.wrap(new byte[4000]), f.now);
            // The 80 bytes left in the window are not sent: sender SWS avoidance (RFC 9293
            // §3.8.6.2.1, MUST-38); Linux likewise cuts window-limited sends to whole MSS.
            f.expect(". 1001 5001 len 1460", ". 2461 5001 len 1460");
            f.feed(Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 1 + 2920, 0, 3000);
            f.expect("P. 3921 5001 len 1080");
            assertEquals(4000, f.engine.statistics(f.handle).bytesSent());
        }

        /** RCV.WND is the free buffer space; reading opens it and announces it (receiver SWS rule). */
        @Test
        void receiveWindowFollowsBuffer() throws Exception {
            Fixture f = new Fixture(EngineConfig.defaults().withBuffers(65536, 4000));
            f.connect();
            Segment syn = new Segment();
            f.engine.pollTransmit(syn);
            assertEquals(4000, syn.window);
            f.feed(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1);
            f.out();
            f.feed(Segment.ACK | Segment.PSH, REMOTE_ISS + 1, LOCAL_ISS + 1, 3000);
            Segment ack = new Segment();
            f.engine.pollTransmit(ack);
            assertEquals(1000, ack.window);
            assertEquals(5000 + 1 + 3000, ack.ack);
            ByteBuffer dst = ByteBuffer.allocate(3000);
            assertEquals(3000, f.engine.receive(f.handle, dst, f.now));
            Segment update = new Segment();
            f.engine.pollTransmit(update);
            assertEquals(4000, update.window);
            assertEquals(". 1001 8001", Fixture.describe(update));
        }

        /** Data beyond the window is trimmed to it; zero window accepts only exact ACKs. */
        @Test
        void dataBeyondWindowTrimmed() throws Exception {
            Fixture f = new Fixture(EngineConfig.defaults().withBuffers(65536, 100));
            f.connect();
            f.out();
            f.feed(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1);
            f.out();
            f.feed(Segment.ACK | Segment.PSH, REMOTE_ISS + 1, LOCAL_ISS + 1, 150);
            f.expect(". 1001 5101");
            assertEquals(100, f.engine.readableBytes(f.handle));
            f.feed(Segment.ACK | Segment.PSH, REMOTE_ISS + 101, LOCAL_ISS + 1, 50);
            f.expect(". 1001 5101");
            assertEquals(100, f.engine.readableBytes(f.handle));
        }

        /** A duplicate segment is acknowledged and not delivered twice. */
        @Test
        void duplicateDataNotDeliveredTwice() {
            Fixture f = Fixture.inEstablished();
            f.feed(Segment.ACK | Segment.PSH, REMOTE_ISS + 1, LOCAL_ISS + 1, 10);
            f.feed(Segment.ACK | Segment.PSH, REMOTE_ISS + 1, LOCAL_ISS + 1, 10);
            f.expect(". 1001 5011", ". 1001 5011");
            assertEquals(10, f.engine.readableBytes(f.handle));
        }

        /** §3.10.3: after the peer's FIN and all data, RECEIVE returns end of stream. */
        @Test
        void endOfStreamAfterFin() throws Exception {
            Fixture f = Fixture.inEstablished();
            f.feed(Segment.ACK | Segment.PSH | Segment.FIN, REMOTE_ISS + 1, LOCAL_ISS + 1, 4);
            f.expect(". 1001 5006");
            f.assertState(TcpState.CLOSE_WAIT);
            ByteBuffer b = ByteBuffer.allocate(10);
            assertEquals(4, f.engine.receive(f.handle, b, 0));
            assertEquals(-1, f.engine.receive(f.handle, b, 0));
        }
    }

    @Nested
    class IdentifiersAndStatistics {
        /** RFC 6056: ephemeral ports in the configured range, distinct for one peer. */
        @Test
        void ephemeralPorts() throws Exception {
            TcpEngine e = TcpEngine.create(Fixture.LOCAL, EngineConfig.defaults(), new java.util.Random(1));
            Set<Integer> ports = new HashSet<>();
            for (int i = 0; i < 1000; i++) {
                int h = e.connect(new InetSocketAddress(REMOTE, 80), 0, 0);
                int p = e.id(h).local().getPort();
                assertTrue(p >= 32768 && p <= 60999, "port " + p);
                ports.add(p);
            }
            assertEquals(1000, ports.size());
        }

        /** RFC 6528: the ISN moves with the 4 µs clock and differs between 4-tuples. */
        @Test
        void isnPerRfc6528() {
            SipHashIsnGenerator g = new SipHashIsnGenerator(11, 22);
            InetAddress a = Fixture.LOCAL;
            int i0 = g.isn(a, 1, REMOTE, 2, 0);
            assertEquals(i0 + 250, g.isn(a, 1, REMOTE, 2, 1_000_000));
            assertNotEquals(i0, g.isn(a, 1, REMOTE, 3, 0));
            assertNotEquals(i0, new SipHashIsnGenerator(11, 23).isn(a, 1, REMOTE, 2, 0));
        }

        @Test
        void statisticsCountTransitionsStatesAndSegments() {
            Fixture f = Fixture.inTimeWait();
            var s = f.engine.statistics();
            assertEquals(1L, s.transitions().get("SYN-SENT => ESTABLISHED"));
            assertEquals(1L, s.transitions().get("FIN-WAIT-2 => TIME-WAIT"));
            assertEquals(1, s.connectionsIn(TcpState.TIME_WAIT));
            assertEquals(0, s.connectionsIn(TcpState.ESTABLISHED));
            assertEquals(3, s.segmentsIn());
            assertEquals(4, s.segmentsOut());
            f.engine.handleMalformed("bad-checksum");
            assertEquals(1, f.engine.statistics().dropped("bad-checksum"));
        }
    }
}
