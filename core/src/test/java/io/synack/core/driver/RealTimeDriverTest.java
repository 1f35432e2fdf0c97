package io.synack.core.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.CloseReason;
import io.synack.api.ConnectionEvent;
import io.synack.api.ConnectionResetException;
import io.synack.api.SynackException;
import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import io.synack.api.TcpStack;
import io.synack.core.wire.Segment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The driver on its real-time event loop, with application threads blocking on it. */
class RealTimeDriverTest {

    private static final InetAddress LOCAL = StackDriverTest.address("10.0.0.1");
    private static final InetAddress PEER = StackDriverTest.address("10.0.0.2");
    private static final InetSocketAddress PEER_80 = new InetSocketAddress(PEER, 80);
    private static final long WAIT_SECONDS = 10;

    private final PipeNetwork network = new PipeNetwork();
    private final ScriptedEngine engine = new ScriptedEngine(LOCAL);
    private final StackDriver driver;
    private final TcpStack stack;

    RealTimeDriverTest() throws SynackException {
        engine.instantHandshake = true;
        driver = StackDriver.openRealTime(LOCAL, network, "pipe", (address, seed) -> engine, new FakeCodec(),
                DriverOptions.DEFAULT);
        stack = driver.stack();
    }

    @AfterEach
    void close() {
        stack.close();
    }

    @Test
    void everyEngineCallHappensOnTheStacksEventLoopThread() throws Exception {
        TcpConnection c = CompletableFuture.supplyAsync(this::connect).get(WAIT_SECONDS, TimeUnit.SECONDS);
        c.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
        c.statistics();
        c.close();
        stack.close();

        Set<String> threads = new java.util.HashSet<>();
        engine.callThreads.forEach(t -> threads.add(t.getName()));
        assertEquals(Set.of("synack-10.0.0.1"), threads);
        Thread loopThread = engine.callThreads.get(0);
        assertTrue(loopThread.isDaemon());
        loopThread.join(WAIT_SECONDS * 1000);
        assertFalse(loopThread.isAlive(), "closing the stack ends its event loop thread");
    }

    @Test
    void aBlockedReadWakesUpWhenDataArrivesAndSeesEndOfStreamAfterTheFin() throws Exception {
        TcpConnection c = connect();
        CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
            try {
                byte[] buffer = new byte[8];
                int n = c.inputStream().read(buffer);
                int end = c.inputStream().read(buffer, n, 8 - n);
                return java.util.Arrays.copyOf(buffer, end == -1 ? n : -1);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(engine.receiveFoundNothing.await(WAIT_SECONDS, TimeUnit.SECONDS));
        assertFalse(reader.isDone());

        script((e, r, s, now) -> {
            if (s.seq == 1) {
                e.receiveBuffers.put(1, java.nio.ByteBuffer.wrap(new byte[] {4, 5, 6}));
            } else {
                e.states.put(1, io.synack.api.TcpState.CLOSE_WAIT);
            }
        });
        network.inject(PEER, LOCAL, FakeCodec.datagram(1, Segment.ACK | Segment.PSH));
        network.inject(PEER, LOCAL, FakeCodec.datagram(2, Segment.ACK | Segment.FIN));

        assertArrayEquals(new byte[] {4, 5, 6}, reader.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void aBlockedWriteWaitsForRoomInTheSendBuffer() throws Exception {
        TcpConnection c = connect();
        driver.call((e, now) -> engine.writable = 0);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                c.outputStream().write(new byte[] {1, 2, 3});
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(engine.sendFoundNoRoom.await(WAIT_SECONDS, TimeUnit.SECONDS));
        assertFalse(writer.isDone(), "the writer waits while the send buffer is full");
        driver.call((e, now) -> {
            engine.onSegment = (en, r, s, t) -> en.writable = 100;
            return null;
        });
        network.inject(PEER, LOCAL, FakeCodec.datagram(1, Segment.ACK));

        writer.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(Integer.valueOf(97), driver.<Integer>call((e, now) -> engine.writable), "all three bytes were taken once room appeared");
    }

    @Test
    void aResetWakesABlockedReaderWithConnectionResetException() throws Exception {
        TcpConnection c = connect();
        CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return c.inputStream().read();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        script((e, r, s, now) -> {
            e.events.add(new ConnectionEvent.Reset(c.id(), now, true, false));
            e.events.add(new ConnectionEvent.Closed(c.id(), now, CloseReason.RESET));
        });
        network.inject(PEER, LOCAL, FakeCodec.datagram(1, Segment.RST));

        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> reader.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertTrue(e.getCause().getCause() instanceof ConnectionResetException, String.valueOf(e.getCause()));
        assertEquals(CloseReason.RESET, c.closeFuture().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void acceptWithATimeoutReturnsNullAndLeavesNoAcceptorBehind() throws Exception {
        TcpListener listener = stack.listen(80, 2);

        assertNull(listener.accept(Duration.ofMillis(20)));

        io.synack.api.ConnectionId childId = new io.synack.api.ConnectionId(new InetSocketAddress(LOCAL, 80),
                new InetSocketAddress(PEER, 5555));
        script((e, r, s, now) -> {
            int child = e.addConnection(childId, io.synack.api.TcpState.ESTABLISHED);
            e.acceptQueue.add(child);
            e.events.add(new ConnectionEvent.Connected(childId, now));
        });
        network.inject(PEER, LOCAL, FakeCodec.datagram(1, Segment.ACK));
        TcpConnection accepted = listener.accept(Duration.ofSeconds(WAIT_SECONDS));
        assertEquals(childId, accepted.id(), "the child was still in the accept queue for this acceptor");
    }

    @Test
    void callsOnAClosedStackFailWithATypedError() throws Exception {
        stack.close();

        assertThrows(io.synack.api.ConnectionClosedException.class, () -> stack.connect(PEER_80));
        assertThrows(io.synack.api.ConnectionClosedException.class, () -> stack.listen(80, 1));
    }

    /** Sets the engine's reaction on the loop thread, where the engine lives. */
    private void script(ScriptedEngine.OnSegment reaction) throws SynackException {
        driver.call((e, now) -> {
            engine.onSegment = reaction;
            return null;
        });
    }

    private TcpConnection connect() {
        try {
            return stack.connect(PEER_80, 0, Duration.ofSeconds(WAIT_SECONDS));
        } catch (SynackException e) {
            throw new AssertionError(e);
        }
    }
}
