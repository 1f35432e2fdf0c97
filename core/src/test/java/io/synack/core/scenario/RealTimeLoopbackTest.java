package io.synack.core.scenario;

import static io.synack.core.scenario.World.CLIENT;
import static io.synack.core.scenario.World.SERVER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.CloseReason;
import io.synack.api.ConnectionRefusedException;
import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import io.synack.api.TcpStack;
import io.synack.api.TcpState;
import io.synack.core.driver.DriverOptions;
import io.synack.core.driver.StackDriver;
import io.synack.core.engine.EngineConfig;
import io.synack.core.engine.TcpEngine;
import io.synack.core.wire.Segment;
import io.synack.spi.DatagramFate;
import io.synack.transport.loopback.LoopbackNetwork;
import io.synack.transport.loopback.LoopbackTransportFactory;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The same user API over the real-time driver: two stacks, each on its own event-loop thread and
 * the wall clock, on one loopback network; the applications use the blocking API from their own
 * threads. Every wait is bounded, none asserts on speed.
 */
class RealTimeLoopbackTest {

    private static final long WAIT_SECONDS = 20;

    private final LoopbackNetwork network = new LoopbackNetwork();
    private final SegmentTrace trace = new SegmentTrace();
    private final TcpStack client;
    private final TcpStack server;

    RealTimeLoopbackTest() throws Exception {
        network.recorder(trace);
        LoopbackTransportFactory factory = new LoopbackTransportFactory(network);
        EngineConfig config = EngineConfig.defaults();
        client = StackDriver.openRealTime(CLIENT, factory, "loopback",
                (address, seed) -> TcpEngine.create(address, config, new SplittableRandom(seed)), DriverOptions.DEFAULT)
                .stack();
        server = StackDriver.openRealTime(SERVER, factory, "loopback",
                (address, seed) -> TcpEngine.create(address, config, new SplittableRandom(seed)), DriverOptions.DEFAULT)
                .stack();
    }

    @AfterEach
    void closeStacks() {
        client.close();
        server.close();
    }

    @Test
    void handshakeDataBothWaysAndFourWayCloseWithBlockingCalls() throws Exception {
        byte[] request = new byte[100_000];
        new Random(1).nextBytes(request);
        TcpListener listener = server.listen(World.PORT, 4);

        // The server application: accept, read the whole request, echo it back reversed, close.
        CompletableFuture<CloseReason> serverSide = CompletableFuture.supplyAsync(() -> {
            try {
                TcpConnection c = listener.accept(Duration.ofSeconds(WAIT_SECONDS));
                byte[] got = c.inputStream().readAllBytes(); // returns at the client's FIN
                byte[] reversed = new byte[got.length];
                for (int i = 0; i < got.length; i++) {
                    reversed[i] = got[got.length - 1 - i];
                }
                OutputStream out = c.outputStream();
                out.write(reversed, 0, 1);
                out.write(reversed, 1, reversed.length - 1);
                out.close(); // shutdownOutput: FIN after the data (half-close, the server is in CLOSE-WAIT)
                c.close();
                return c.closeFuture().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        TcpConnection c = client.connect(World.SERVER_PORT, 0, Duration.ofSeconds(WAIT_SECONDS));
        assertEquals(TcpState.ESTABLISHED, c.state());
        c.outputStream().write(request);
        c.shutdownOutput();
        InputStream in = c.inputStream();
        ByteArrayOutputStream echoed = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) != -1) {
            echoed.write(buffer, 0, n);
        }
        c.close();

        byte[] reversed = new byte[request.length];
        for (int i = 0; i < request.length; i++) {
            reversed[i] = request[request.length - 1 - i];
        }
        assertArrayEquals(reversed, echoed.toByteArray());
        assertEquals(CloseReason.GRACEFUL, serverSide.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(CloseReason.GRACEFUL, c.closeFuture().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS));

        // The wire saw a real three-way handshake and a FIN from each side.
        SegmentTrace.Seen syn = trace.sent().get(0);
        SegmentTrace.Seen synAck = trace.sent().get(1);
        assertTrue(syn.from(CLIENT) && syn.is(Segment.SYN));
        assertTrue(synAck.from(SERVER) && synAck.is(Segment.SYN | Segment.ACK));
        assertEquals(syn.seq() + 1, synAck.ack());
        assertEquals(1, trace.sent(s -> s.from(CLIENT) && s.has(Segment.FIN)).size());
        assertEquals(1, trace.sent(s -> s.from(SERVER) && s.has(Segment.FIN)).size());
        assertEquals(0, trace.withFate(DatagramFate.DROPPED).size());
    }

    @Test
    void asyncConnectIsRefusedWhenNobodyListens() {
        CompletableFuture<TcpConnection> connect = client.connectAsync(new InetSocketAddress(SERVER, 9)).toCompletableFuture();

        ExecutionException e = assertThrows(ExecutionException.class, () -> connect.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertInstanceOf(ConnectionRefusedException.class, e.getCause());
    }

    @Test
    void closingAStackAbortsItsConnectionsAndTheOtherSideSeesTheReset() throws Exception {
        TcpListener listener = server.listen(World.PORT, 1);
        CompletableFuture<TcpConnection> accepted = listener.acceptAsync().toCompletableFuture();
        TcpConnection c = client.connect(World.SERVER_PORT);
        TcpConnection s = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);

        client.close();

        assertEquals(CloseReason.STACK_CLOSED, c.closeFuture().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(CloseReason.RESET, s.closeFuture().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertFalse(network.isAttached(CLIENT), "the stack released its transport");
        assertEquals(1, trace.sent(seen -> seen.from(CLIENT) && seen.has(Segment.RST)).size());
    }
}
