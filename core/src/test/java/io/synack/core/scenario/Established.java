package io.synack.core.scenario;

import io.synack.api.TcpConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A connection established between the {@link World}'s client and server, with the trace cleared
 * so that a scenario asserts only on what follows the handshake.
 *
 * @param client the client's end
 * @param server the server's end
 */
record Established(TcpConnection client, TcpConnection server) {

    static Established open(World w) throws Exception {
        return open(w, 0);
    }

    static Established open(World w, int clientPort) throws Exception {
        CompletableFuture<TcpConnection> accepted = w.server.listen(World.PORT, 8).acceptAsync().toCompletableFuture();
        TcpConnection client = w.sim.await(w.client.connectAsync(World.SERVER_PORT, clientPort, null),
                Duration.ofSeconds(5));
        TcpConnection server = w.sim.await(accepted, Duration.ofSeconds(5));
        w.sim.runFor(Duration.ofSeconds(1)); // let the handshake's stragglers (delayed ACKs) settle
        w.trace.clear();
        w.transitions.clear();
        return new Established(client, server);
    }
}
