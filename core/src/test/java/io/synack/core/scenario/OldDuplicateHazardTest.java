package io.synack.core.scenario;

import static io.synack.core.scenario.World.CLIENT;
import static io.synack.core.scenario.World.SERVER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.AddressInUseException;
import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import io.synack.api.TcpState;
import io.synack.core.engine.EngineConfig;
import io.synack.core.wire.SeqNum;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Seed, "Why wait 2MSL in TIME-WAIT?", reason 2: "So that every duplicate segment of the old
 * connection has vanished from the network before a new connection with the same ports can exist;
 * otherwise late data from the old incarnation could be taken as data of the new one."
 * RFC 9293 §3.4.2 (knowing when to keep quiet) and §3.6.1.
 *
 * <p>Both runs are the same story: a client at port 5000 sends OLD data to the server; the network
 * keeps a late duplicate of each data segment; the connection closes; the client opens a new
 * connection on the same 4-tuple and the late duplicates arrive. RFC 6528 ISNs for one 4-tuple are
 * one keyed hash plus a 4 µs clock, so a new incarnation opened soon after starts its sequence
 * space just after the old one's start — inside the range the old data used. That is exactly the
 * case TIME-WAIT exists for.
 */
class OldDuplicateHazardTest {

    private static final int CLIENT_PORT = 5000;
    private static final byte[] OLD = filled(60_000, (byte) 'O');
    private static final byte[] NEW = filled(3000, (byte) 'N');

    @Test
    void whileTimeWaitHoldsNoNewIncarnationCanExistSoTheLateDuplicateCannotEnterIt() throws Exception {
        World w = new World(700);
        TcpListener listener = sendOldDataAndClose(w);
        assertEquals(1, w.engine(CLIENT).timeWaitCount(), "the client, which closed first, is in TIME-WAIT");

        // The new incarnation cannot be created while TIME-WAIT holds the 4-tuple ...
        CompletableFuture<TcpConnection> reopen =
                w.client.connectAsync(World.SERVER_PORT, CLIENT_PORT, null).toCompletableFuture();
        ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                reopen::get);
        assertInstanceOf(AddressInUseException.class, refused.getCause());

        // ... so the late duplicates, arriving within MSL, find no new connection to corrupt.
        CompletableFuture<TcpConnection> accepted = listener.acceptAsync().toCompletableFuture();
        for (FaultScript.Held late : w.faults.held()) {
            w.faults.release(late);
        }
        w.sim.runFor(Duration.ofSeconds(1));
        assertFalse(accepted.isDone(), "no connection came out of old duplicates");
        assertEquals(0, w.engine(SERVER).tcbCount());

        // After 2MSL the 4-tuple is free, the duplicates are long gone, and the new stream is clean.
        w.sim.runFor(Duration.ofNanos(2 * EngineConfig.defaults().mslNanos()));
        assertEquals(0, w.engine(CLIENT).timeWaitCount());
        byte[] received = openSendAndReceive(w, accepted);
        assertArrayEquals(NEW, received, "the new incarnation received exactly its own data");
    }

    /**
     * Without TIME-WAIT and without timestamps (the RFC 9293 baseline): nothing tells the
     * incarnations apart. With timestamps PAWS does (see the next test).
     */
    @Test
    void withoutTimeWaitMsl0TheLateDuplicateIsTakenAsDataOfTheNewConnection() throws Exception {
        EngineConfig d = EngineConfig.defaults();
        // SACK off too: its tail loss probe would resend the NEW data the test holds back.
        World w = new World(700, d.withMsl(Duration.ZERO).withOptions(d.windowScaling(), false, false));
        TcpListener listener = sendOldDataAndClose(w);
        assertEquals(0, w.engine(CLIENT).timeWaitCount(), "MSL 0: no TIME-WAIT (unsafe, warned at start)");
        assertEquals(0, w.engine(CLIENT).tcbCount() + w.engine(SERVER).tcbCount());

        // The 4-tuple is free at once: a new incarnation opens on the same ports.
        CompletableFuture<TcpConnection> accepted = listener.acceptAsync().toCompletableFuture();
        TcpConnection client = w.sim.await(w.client.connectAsync(World.SERVER_PORT, CLIENT_PORT, null),
                Duration.ofSeconds(5));
        TcpConnection server = w.sim.await(accepted, Duration.ofSeconds(5));
        int newIrs = w.trace.sent(s -> s.from(CLIENT) && s.is(io.synack.core.wire.Segment.SYN)).get(1).seq();
        int rcvNxt = newIrs + 1;

        // The client sends its NEW data; the network is slow with it ...
        w.faults.rule((source, destination, segment) -> source.equals(CLIENT) && segment.payloadLength() > 0
                ? FaultScript.Action.HOLD : FaultScript.Action.PASS);
        int lateCopies = w.faults.held().size();
        client.write(ByteBuffer.wrap(NEW));
        w.sim.runFor(Duration.ofMillis(1));
        java.util.List<FaultScript.Held> newData = w.faults.held().subList(lateCopies, w.faults.held().size());
        // ... and a late duplicate of the old connection arrives first. Its sequence numbers cover
        // RCV.NXT of the new connection, and nothing in the segment tells the server it belongs
        // to another incarnation.
        FaultScript.Held late = w.faults.held().subList(0, lateCopies).stream()
                .filter(h -> SeqNum.lt(h.seq(), rcvNxt) && SeqNum.lt(rcvNxt, h.seq() + h.length()))
                .findFirst().orElse(null);
        assertNotNull(late, "no old segment covers the new RCV.NXT " + Integer.toUnsignedString(rcvNxt) + ": "
                + w.faults.held());
        w.faults.release(late);
        w.sim.runFor(Duration.ofMillis(1));
        w.faults.rule((source, destination, segment) -> FaultScript.Action.PASS);
        for (FaultScript.Held h : newData) {
            w.faults.release(h);
        }
        byte[] received = read(w, server, NEW.length);

        // The server's application reads old bytes where the client sent new ones: the stream is
        // corrupted, and neither side can tell. The client even saw its NEW data acknowledged.
        int oldBytesTaken = late.seq() + late.length() - rcvNxt;
        byte[] latePayload = Arrays.copyOfRange(late.bytes(), late.bytes().length - late.length(), late.bytes().length);
        byte[] expected = new byte[NEW.length];
        System.arraycopy(latePayload, late.length() - oldBytesTaken, expected, 0, oldBytesTaken);
        System.arraycopy(NEW, oldBytesTaken, expected, oldBytesTaken, NEW.length - oldBytesTaken);
        assertTrue(oldBytesTaken > 0 && oldBytesTaken < NEW.length, "old bytes taken: " + oldBytesTaken);
        assertArrayEquals(expected, received, "the first " + oldBytesTaken + " bytes of the new stream are OLD data");
        assertFalse(Arrays.equals(NEW, received), "what the application reads is not what the client sent");
        assertEquals(TcpState.ESTABLISHED, server.state());
        assertEquals(0, client.statistics().retransmissions(), "the client never learns: nothing was retransmitted");
    }

    /** Opens connection 1 from port 5000, sends OLD (keeping a late copy of each data segment), closes. */
    /**
     * RFC 7323 §5 (PAWS) across incarnations: TSvals of one 4-tuple come from one clock (RFC 7323
     * §5.4, §5.8), so the late duplicate carries a TSval older than the new connection's TS.Recent
     * and is dropped (answered by an ACK) even with TIME-WAIT removed; the new stream stays clean.
     */
    @Test
    void withoutTimeWaitButWithTimestampsPawsDropsTheLateDuplicate() throws Exception {
        World w = new World(700, EngineConfig.defaults().withMsl(Duration.ZERO));
        TcpListener listener = sendOldDataAndClose(w);
        CompletableFuture<TcpConnection> accepted = listener.acceptAsync().toCompletableFuture();
        TcpConnection client = w.sim.await(w.client.connectAsync(World.SERVER_PORT, CLIENT_PORT, null),
                Duration.ofSeconds(5));
        TcpConnection server = w.sim.await(accepted, Duration.ofSeconds(5));
        w.sim.runFor(Duration.ofMillis(50)); // the new connection exchanges a segment or two: TS.Recent is new
        long pawsBefore = w.server.statistics().drops().getOrDefault("paws", 0L);
        int lateCopies = w.faults.held().size();
        assertTrue(lateCopies > 0);
        for (FaultScript.Held late : w.faults.held().subList(0, lateCopies)) {
            w.faults.release(late);
        }
        w.sim.runFor(Duration.ofMillis(1));
        client.write(ByteBuffer.wrap(NEW));
        byte[] received = read(w, server, NEW.length);
        assertArrayEquals(NEW, received, "PAWS kept the old bytes out");
        assertTrue(w.server.statistics().drops().getOrDefault("paws", 0L) > pawsBefore, w.server.statistics().drops().toString());
    }

    private static TcpListener sendOldDataAndClose(World w) throws Exception {
        TcpListener listener = w.server.listen(World.PORT, 4);
        CompletableFuture<TcpConnection> accepted = listener.acceptAsync().toCompletableFuture();
        TcpConnection client = w.sim.await(w.client.connectAsync(World.SERVER_PORT, CLIENT_PORT, null),
                Duration.ofSeconds(5));
        TcpConnection server = w.sim.await(accepted, Duration.ofSeconds(5));
        w.faults.rule((source, destination, segment) -> source.equals(CLIENT) && segment.payloadLength() > 0
                ? FaultScript.Action.PASS_AND_HOLD_COPY : FaultScript.Action.PASS);
        client.write(ByteBuffer.wrap(OLD));
        assertArrayEquals(OLD, read(w, server, OLD.length));
        w.faults.rule((source, destination, segment) -> FaultScript.Action.PASS);
        assertTrue(w.faults.held().size() > 1, "OLD took several segments");

        // Closed quickly: virtual time hardly moves, and neither does the ISN clock (4 µs per tick).
        client.close();
        w.sim.runFor(Duration.ofMillis(1));
        server.close();
        w.sim.runFor(Duration.ofMillis(1));
        assertEquals(TcpState.CLOSED, server.state());
        return listener;
    }

    private static byte[] openSendAndReceive(World w, CompletableFuture<TcpConnection> accepted) throws Exception {
        TcpConnection client = w.sim.await(w.client.connectAsync(World.SERVER_PORT, CLIENT_PORT, null),
                Duration.ofSeconds(5));
        TcpConnection server = w.sim.await(accepted, Duration.ofSeconds(5));
        client.write(ByteBuffer.wrap(NEW));
        byte[] received = read(w, server, NEW.length);
        w.sim.runFor(Duration.ofSeconds(1));
        assertEquals(0, server.read(ByteBuffer.allocate(1)), "and nothing more");
        return received;
    }

    /** Reads {@code length} bytes, running virtual time 1 ms at a time (at most 5 s). */
    private static byte[] read(World w, TcpConnection c, int length) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        long end = w.sim.now() + Duration.ofSeconds(5).toNanos();
        while (out.size() < length && w.sim.now() < end) {
            int n = c.read(chunk.clear());
            if (n > 0) {
                out.write(chunk.array(), 0, n);
            } else {
                w.sim.runFor(Duration.ofMillis(1));
            }
        }
        return out.toByteArray();
    }

    private static byte[] filled(int length, byte value) {
        byte[] b = new byte[length];
        Arrays.fill(b, value);
        for (int i = 0; i < length; i += 100) {
            b[i] = (byte) ('0' + (i / 100) % 10); // position marks, so a misplaced byte is visible
        }
        return b;
    }
}
