package io.synack.core.scenario;

import static io.synack.core.scenario.World.CLIENT;
import static io.synack.core.scenario.World.SERVER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.CloseReason;
import io.synack.api.ConnectionClosedException;
import io.synack.api.TcpConnection;
import io.synack.api.TcpState;
import io.synack.core.wire.Segment;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seed, "Why four?": "A FIN only says 'I have nothing more to send'; the other side may keep
 * sending until it, too, sends its FIN." After the client's FIN the server (CLOSE-WAIT) still
 * sends, the client (FIN-WAIT-2) receives it all, then the server closes (RFC 9293 §3.6: "a user
 * who has CLOSEd may continue to RECEIVE until the TCP endpoint is told that the remote side has
 * CLOSED also").
 */
class HalfCloseTest {

    @Test
    void afterTheClientsFinTheServerStillSendsAndTheClientReceivesItAll() throws Exception {
        World w = new World(300);
        Established e = Established.open(w);
        byte[] request = "GET /all-of-it".getBytes();
        byte[] response = new byte[200_000]; // several windows' worth: flow control keeps working half-closed
        new Random(300).nextBytes(response);

        e.client().write(ByteBuffer.wrap(request));
        e.client().shutdownOutput();
        w.sim.runFor(Duration.ofSeconds(1));

        assertEquals(TcpState.FIN_WAIT_2, e.client().state());
        assertEquals(TcpState.CLOSE_WAIT, e.server().state());
        assertArrayEquals(request, readToEnd(w, e.server()), "the server reads the request, then end of stream");
        assertThrowsClosed(e.client());

        // The server, half-closed by its peer, sends a long response.
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteBuffer source = ByteBuffer.wrap(response);
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        while (source.hasRemaining()) {
            e.server().write(source);
            w.sim.runFor(Duration.ofMillis(10));
            drain(e.client(), chunk, received);
        }
        w.sim.runFor(Duration.ofSeconds(1));
        drain(e.client(), chunk, received);
        assertArrayEquals(response, received.toByteArray(), "every byte sent in CLOSE-WAIT arrived in FIN-WAIT-2");
        assertEquals(TcpState.FIN_WAIT_2, e.client().state());
        assertEquals(TcpState.CLOSE_WAIT, e.server().state());
        assertTrue(w.trace.sent(s -> s.from(SERVER) && s.payloadLength() > 0).size() > 1);

        // Now the server closes too: the client reads end of stream and enters TIME-WAIT.
        e.server().close();
        w.sim.runFor(Duration.ofSeconds(1));
        assertEquals(-1, e.client().read(chunk.clear()));
        assertEquals(CloseReason.GRACEFUL, e.server().closeFuture().toCompletableFuture().getNow(null));
        assertTrue(w.transitionsOf(CLIENT).contains("FIN-WAIT-2 => TIME-WAIT"), w.transitionsOf(CLIENT).toString());
        assertEquals(1, w.trace.sent(s -> s.from(SERVER) && s.has(Segment.FIN)).size());
        e.client().close();
        w.sim.runUntilIdle();
        assertEquals(CloseReason.GRACEFUL, e.client().closeFuture().toCompletableFuture().getNow(null));
        assertEquals(0, w.engine(CLIENT).tcbCount() + w.engine(SERVER).tcbCount());
    }

    private static void assertThrowsClosed(TcpConnection halfClosed) {
        try {
            halfClosed.write(ByteBuffer.wrap(new byte[1]));
        } catch (ConnectionClosedException expected) {
            return;
        } catch (Exception other) {
            throw new AssertionError("expected ConnectionClosedException, got " + other, other);
        }
        throw new AssertionError("a write after shutdownOutput must fail");
    }

    private static void drain(TcpConnection c, ByteBuffer chunk, ByteArrayOutputStream into) throws Exception {
        int n;
        while ((n = c.read(chunk.clear())) > 0) {
            into.write(chunk.array(), 0, n);
        }
    }

    private static byte[] readToEnd(World w, TcpConnection c) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        while (true) {
            int n = c.read(chunk.clear());
            if (n < 0) {
                return out.toByteArray();
            }
            if (n == 0) {
                w.sim.await(c.whenReadable(), Duration.ofSeconds(5));
            }
            out.write(chunk.array(), 0, n);
        }
    }
}
