package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import io.synack.api.TcpStack;
import io.synack.core.engine.EngineConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The "Done when" numbers: handshake latency and bulk throughput of synack against the
 * Linux kernel's TCP, measured in one run beside the kernel talking to itself, and printed as
 * ratios to that baseline (never asserted: a benchmark reports, DESIGN.md §8). Opt-in:
 * {@code ./mvnw -o -B test -pl transport-rawsocket -am -Dtest=KernelInteropBenchmarkTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dsynack.bench=true} as root.
 *
 * <p>Every pair runs over the same path: two fresh namespaces joined by a veth pair (transmit
 * checksum offload off), the client in the first, the server in the second; synack speaks
 * {@code tcp} with the kernel and protocol 253 with itself. An extra row measures the kernel over
 * {@code lo} inside one namespace, the loopback TCP of the issue. The kernel's side is Python's
 * socket module, so its numbers include Python's per-call overhead (a few microseconds per
 * connect; nothing per byte that matters, as its bulk loops reuse one buffer).
 *
 * <ul>
 * <li>Handshake latency: {@value #CONNECTIONS} connections one after the other, each timed by the
 * client from {@code connect} to ESTABLISHED; median and 99th percentile. Each is then ended with
 * a RST so that no TIME-WAIT piles up.
 * <li>Bulk throughput: {@value #BULK_MIB} MiB one way, timed from the sender's first write to the
 * receiver's end of stream; the best of {@value #ROUNDS} rounds.
 * </ul>
 */
@EnabledIfSystemProperty(named = "synack.bench", matches = "true")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class KernelInteropBenchmarkTest {

    static final int CONNECTIONS = 300;
    static final int BULK_MIB = 64;
    static final int ROUNDS = 3;
    private static final int PORT = 5001;
    private static final long BULK = (long) BULK_MIB << 20;

    private record Latency(double medianMicros, double p99Micros) {}

    @Test
    void handshakeLatencyAndBulkThroughputAgainstTheKernelsOwnTcp() throws Exception {
        Map<String, Latency> latency = new LinkedHashMap<>();
        Map<String, Double> throughput = new LinkedHashMap<>();
        try (KernelInterop net = KernelInterop.create()) {
            String server = net.kernel4.getHostAddress();

            // kernel <-> kernel over the veth: the baseline.
            KernelPeer kernelServer = KernelPeer.start(net.kernelSide);
            KernelPeer kernelClient = KernelPeer.start(net.synackSide);
            kernelServer.call("listen", server, Integer.toString(PORT));
            latency.put("kernel -> kernel", kernelLatency(kernelClient, kernelServer, server, PORT));
            throughput.put("kernel -> kernel", best(() -> kernelBulk(kernelClient, kernelServer, server, PORT)));
            kernelServer.close();
            kernelClient.close();

            // kernel <-> kernel over lo, one namespace: the loopback TCP of the issue.
            KernelPeer loServer = KernelPeer.start(net.kernelSide);
            KernelPeer loClient = KernelPeer.start(net.kernelSide);
            loServer.call("listen", "127.0.0.1", Integer.toString(PORT + 1));
            latency.put("kernel -> kernel (lo)", kernelLatency(loClient, loServer, "127.0.0.1", PORT + 1));
            throughput.put("kernel -> kernel (lo)", best(() -> kernelBulk(loClient, loServer, "127.0.0.1", PORT + 1)));
            loServer.close();
            loClient.close();

            // synack (tcp) <-> kernel. From now on every RST of synack's namespace kernel is dropped
            // there (it owns no TCP socket any more; synack's own RSTs carry the mark).
            net.synackSide.execWithInput("table inet synack {\n\tchain out {\n\t\ttype filter hook output priority "
                    + "filter; policy accept;\n\t\ttcp flags & rst == rst meta mark != "
                    + RawSocketSettings.formatMark(RawSocketSettings.DEFAULT_MARK) + " drop\n\t}\n}\n", "nft", "-f", "-");
            TcpStack synackTcp = net.synack(net.synackSide, net.synack4, RawSocketSettings.IPPROTO_TCP,
                    EngineConfig.defaults());
            KernelPeer kernel = KernelPeer.start(net.kernelSide);
            kernel.call("listen", server, Integer.toString(PORT + 2));
            latency.put("synack -> kernel", synackLatency(synackTcp, net.kernel4, PORT + 2, kernel));
            throughput.put("synack -> kernel", best(() -> synackToKernelBulk(synackTcp, net.kernel4, PORT + 2, kernel)));
            kernel.close();

            TcpListener listener = synackTcp.listen(PORT + 3, 64);
            KernelPeer kernelToSynack = KernelPeer.start(net.kernelSide);
            String synackAddress = net.synack4.getHostAddress();
            latency.put("kernel -> synack", kernelToSynackLatency(kernelToSynack, listener, synackAddress, PORT + 3));
            throughput.put("kernel -> synack",
                    best(() -> kernelToSynackBulk(kernelToSynack, listener, synackAddress, PORT + 3)));
            kernelToSynack.close();

            // synack <-> synack over protocol 253.
            TcpStack a = net.synack(net.synackSide, net.synack4, RawSocketSettings.IPPROTO_EXPERIMENTAL,
                    EngineConfig.defaults());
            TcpStack b = net.synack(net.kernelSide, net.kernel4, RawSocketSettings.IPPROTO_EXPERIMENTAL,
                    EngineConfig.defaults());
            TcpListener pairListener = b.listen(PORT + 4, 64);
            latency.put("synack -> synack (253)", synackPairLatency(a, pairListener, net.kernel4, PORT + 4));
            throughput.put("synack -> synack (253)", best(() -> synackPairBulk(a, pairListener, net.kernel4, PORT + 4)));
        }
        print(latency, throughput);
    }

    // ---- handshake latency ----

    private static Latency kernelLatency(KernelPeer client, KernelPeer server, String host, int port) throws Exception {
        CompletableFuture<List<String>> accepting = KernelInterop.async(
                () -> server.call("acceptloop", Integer.toString(CONNECTIONS)));
        List<String> nanos = client.call("connectloop", host, Integer.toString(port), Integer.toString(CONNECTIONS));
        KernelInterop.await(accepting, "the kernel's accept loop");
        return latency(nanos.stream().mapToLong(Long::parseLong).toArray());
    }

    private static Latency synackLatency(TcpStack stack, InetAddress server, int port, KernelPeer kernel)
            throws Exception {
        CompletableFuture<List<String>> accepting = KernelInterop.async(
                () -> kernel.call("acceptloop", Integer.toString(CONNECTIONS)));
        long[] nanos = new long[CONNECTIONS];
        for (int i = 0; i < CONNECTIONS; i++) {
            long start = System.nanoTime();
            TcpConnection c = stack.connect(new InetSocketAddress(server, port));
            nanos[i] = System.nanoTime() - start;
            c.abort();
        }
        KernelInterop.await(accepting, "the kernel's accept loop");
        return latency(nanos);
    }

    private static Latency kernelToSynackLatency(KernelPeer kernel, TcpListener listener, String host, int port)
            throws Exception {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        CompletableFuture<Void> accepting = acceptAndClose(listener, connected);
        List<String> nanos = kernel.call("connectloop", host, Integer.toString(port), Integer.toString(CONNECTIONS));
        connected.complete(null);
        KernelInterop.await(accepting, "synack's accept loop");
        return latency(nanos.stream().mapToLong(Long::parseLong).toArray());
    }

    private static Latency synackPairLatency(TcpStack client, TcpListener listener, InetAddress server, int port)
            throws Exception {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        CompletableFuture<Void> accepting = acceptAndClose(listener, connected);
        long[] nanos = new long[CONNECTIONS];
        for (int i = 0; i < CONNECTIONS; i++) {
            long start = System.nanoTime();
            TcpConnection c = client.connect(new InetSocketAddress(server, port));
            nanos[i] = System.nanoTime() - start;
            c.abort();
        }
        connected.complete(null);
        KernelInterop.await(accepting, "synack's accept loop");
        return latency(nanos);
    }

    /**
     * Accepts and closes connections until {@code done} completes and no more arrive. (The count
     * is not fixed: a connection the client resets while it still waits in synack's accept queue
     * is dropped from it, where Linux would still hand it to accept().)
     */
    private static CompletableFuture<Void> acceptAndClose(TcpListener listener, CompletableFuture<?> done) {
        return KernelInterop.async(() -> {
            while (true) {
                TcpConnection c = listener.accept(java.time.Duration.ofMillis(200));
                if (c != null) {
                    c.close();
                } else if (done.isDone()) {
                    return null;
                }
            }
        });
    }

    // ---- bulk throughput (bytes per second) ----

    private static double kernelBulk(KernelPeer client, KernelPeer server, String host, int port) throws Exception {
        CompletableFuture<List<String>> accepted = KernelInterop.async(() -> server.call("accept"));
        client.call("connect", host, Integer.toString(port));
        KernelInterop.await(accepted, "accept");
        CompletableFuture<List<String>> drained = KernelInterop.async(() -> server.call("drain"));
        long start = System.nanoTime();
        client.call("blast", Long.toString(BULK));
        List<String> received = KernelInterop.await(drained, "drain");
        long elapsed = System.nanoTime() - start;
        assertEquals(List.of(Long.toString(BULK)), received);
        server.call("close");
        return BULK * 1e9 / elapsed;
    }

    private static double synackToKernelBulk(TcpStack stack, InetAddress server, int port, KernelPeer kernel)
            throws Exception {
        CompletableFuture<List<String>> accepted = KernelInterop.async(() -> kernel.call("accept"));
        TcpConnection c = stack.connect(new InetSocketAddress(server, port));
        KernelInterop.await(accepted, "accept");
        CompletableFuture<List<String>> drained = KernelInterop.async(() -> kernel.call("drain"));
        long start = System.nanoTime();
        blast(c);
        List<String> received = KernelInterop.await(drained, "drain");
        long elapsed = System.nanoTime() - start;
        assertEquals(List.of(Long.toString(BULK)), received);
        kernel.call("close");
        c.close();
        return BULK * 1e9 / elapsed;
    }

    private static double kernelToSynackBulk(KernelPeer kernel, TcpListener listener, String host, int port)
            throws Exception {
        kernel.call("connect", host, Integer.toString(port));
        TcpConnection c = listener.accept(KernelInterop.LIMIT);
        assertNotNull(c);
        CompletableFuture<Long> drained = KernelInterop.async(() -> drain(c));
        long start = System.nanoTime();
        kernel.call("blast", Long.toString(BULK));
        long received = KernelInterop.await(drained, "drain");
        long elapsed = System.nanoTime() - start;
        assertEquals(BULK, received);
        c.close();
        return BULK * 1e9 / elapsed;
    }

    private static double synackPairBulk(TcpStack client, TcpListener listener, InetAddress server, int port)
            throws Exception {
        TcpConnection c = client.connect(new InetSocketAddress(server, port));
        TcpConnection s = listener.accept(KernelInterop.LIMIT);
        assertNotNull(s);
        CompletableFuture<Long> drained = KernelInterop.async(() -> drain(s));
        long start = System.nanoTime();
        blast(c);
        long received = KernelInterop.await(drained, "drain");
        long elapsed = System.nanoTime() - start;
        assertEquals(BULK, received);
        s.close();
        c.close();
        return BULK * 1e9 / elapsed;
    }

    /** Writes {@link #BULK} bytes from one reused random buffer, then shuts down output. */
    private static void blast(TcpConnection c) throws Exception {
        byte[] chunk = new byte[1 << 20];
        ThreadLocalRandom.current().nextBytes(chunk);
        OutputStream out = c.outputStream();
        for (long left = BULK; left > 0; left -= chunk.length) {
            out.write(chunk, 0, (int) Math.min(chunk.length, left));
        }
        c.shutdownOutput();
    }

    private static long drain(TcpConnection c) throws Exception {
        byte[] buffer = new byte[1 << 20];
        InputStream in = c.inputStream();
        long total = 0;
        for (int r = in.read(buffer); r >= 0; r = in.read(buffer)) {
            total += r;
        }
        return total;
    }

    // ---- statistics and output ----

    private interface Measurement {
        double run() throws Exception;
    }

    private static double best(Measurement m) throws Exception {
        double best = 0;
        for (int i = 0; i < ROUNDS; i++) {
            best = Math.max(best, m.run());
        }
        return best;
    }

    private static Latency latency(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2] / 1e3;
        double p99 = sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e3;
        return new Latency(median, p99);
    }

    private static void print(Map<String, Latency> latency, Map<String, Double> throughput) {
        Latency base = latency.get("kernel -> kernel");
        double baseRate = throughput.get("kernel -> kernel");
        List<String> lines = new ArrayList<>();
        lines.add("synack vs the Linux kernel's TCP (veth between two namespaces; " + CONNECTIONS + " handshakes, "
                + BULK_MIB + " MiB best of " + ROUNDS + ")");
        lines.add(String.format(Locale.ROOT, "%-24s %12s %8s %12s %8s %12s %8s", "pair (client -> server)",
                "median us", "ratio", "p99 us", "ratio", "MiB/s", "ratio"));
        for (String pair : latency.keySet()) {
            Latency l = latency.get(pair);
            double rate = throughput.get(pair);
            lines.add(String.format(Locale.ROOT, "%-24s %12.1f %8.2f %12.1f %8.2f %12.1f %8.3f", pair, l.medianMicros(),
                    l.medianMicros() / base.medianMicros(), l.p99Micros(), l.p99Micros() / base.p99Micros(),
                    rate / (1 << 20), rate / baseRate));
        }
        lines.add("ratios against kernel -> kernel over the same veth, measured in this run");
        System.out.println(String.join("\n", lines));
    }
}
