package io.synack.core.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.AddressInUseException;
import io.synack.api.CloseReason;
import io.synack.api.ConnectionClosedException;
import io.synack.api.ConnectionEvent;
import io.synack.api.ConnectionId;
import io.synack.api.ConnectionRefusedException;
import io.synack.api.ConnectionResetException;
import io.synack.api.ConnectionTimedOutException;
import io.synack.api.SynackException;
import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import io.synack.api.TcpStack;
import io.synack.api.TcpState;
import io.synack.core.wire.Segment;
import io.synack.spi.DatagramFate;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The driver's plumbing, against a scripted engine on virtual time. */
class StackDriverTest {

    private static final InetAddress LOCAL = address("10.0.0.1");
    private static final InetAddress PEER = address("10.0.0.2");
    private static final InetSocketAddress PEER_80 = new InetSocketAddress(PEER, 80);

    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final PipeNetwork network = new PipeNetwork();
    private final FakeCodec codec = new FakeCodec();
    private final ScriptedEngine engine = new ScriptedEngine(LOCAL);
    private final List<String> recorded = new ArrayList<>();
    private final StackDriver driver;
    private final TcpStack stack;

    StackDriverTest() throws SynackException {
        driver = StackDriver.open(scheduler, network, "pipe", engine, codec,
                new DriverOptions(true, true, (t, s, d, seg, fate, detail) ->
                        recorded.add(fate + " " + s.getHostAddress() + ">" + d.getHostAddress() + " " + seg.remaining()
                                + " at " + t)));
        stack = driver.stack();
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** MUST-16: the engine learns what one datagram of the transport carries when the transport opens. */
    @Test
    void theTransportsSegmentSizeLimitsTheEngine() {
        assertEquals(1500, engine.segmentSizeLimit, "PipeNetwork carries 1500-byte segments");
    }

    @Test
    void aReceivedDatagramIsDecodedAndHandedToTheEngineWithTheTimeAndSource() {
        scheduler.runUntil(7_000);
        network.inject(PEER, LOCAL, FakeCodec.datagram(77, Segment.SYN, (byte) 1, (byte) 2));
        engine.onSegment = (e, remote, segment, now) ->
                e.log.add("payload " + segment.payloadLength() + " byte0 " + segment.payload.get(segment.payload.position()));

        scheduler.runUntilIdle();

        assertEquals(List.of("segment from 10.0.0.2 seq 77 flags 2 at 7000", "payload 2 byte0 1"), engine.log);
        assertEquals(List.of(true), codec.verifyFlags);
        assertEquals(List.of("DELIVERED 10.0.0.2>10.0.0.1 7 at 7000"), recorded);
    }

    @Test
    void malformedDatagramsReachTheEngineOnlyAsADropReason() {
        network.inject(PEER, LOCAL, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        network.inject(PEER, LOCAL, FakeCodec.datagram(0xEE000000, Segment.ACK));

        scheduler.runUntilIdle();

        assertEquals(List.of("malformed short-header", "malformed bad-checksum"), engine.log);
    }

    @Test
    void checksumsOfLoopbackSourcesAreTrustedAndCountedWhenConfigured() {
        InetAddress loopback = address("127.0.0.1");
        network.inject(loopback, LOCAL, FakeCodec.datagram(0xEE000000, Segment.ACK));
        network.inject(PEER, LOCAL, FakeCodec.datagram(0xEE000000, Segment.ACK));

        scheduler.runUntilIdle();

        assertEquals(List.of(false, true), codec.verifyFlags);
        assertEquals(1L, driver.counters().get(StackDriver.CHECKSUM_TRUSTED_LOOPBACK));
        assertEquals("segment from 127.0.0.1 seq -301989888 flags 16 at 0", engine.log.get(0));
        assertEquals("malformed bad-checksum", engine.log.get(1));
    }

    @Test
    void outputsAreDrainedTransmitsFirstThenEvents() {
        ConnectionId id = new ConnectionId(new InetSocketAddress(LOCAL, 5000), PEER_80);
        List<String> order = new ArrayList<>();
        stack.addEventListener(e -> order.add("event " + e.getClass().getSimpleName()
                + " after " + network.sent.size() + " sent"));
        engine.onSegment = (e, remote, segment, now) -> {
            e.events.add(new ConnectionEvent.Readable(id, now, 3));
            e.transmit(PEER, 11, Segment.ACK);
            e.transmit(PEER, 12, Segment.ACK | Segment.FIN);
        };
        network.inject(PEER, LOCAL, FakeCodec.datagram(1, Segment.ACK));

        scheduler.runUntilIdle();

        assertEquals(2, network.sent.size());
        assertArrayEquals(new byte[] {0, 0, 0, 11, Segment.ACK}, network.sent.get(0).bytes());
        assertArrayEquals(new byte[] {0, 0, 0, 12, Segment.ACK | Segment.FIN}, network.sent.get(1).bytes());
        assertEquals(List.of("event Readable after 2 sent"), order);
        assertTrue(recorded.contains("SENT 10.0.0.1>10.0.0.2 5 at 0"));
    }

    @Test
    void oneTimerIsArmedAtTheEnginesDeadlineAndOnlyReArmedWhenItMovesEarlier() {
        engine.deadline = 1_000;
        engine.onSegment = (e, r, s, now) -> e.deadline = s.seq; // the next deadline comes with the segment
        network.inject(PEER, LOCAL, FakeCodec.datagram(5_000, Segment.ACK));
        scheduler.runUntilIdle();
        assertEquals(List.of("segment from 10.0.0.2 seq 5000 flags 16 at 0", "timeout at 5000"), engine.log.subList(0, 2));
        engine.log.clear();
        engine.deadline = Long.MAX_VALUE;

        // Later, later, later: one task stays armed, none is added.
        scheduler.runUntil(10_000);
        network.inject(PEER, LOCAL, FakeCodec.datagram(20_000, Segment.ACK));
        scheduler.runUntil(10_000);
        int armed = scheduler.pendingTasks();
        network.inject(PEER, LOCAL, FakeCodec.datagram(30_000, Segment.ACK));
        network.inject(PEER, LOCAL, FakeCodec.datagram(40_000, Segment.ACK));
        scheduler.runUntil(10_000);
        assertEquals(1, armed);
        assertEquals(1, scheduler.pendingTasks(), "no timer piles up when the deadline moves later");

        // Earlier: a second task is armed for the earlier deadline.
        network.inject(PEER, LOCAL, FakeCodec.datagram(15_000, Segment.ACK));
        scheduler.runUntil(10_000);
        assertEquals(2, scheduler.pendingTasks());

        engine.log.clear();
        scheduler.runUntil(15_000);
        assertEquals(List.of("timeout at 15000"), engine.log);
        engine.deadline = Long.MAX_VALUE;
        scheduler.runUntilIdle();
        assertEquals(List.of("timeout at 15000"), engine.log, "the superseded task at 20000 does nothing");
    }

    @Test
    void anActiveOpenCompletesOnConnectedAndTheConnectionReachesTheEngineByHandle() throws Exception {
        CompletableFuture<TcpConnection> established = stack.connectAsync(PEER_80).toCompletableFuture();
        assertEquals(List.of("connect 80 at 0"), engine.log);
        assertEquals(1, network.sent.size(), "the SYN left at once");
        assertFalse(established.isDone());

        ConnectionId id = engine.ids.get(1);
        engine.onSegment = (e, r, s, now) -> {
            e.states.put(1, TcpState.ESTABLISHED);
            e.events.add(new ConnectionEvent.Connected(id, now));
        };
        network.inject(PEER, LOCAL, FakeCodec.datagram(500, Segment.SYN | Segment.ACK));
        scheduler.runUntilIdle();

        TcpConnection c = established.get();
        assertEquals(id, c.id());
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertEquals(3, c.write(ByteBuffer.wrap(new byte[] {1, 2, 3})));
        assertEquals("send 1 3", engine.log.get(engine.log.size() - 1));
    }

    @Test
    void aRefusedConnectFailsWithConnectionRefusedException() {
        CompletableFuture<TcpConnection> established = stack.connectAsync(PEER_80).toCompletableFuture();
        ConnectionId id = engine.ids.get(1);
        engine.onSegment = (e, r, s, now) -> {
            e.events.add(new ConnectionEvent.Reset(id, now, true, true));
            e.events.add(new ConnectionEvent.Closed(id, now, CloseReason.REFUSED));
        };
        network.inject(PEER, LOCAL, FakeCodec.datagram(0, Segment.RST | Segment.ACK));
        scheduler.runUntilIdle();

        ExecutionException e = assertThrows(ExecutionException.class, established::get);
        assertInstanceOf(ConnectionRefusedException.class, e.getCause());
    }

    @Test
    void theApplicationsHandshakeDeadlineAbortsTheConnectionAndReportsATimeout() {
        CompletableFuture<TcpConnection> established =
                ((DrivenStack) stack).connectAsync(PEER_80, 0, Duration.ofSeconds(3));

        scheduler.runUntilIdle();

        assertEquals(Duration.ofSeconds(3).toNanos(), scheduler.nanoTime());
        assertEquals(List.of("connect 80 at 0", "abort 1"), engine.log);
        ExecutionException e = assertThrows(ExecutionException.class, established::get);
        assertInstanceOf(ConnectionTimedOutException.class, e.getCause());
    }

    @Test
    void whenReadableCompletesOnceDataArrivesAndReadReturnsIt() throws Exception {
        TcpConnection c = establishedConnection();
        CompletableFuture<Void> readable = c.whenReadable().toCompletableFuture();
        assertFalse(readable.isDone());

        engine.onSegment = (e, r, s, now) -> e.receiveBuffers.put(1, ByteBuffer.wrap(new byte[] {9, 8, 7}));
        network.inject(PEER, LOCAL, FakeCodec.datagram(1, Segment.ACK));
        scheduler.runUntilIdle();

        assertTrue(readable.isDone());
        ByteBuffer into = ByteBuffer.allocate(10);
        assertEquals(3, c.read(into));
        assertArrayEquals(new byte[] {9, 8, 7}, java.util.Arrays.copyOf(into.array(), 3));
        assertFalse(c.whenReadable().toCompletableFuture().isDone(), "all data was read");
    }

    @Test
    void whenReadableCompletesOnThePeersFinEvenWithoutData() {
        TcpConnection c = establishedConnection();
        CompletableFuture<Void> readable = c.whenReadable().toCompletableFuture();
        engine.onSegment = (e, r, s, now) -> e.states.put(1, TcpState.CLOSE_WAIT);
        network.inject(PEER, LOCAL, FakeCodec.datagram(1, Segment.FIN | Segment.ACK));
        scheduler.runUntilIdle();

        assertTrue(readable.isDone());
    }

    @Test
    void whenWritableWaitsForRoomInTheSendBuffer() throws Exception {
        TcpConnection c = establishedConnection();
        engine.writable = 2;
        assertEquals(2, c.write(ByteBuffer.wrap(new byte[5])));
        assertEquals(0, c.write(ByteBuffer.wrap(new byte[5])));
        CompletableFuture<Void> writable = c.whenWritable().toCompletableFuture();
        assertFalse(writable.isDone());

        engine.onSegment = (e, r, s, now) -> e.writable = 100;
        network.inject(PEER, LOCAL, FakeCodec.datagram(1, Segment.ACK));
        scheduler.runUntilIdle();

        assertTrue(writable.isDone());
    }

    @Test
    void aResetByThePeerFailsReadsAndCompletesCloseFutureWithReset() throws Exception {
        TcpConnection c = establishedConnection();
        CompletableFuture<Void> readable = c.whenReadable().toCompletableFuture();
        ConnectionId id = c.id();
        engine.onSegment = (e, r, s, now) -> {
            e.events.add(new ConnectionEvent.Reset(id, now, true, false));
            e.events.add(new ConnectionEvent.Closed(id, now, CloseReason.RESET));
        };
        network.inject(PEER, LOCAL, FakeCodec.datagram(1, Segment.RST));
        scheduler.runUntilIdle();

        assertTrue(readable.isDone());
        assertEquals(CloseReason.RESET, c.closeFuture().toCompletableFuture().get());
        assertThrows(ConnectionResetException.class, () -> c.read(ByteBuffer.allocate(1)));
        assertThrows(ConnectionResetException.class, () -> c.write(ByteBuffer.allocate(1)));
        assertEquals(TcpState.CLOSED, c.state());
        int calls = engine.log.size();
        c.close();
        assertEquals(calls, engine.log.size(), "a closed connection's handle is never used again");
    }

    @Test
    void readReturnsEndOfStreamAfterAGracefulClose() throws Exception {
        TcpConnection c = establishedConnection();
        ConnectionId id = c.id();
        engine.onSegment = (e, r, s, now) -> e.events.add(new ConnectionEvent.Closed(id, now, CloseReason.GRACEFUL));
        network.inject(PEER, LOCAL, FakeCodec.datagram(1, Segment.ACK));
        scheduler.runUntilIdle();

        assertEquals(-1, c.read(ByteBuffer.allocate(1)));
        assertThrows(ConnectionClosedException.class, () -> c.write(ByteBuffer.allocate(1)));
        assertEquals(CloseReason.GRACEFUL, c.closeFuture().toCompletableFuture().get());
    }

    @Test
    void shutdownOutputIsIdempotentAndForbidsFurtherWrites() {
        TcpConnection c = establishedConnection();
        c.shutdownOutput();
        c.shutdownOutput();
        c.outputStream();

        assertEquals(1, engine.log.stream().filter(l -> l.startsWith("shutdownOutput")).count());
        assertThrows(ConnectionClosedException.class, () -> c.write(ByteBuffer.allocate(1)));
    }

    @Test
    void anAcceptorGetsTheChildOnceTheEngineQueuesIt() throws Exception {
        TcpListener listener = stack.listen(80, 4);
        CompletableFuture<TcpConnection> accepted = listener.acceptAsync().toCompletableFuture();
        assertFalse(accepted.isDone());
        assertEquals(List.of("listen 80", "accept 180"), engine.log);

        ConnectionId childId = new ConnectionId(new InetSocketAddress(LOCAL, 80), new InetSocketAddress(PEER, 33333));
        engine.onSegment = (e, r, s, now) -> {
            int child = e.addConnection(childId, TcpState.ESTABLISHED);
            e.acceptQueue.add(child);
            e.events.add(new ConnectionEvent.Connected(childId, now));
        };
        network.inject(PEER, LOCAL, FakeCodec.datagram(1, Segment.ACK));
        scheduler.runUntilIdle();

        assertEquals(childId, accepted.get().id());
    }

    @Test
    void childrenWaitInTheEnginesAcceptQueueUntilAnAcceptorComes() throws Exception {
        TcpListener listener = stack.listen(80, 4);
        ConnectionId childId = new ConnectionId(new InetSocketAddress(LOCAL, 80), new InetSocketAddress(PEER, 33333));
        int child = engine.addConnection(childId, TcpState.ESTABLISHED);
        engine.acceptQueue.add(child);

        CompletableFuture<TcpConnection> accepted = listener.acceptAsync().toCompletableFuture();

        assertSame(childId, accepted.get().id());
    }

    @Test
    void closingTheListenerFailsItsAcceptors() throws Exception {
        TcpListener listener = stack.listen(80, 1);
        CompletableFuture<TcpConnection> accepted = listener.acceptAsync().toCompletableFuture();

        listener.close();

        ExecutionException e = assertThrows(ExecutionException.class, accepted::get);
        assertInstanceOf(ConnectionClosedException.class, e.getCause());
        assertTrue(engine.log.contains("closeListener 180"));
    }

    @Test
    void addressInUseFromTheEngineReachesTheCaller() {
        assertThrows(AddressInUseException.class, () -> stack.listen(1, 1));
        assertThrows(IllegalArgumentException.class, () -> stack.listen(0, 1));
        assertThrows(IllegalArgumentException.class, () -> stack.listen(80, 0));
    }

    @Test
    void blockingCallsOnTheSimulationThreadFailInsteadOfDeadlocking() throws Exception {
        TcpConnection c = establishedConnection();
        TcpListener listener = stack.listen(81, 1);

        assertThrows(IllegalStateException.class, () -> stack.connect(PEER_80));
        assertThrows(IllegalStateException.class, listener::accept);
        assertThrows(IllegalStateException.class, () -> c.inputStream().read());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.outputStream().write(1));
        assertTrue(e.getMessage().contains("asynchronous"), e.getMessage());
    }

    @Test
    void closingTheStackAbortsConnectionsClosesListenersAndReleasesTheTransport() throws Exception {
        TcpConnection c = establishedConnection();
        TcpListener listener = stack.listen(80, 1);
        CompletableFuture<TcpConnection> accepted = listener.acceptAsync().toCompletableFuture();

        stack.close();
        stack.close();

        assertTrue(engine.log.contains("abort 1"));
        assertTrue(engine.log.contains("closeListener 180"));
        assertEquals(CloseReason.STACK_CLOSED, c.closeFuture().toCompletableFuture().get());
        assertTrue(accepted.isCompletedExceptionally());
        assertEquals(1, network.closedEndpoints);
        assertTrue(driver.isClosed());
        assertThrows(ConnectionClosedException.class, () -> stack.listen(82, 1));
        CompletableFuture<TcpConnection> late = stack.connectAsync(PEER_80).toCompletableFuture();
        assertInstanceOf(ConnectionClosedException.class,
                assertThrows(ExecutionException.class, late::get).getCause());
        assertTrue(stack.statistics().segmentsIn() > 0, "the final statistics stay readable");
    }

    @Test
    void eventListenersSeeEveryEventAndAFailingListenerDoesNotBreakTheStack() {
        List<ConnectionEvent> seen = new ArrayList<>();
        stack.addEventListener(e -> {
            throw new IllegalStateException("listener bug, expected by the test");
        });
        stack.addEventListener(seen::add);
        ConnectionId id = new ConnectionId(new InetSocketAddress(LOCAL, 1), PEER_80);
        engine.onSegment = (e, r, s, now) -> e.events.add(new ConnectionEvent.PeerClosed(id, now));
        network.inject(PEER, LOCAL, FakeCodec.datagram(1, Segment.FIN));

        scheduler.runUntilIdle();

        assertEquals(List.of(new ConnectionEvent.PeerClosed(id, 0)), seen);
    }

    @Test
    void recorderSeesBothDirectionsWithTheirFate() {
        stack.connectAsync(PEER_80);
        network.inject(PEER, LOCAL, FakeCodec.datagram(3, Segment.ACK));
        scheduler.runUntilIdle();

        assertEquals(List.of("SENT 10.0.0.1>10.0.0.2 5 at 0", "DELIVERED 10.0.0.2>10.0.0.1 5 at 0"), recorded);
        assertEquals(DatagramFate.SENT.name(), recorded.get(0).split(" ")[0]);
    }

    private TcpConnection establishedConnection() {
        CompletableFuture<TcpConnection> established = stack.connectAsync(PEER_80).toCompletableFuture();
        int h = engine.nextHandle - 1;
        engine.states.put(h, TcpState.ESTABLISHED);
        engine.events.add(new ConnectionEvent.Connected(engine.ids.get(h), scheduler.nanoTime()));
        network.inject(PEER, LOCAL, FakeCodec.datagram(0, Segment.ACK));
        scheduler.runUntilIdle();
        engine.onSegment = (e, r, s, now) -> { };
        engine.log.clear();
        return established.getNow(null);
    }
}
