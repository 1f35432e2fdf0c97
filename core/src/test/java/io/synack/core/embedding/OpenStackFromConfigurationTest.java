package io.synack.core.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.synack.api.AddressInUseException;
import io.synack.api.CloseReason;
import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import io.synack.api.TcpStack;
import io.synack.core.Synack;
import io.synack.core.SynackRuntime;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The library user's entry point: a stack from configuration alone, on the configured transport
 * (loopback, whose network is one per runtime), exchanging data with the blocking API.
 */
@Timeout(60)
class OpenStackFromConfigurationTest {

    @Test
    void twoStacksOfOneRuntimeTalkOverItsLoopbackNetwork() throws Exception {
        SynackRuntime runtime = Synack.builder().environment(Map.of()).systemProperties(Map.of())
                .set("synack.address", "127.0.0.21").set("synack.tcp.msl", "100ms").build();
        try (TcpStack server = runtime.openStack();
                TcpStack client = runtime.openStack(InetAddress.getByName("127.0.0.22"))) {
            assertEquals("loopback", server.transportName());
            assertEquals(InetAddress.getByName("127.0.0.21"), server.localAddress());
            TcpListener listener = server.listen(4000, 4);
            CompletableFuture<TcpConnection> accepted = listener.acceptAsync().toCompletableFuture();

            TcpConnection c = client.connect(new InetSocketAddress(server.localAddress(), 4000));
            TcpConnection s = accepted.get(30, TimeUnit.SECONDS);

            byte[] request = "request".getBytes(StandardCharsets.US_ASCII);
            try (OutputStream out = c.outputStream()) {
                out.write(request); // closing the stream is shutdownOutput: FIN after the data
            }
            InputStream in = s.inputStream();
            assertArrayEquals(request, in.readAllBytes(), "all data, then end of stream at the FIN");
            s.outputStream().write("response".getBytes(StandardCharsets.US_ASCII));
            s.close();
            assertArrayEquals("response".getBytes(StandardCharsets.US_ASCII), c.inputStream().readAllBytes());
            c.close();

            assertEquals(CloseReason.GRACEFUL, c.closeFuture().toCompletableFuture().get(30, TimeUnit.SECONDS));
            assertEquals(CloseReason.GRACEFUL, s.closeFuture().toCompletableFuture().get(30, TimeUnit.SECONDS));
            assertThrows(AddressInUseException.class, () -> runtime.openStack(InetAddress.getByName("127.0.0.21")),
                    "the runtime's one loopback network already has a stack at that address");
            listener.close();
            assertEquals(Duration.ofMillis(100), runtime.settings().get(io.synack.core.engine.EngineSettings.MSL));
        }
    }
}
