package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.CloseReason;
import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import io.synack.api.TcpStack;
import io.synack.api.TcpState;
import io.synack.core.engine.EngineConfig;
import io.synack.transport.rawsocket.KernelInterop.Received;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Scenario 7 of issue 6: synack talking to synack across the veth pair, one stack in each
 * namespace, over IP protocol 253 (RFC 3692's experimental number: the kernels ignore it) and over
 * {@code tcp} (with the kernel-RST rule in both namespaces, as both run synack), IPv4 and IPv6:
 * handshake with all four options, {@value #BYTES} bytes each way at once compared by SHA-256,
 * and a graceful close in which the client, the active closer, ends in TIME-WAIT.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SynackPairInteropTest extends KernelInteropTestBase {

    static final int BYTES = 2 << 20;
    private static final int SERVER_PORT = 5001;
    private static final int CLIENT_PORT = 40001;

    @ParameterizedTest(name = "protocol {0}, IPv{1}")
    @CsvSource({"253, 4", "253, 6", "6, 4", "6, 6"})
    void twoSynackStacksConnectExchangeAndClose(int protocol, int ipVersion) throws Exception {
        boolean experimental = protocol == RawSocketSettings.IPPROTO_EXPERIMENTAL;
        InetAddress clientAddress = ipVersion == 4 ? net.synack4 : net.synack6;
        InetAddress serverAddress = ipVersion == 4 ? net.kernel4 : net.kernel6;
        net.capture("synack-pair-" + protocol + "-ipv" + ipVersion);
        if (!experimental) {
            KernelInterop.dropKernelResets(net.synackSide, CLIENT_PORT);
            KernelInterop.dropKernelResets(net.kernelSide, SERVER_PORT);
        }
        // Default settings: the engine bounds its MSS by the transport's segment size (MUST-16),
        // so over IPv6 on the veth's 1500-byte MTU it announces 1440, as Linux does.
        EngineConfig engine = EngineConfig.defaults();
        TcpStack clientStack = net.synack(net.synackSide, clientAddress, protocol, engine);
        TcpStack serverStack = net.synack(net.kernelSide, serverAddress, protocol, engine);
        TcpListener listener = serverStack.listen(SERVER_PORT, 8);
        TcpConnection client = clientStack.connect(new InetSocketAddress(serverAddress, SERVER_PORT), CLIENT_PORT,
                KernelInterop.LIMIT);
        TcpConnection server = listener.accept(KernelInterop.LIMIT);
        assertNotNull(server, "the server accepted nothing");

        CompletableFuture<String> clientSent = sendAndShutdown(client, 7);
        CompletableFuture<String> serverSent = sendAndShutdown(server, 8);
        CompletableFuture<Received> clientReceived = KernelInterop.async(() -> KernelInterop.receiveAll(client));
        CompletableFuture<Received> serverReceived = KernelInterop.async(() -> KernelInterop.receiveAll(server));
        assertEquals(new Received(BYTES, KernelInterop.await(clientSent, "client's send")),
                KernelInterop.await(serverReceived, "server's receive"));
        assertEquals(new Received(BYTES, KernelInterop.await(serverSent, "server's send")),
                KernelInterop.await(clientReceived, "client's receive"));
        // Both directions are shut; which FIN went first depends on timing, so the client closes
        // first only in the sense of the API: who ends in TIME-WAIT is whoever sent FIN first.
        client.close();
        server.close();
        assertEquals(CloseReason.GRACEFUL, KernelInterop.await(server.closeFuture().toCompletableFuture(), "server"));
        KernelInterop.await("a TIME-WAIT at an active closer", () -> clientStack.statistics()
                .connectionsIn(TcpState.TIME_WAIT) + serverStack.statistics().connectionsIn(TcpState.TIME_WAIT) >= 1);

        List<WireSegment> wire = WireSegment.read(net.checkedCapture(experimental), experimental);
        List<String> handshake = wire.subList(0, 3).stream()
                .map(w -> w.sourcePort() + (w.has(WireSegment.SYN) ? " S" : "") + (w.has(WireSegment.ACK) ? " ." : ""))
                .toList();
        assertEquals(List.of(CLIENT_PORT + " S", SERVER_PORT + " S .", CLIENT_PORT + " ."), handshake);
        for (WireSegment syn : wire.subList(0, 2)) {
            assertTrue(syn.optionKinds().containsAll(List.of(2, 3, 4, 8)), "SYN without all four options: " + syn);
            assertEquals(ipVersion == 4 ? 1460 : 1440, syn.mss(), "MTU 1500 less the IP and TCP headers: " + syn);
        }
        long sent = wire.stream().filter(w -> w.from(CLIENT_PORT)).mapToLong(WireSegment::length).sum();
        long received = wire.stream().filter(w -> w.from(SERVER_PORT)).mapToLong(WireSegment::length).sum();
        assertTrue(sent >= BYTES && received >= BYTES, "on the wire: " + sent + " and " + received);
        // Every datagram carried the configured protocol number.
        String field = ipVersion == 4 ? "ip.proto" : "ipv6.nxt";
        List<String> protocols = Capture.fields(net.pcap(), experimental, "", field).stream().distinct().toList();
        assertEquals(List.of(Integer.toString(protocol)), protocols);
    }

    private static CompletableFuture<String> sendAndShutdown(TcpConnection connection, long seed) {
        return KernelInterop.async(() -> {
            String sha = KernelInterop.send(connection, BYTES, seed);
            connection.shutdownOutput();
            return sha;
        });
    }
}
