package io.synack.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import io.synack.api.TcpStack;
import io.synack.api.TcpState;
import io.synack.core.driver.Simulation;
import io.synack.transport.loopback.LoopbackNetwork;
import io.synack.transport.loopback.LoopbackTransportFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * The engine under the simulation driver, over the loopback transport and the real wire codec:
 * the user API opens, transfers, closes, and after 2×MSL nothing is left.
 */
class TcpEngineWithDriversTest {

    @Test
    void openTransferCloseThroughTheUserApi() throws Exception {
        EngineConfig config = EngineConfig.defaults();
        try (Simulation sim = Simulation.create(11, new LoopbackTransportFactory(new LoopbackNetwork()),
                (address, seed) -> TcpEngine.create(address, config, seed))) {
            TcpStack a = sim.addStack("10.0.0.1");
            TcpStack b = sim.addStack("10.0.0.2");
            TcpListener listener = b.listen(80, 8);
            CompletionStage<TcpConnection> accepted = listener.acceptAsync();
            TcpConnection client = sim.await(a.connectAsync(new InetSocketAddress(b.localAddress(), 80)),
                    Duration.ofSeconds(5));
            TcpConnection server = sim.await(accepted, Duration.ofSeconds(5));
            assertEquals(TcpState.ESTABLISHED, client.state());

            byte[] data = new byte[200_000];
            new Random(3).nextBytes(data);
            ByteBuffer src = ByteBuffer.wrap(data);
            ByteBuffer dst = ByteBuffer.allocate(data.length);
            for (int i = 0; i < 10_000 && dst.hasRemaining(); i++) {
                client.write(src);
                sim.runFor(Duration.ofMillis(5));
                server.read(dst);
            }
            assertArrayEquals(data, dst.array());

            client.close();
            sim.runFor(Duration.ofMillis(100));
            assertEquals(-1, server.read(ByteBuffer.allocate(1)));
            server.close();
            sim.runFor(Duration.ofSeconds(1));
            assertEquals(1, a.statistics().connectionsIn(TcpState.TIME_WAIT));
            sim.runFor(Duration.ofSeconds(61));
            assertEquals(0, a.statistics().connectionsIn(TcpState.TIME_WAIT));
            assertEquals(java.util.Map.of(TcpState.LISTEN, 1), b.statistics().connectionsByState());
        }
    }
}
