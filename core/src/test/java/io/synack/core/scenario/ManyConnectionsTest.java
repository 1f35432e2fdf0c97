package io.synack.core.scenario;

import static io.synack.core.scenario.World.CLIENT;
import static io.synack.core.scenario.World.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.CloseReason;
import io.synack.api.StackStatistics;
import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import io.synack.core.engine.TcpEngine;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * 10,000 connections opened, used and closed through the driver in simulation leave nothing
 * behind once TIME-WAIT has expired: no TCB, no timer, no backlog slot, no scheduled task — on
 * either stack, and no connection object in the driver.
 */
class ManyConnectionsTest {

    private static final int CONNECTIONS = 10_000;
    private static final int BATCH = 250;

    @Test
    void tenThousandConnectionsOpenedAndClosedLeaveNothingBehind() throws Exception {
        World w = new World(900);
        w.network.recorder(io.synack.spi.DatagramRecorder.NONE); // 10^5 segments: keep only counts
        TcpListener listener = w.server.listen(World.PORT, BATCH);
        List<CompletableFuture<CloseReason>> closes = new ArrayList<>(2 * CONNECTIONS);
        ByteBuffer one = ByteBuffer.allocate(1);

        for (int done = 0; done < CONNECTIONS; done += BATCH) {
            List<CompletableFuture<TcpConnection>> clients = new ArrayList<>(BATCH);
            List<CompletableFuture<TcpConnection>> servers = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                servers.add(listener.acceptAsync().toCompletableFuture());
                clients.add(w.client.connectAsync(World.SERVER_PORT).toCompletableFuture());
            }
            w.sim.runFor(Duration.ofMillis(10));
            for (int i = 0; i < BATCH; i++) {
                TcpConnection c = clients.get(i).getNow(null);
                TcpConnection s = servers.get(i).getNow(null);
                assertTrue(c != null && s != null, "connection " + (done + i) + " did not open");
                c.write(ByteBuffer.wrap(new byte[] {(byte) i}));
                c.close();
                closes.add(c.closeFuture().toCompletableFuture());
                closes.add(s.closeFuture().toCompletableFuture());
            }
            w.sim.runFor(Duration.ofMillis(10));
            for (CompletableFuture<TcpConnection> f : servers) {
                TcpConnection s = f.join();
                assertEquals(1, s.read(one.clear()));
                assertEquals(-1, s.read(one.clear()));
                s.close();
            }
            w.sim.runFor(Duration.ofMillis(10));
        }
        w.sim.runUntilIdle(); // every TIME-WAIT expires

        for (CompletableFuture<CloseReason> close : closes) {
            assertEquals(CloseReason.GRACEFUL, close.getNow(null));
        }
        for (TcpEngine engine : List.of(w.engine(CLIENT), w.engine(SERVER))) {
            assertEquals(0, engine.tcbCount(), "TCBs left on " + engine.localAddress());
            assertEquals(0, engine.timerCount(), "timers left on " + engine.localAddress());
            assertEquals(0, engine.timeWaitCount(), "TIME-WAIT entries left on " + engine.localAddress());
        }
        assertEquals(0, w.engine(SERVER).backlogInUse(0), "backlog slots left on the listener");
        assertEquals(0, w.sim.scheduler().pendingTasks(), "driver timers left in the scheduler");
        for (var stack : List.of(w.client, w.server)) {
            assertEquals(0, stack.driver().trackedConnections(), "connection objects left in the driver");
            assertEquals(0, stack.driver().pendingWaiters(), "waiters left in the driver");
        }
        StackStatistics client = w.client.statistics();
        assertEquals(CONNECTIONS, client.transitions().get("TIME-WAIT => CLOSED"));
        assertTrue(client.connectionsByState().values().stream().allMatch(n -> n == 0), client.toString());
    }
}
