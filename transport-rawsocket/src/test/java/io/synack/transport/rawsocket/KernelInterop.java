package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.synack.api.TcpConnection;
import io.synack.api.TcpStack;
import io.synack.core.driver.DriverOptions;
import io.synack.core.driver.StackDriver;
import io.synack.core.engine.EngineConfig;
import io.synack.core.engine.TcpEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The network of one kernel-interop test: two fresh namespaces joined by a veth pair with
 * transmit checksum offload off (every frame on the wire carries its final checksums), synack in
 * the first ({@code 198.18.0.1}, {@code fd00:5959::1}), the kernel's TCP in the second
 * ({@code .2}, {@code ::2}), a {@code tshark} capture on the veth, and everything the test opened
 * — synack stacks, kernel peers, the capture, the namespaces — removed by {@link #close()}, also
 * when the test failed.
 *
 * <p>With {@code synack.rawsocket.protocol=tcp} the kernel of synack's own namespace sees
 * synack's segments too and answers them with RSTs; {@link #dropKernelResets} adds the rule of
 * {@link NftRules} for synack's ports, inside synack's namespace only (never on the host).
 */
final class KernelInterop implements AutoCloseable {

    /** Capture filter: real TCP and synack's experimental protocol, IPv4 and IPv6. */
    static final String CAPTURE_FILTER = "tcp or ip proto 253 or ip6 proto 253";
    /** Where the pcaps of the interop tests stay for a look after the run (the module's target). */
    static final Path PCAP_DIRECTORY = Path.of("target", "interop-pcaps");
    /** Bound of any wait in these tests. */
    static final Duration LIMIT = Duration.ofSeconds(60);

    final Namespaces namespaces;
    /** synack's namespace. */
    final NetworkNamespace synackSide;
    /** The kernel peer's namespace. */
    final NetworkNamespace kernelSide;
    final InetAddress synack4;
    final InetAddress kernel4;
    final InetAddress synack6;
    final InetAddress kernel6;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final List<StackDriver> drivers = new java.util.ArrayList<>();
    private Capture capture;
    private Path pcap;

    private KernelInterop(Namespaces namespaces) {
        this.namespaces = namespaces;
        this.synackSide = namespaces.first;
        this.kernelSide = namespaces.second;
        this.synack4 = namespaces.ipv4First;
        this.kernel4 = namespaces.ipv4Second;
        this.synack6 = namespaces.ipv6First;
        this.kernel6 = namespaces.ipv6Second;
    }

    /**
     * Checks the prerequisites (skipped without them, failing under {@code CI=true}) and builds
     * the network.
     */
    static KernelInterop create() throws IOException {
        Prerequisites.requireNamespaces();
        Prerequisites.requireCommand("ethtool", "ethtool");
        Prerequisites.requireCommand("nft", "nftables");
        Prerequisites.requireCommand("tshark", "tshark");
        Prerequisites.requireCommand("python3", "python3");
        Prerequisites.requireCommand("ss", "iproute2");
        return new KernelInterop(Namespaces.create(Namespaces.Path.VETH));
    }

    /**
     * Starts the capture on the veth (seen from synack's side), written to
     * {@code target/interop-pcaps/NAME.pcap}.
     *
     * @param name the file name without extension, e.g. the test's name
     */
    void capture(String name) throws IOException, InterruptedException {
        Files.createDirectories(PCAP_DIRECTORY);
        pcap = PCAP_DIRECTORY.resolve(name + ".pcap");
        capture = Capture.start(synackSide, namespaces.veth.deviceA(), CAPTURE_FILTER, Integer.MAX_VALUE, pcap);
    }

    /**
     * Ends the capture and checks it: any malformed packet, error-level expert message or bad
     * IPv4/TCP checksum fails the test, and so does a segment any synack stack of the test failed
     * to send or dropped for a bad checksum.
     *
     * @param experimental whether the capture carries protocol 253 (dissected as TCP)
     * @return the pcap, for more assertions
     */
    Path checkedCapture(boolean experimental) throws IOException, InterruptedException {
        Path file = capture.stop();
        capture = null;
        assertEquals(List.of(), Capture.problems(file, experimental), "tshark found problems in " + file);
        for (StackDriver driver : drivers) {
            // Every segment synack built went out (none refused by the transport, e.g. too large
            // for the MTU), and every segment it received had a sound checksum.
            assertEquals(0L, driver.counters().getOrDefault(StackDriver.SEND_FAILED, 0L), driver.counters().toString());
            assertEquals(0L, driver.stack().statistics().dropped("bad-checksum"), driver.stack().statistics().toString());
        }
        return file;
    }

    /** The pcap of the last capture. */
    Path pcap() {
        return pcap;
    }

    /**
     * Loads the rule that drops the kernel's (unmarked) RSTs from synack's {@code ports} into
     * {@code ns}, a namespace where synack runs with protocol {@code tcp}.
     */
    static void dropKernelResets(NetworkNamespace ns, int... ports) throws IOException {
        StringBuilder rules = new StringBuilder();
        for (int port : ports) {
            rules.append(NftRules.dropKernelResets(port, RawSocketSettings.DEFAULT_MARK));
        }
        ns.execWithInput(rules.toString(), "nft", "-f", "-");
    }

    /**
     * Opens a synack stack in {@code ns} at {@code address} on the raw-socket transport; closed by
     * {@link #close()}.
     *
     * @param protocol {@link RawSocketSettings#IPPROTO_TCP} or {@link RawSocketSettings#IPPROTO_EXPERIMENTAL}
     * @param engine the engine's configuration
     */
    TcpStack synack(NetworkNamespace ns, InetAddress address, int protocol, EngineConfig engine) throws Exception {
        RawSocketTransportFactory factory =
                new RawSocketTransportFactory(RawSocketConfiguration.defaults().withProtocol(protocol));
        StackDriver driver = ns.call(() -> StackDriver.openRealTime(address, factory, RawSocketPlugin.NAME,
                (local, seed) -> TcpEngine.create(local, engine, seed), DriverOptions.DEFAULT));
        TcpStack stack = driver.stack();
        drivers.add(driver);
        resources.push(stack);
        return stack;
    }

    /** A synack stack speaking real TCP at {@code address} in synack's namespace, default engine settings. */
    TcpStack synack(InetAddress address) throws Exception {
        return synack(synackSide, address, RawSocketSettings.IPPROTO_TCP, EngineConfig.defaults());
    }

    /**
     * synack's engine settings: the defaults of {@link io.synack.core.engine.EngineSettings} with
     * {@code overrides}.
     */
    static EngineConfig engine(java.util.Map<io.synack.spi.Setting<?>, Object> overrides) {
        return EngineConfig.from(new io.synack.spi.Settings() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T get(io.synack.spi.Setting<T> setting) {
                return overrides.containsKey(setting) ? (T) overrides.get(setting) : setting.defaultValue();
            }
        });
    }

    /** A kernel peer in the kernel's namespace; closed by {@link #close()}. */
    KernelPeer kernel() throws IOException, InterruptedException {
        KernelPeer peer = KernelPeer.start(kernelSide);
        resources.push(peer);
        return peer;
    }

    /**
     * The kernel's TCP sockets in its namespace in {@code state} ({@code ss -Htan state STATE}),
     * e.g. {@code time-wait}, one line each, those with {@code :peerPort} in an address (0: all).
     */
    List<String> kernelSockets(String state, int peerPort) throws IOException {
        return kernelSide.exec("ss", "-Htan", "state", state).lines().filter(l -> !l.isBlank())
                .filter(l -> peerPort == 0 || java.util.Arrays.stream(l.trim().split("\\s+")).anyMatch(w -> w.endsWith(":" + peerPort)))
                .toList();
    }

    /** Who opens the connection. */
    enum Role {
        /** synack connects (active open) to the kernel's listening socket. */
        SYNACK_CLIENT,
        /** The kernel connects to synack's listener. */
        KERNEL_CLIENT;

        @Override
        public String toString() {
            return this == SYNACK_CLIENT ? "synack client, kernel server" : "kernel client, synack server";
        }
    }

    /** synack's listening port when the kernel is the client. */
    static final int SYNACK_SERVER_PORT = 5001;
    /** synack's local port when it is the client. */
    static final int SYNACK_CLIENT_PORT = 40001;
    /** The kernel's listening port when synack is the client. */
    static final int KERNEL_SERVER_PORT = 5002;

    /**
     * An established connection between synack and the kernel.
     *
     * @param stack synack's stack
     * @param synack synack's end
     * @param kernel the kernel's end (the peer process holds the connected socket)
     * @param synackPort synack's port
     * @param kernelPort the kernel's port
     */
    record Connected(TcpStack stack, TcpConnection synack, KernelPeer kernel, int synackPort, int kernelPort) {}

    /**
     * Opens synack (speaking {@code tcp}) and a kernel peer and connects them in {@code role},
     * over IPv4, with the kernel-RST rule for synack's port in place.
     *
     * @param role who connects
     * @param kernelMss the MSS the kernel socket announces ({@code TCP_MAXSEG}), or 0 for its default
     * @param engine synack's engine settings
     */
    Connected connect(Role role, int kernelMss, EngineConfig engine) throws Exception {
        int synackPort = role == Role.SYNACK_CLIENT ? SYNACK_CLIENT_PORT : SYNACK_SERVER_PORT;
        dropKernelResets(synackSide, synackPort);
        TcpStack stack = synack(synackSide, synack4, RawSocketSettings.IPPROTO_TCP, engine);
        KernelPeer kernel = kernel();
        String mss = Integer.toString(kernelMss);
        if (role == Role.SYNACK_CLIENT) {
            if (kernelMss > 0) {
                kernel.call("listen", kernel4.getHostAddress(), Integer.toString(KERNEL_SERVER_PORT), mss);
            } else {
                kernel.call("listen", kernel4.getHostAddress(), Integer.toString(KERNEL_SERVER_PORT));
            }
            TcpConnection c = stack.connect(new java.net.InetSocketAddress(kernel4, KERNEL_SERVER_PORT), synackPort,
                    LIMIT);
            assertEquals(List.of(synack4.getHostAddress(), Integer.toString(synackPort)), kernel.call("accept"));
            return new Connected(stack, c, kernel, synackPort, KERNEL_SERVER_PORT);
        }
        io.synack.api.TcpListener listener = stack.listen(synackPort, 8);
        List<String> local = kernelMss > 0
                ? kernel.call("connect", synack4.getHostAddress(), Integer.toString(synackPort), "0", mss)
                : kernel.call("connect", synack4.getHostAddress(), Integer.toString(synackPort));
        TcpConnection c = listener.accept(LIMIT);
        if (c == null) {
            fail("synack accepted nothing within " + LIMIT);
        }
        return new Connected(stack, c, kernel, synackPort, Integer.parseInt(local.get(0)));
    }

    /** Polls {@code condition} until it holds; fails with {@code what} after {@link #LIMIT}. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + LIMIT + " for: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Something a test runs beside its main thread, e.g. synack reading while the kernel sends. */
    interface Task<T> {
        T run() throws Exception;
    }

    /** Runs {@code task} on a new daemon thread (blocking I/O must not starve a shared pool). */
    static <T> CompletableFuture<T> async(Task<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(task.run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "interop-task");
        t.setDaemon(true);
        t.start();
        return result;
    }

    /** Waits for a future with {@link #LIMIT}. */
    static <T> T await(CompletableFuture<T> future, String what) throws Exception {
        try {
            return future.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("waited " + LIMIT + " for: " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Sends {@code n} seeded random bytes on {@code connection}'s output stream.
     *
     * @return the SHA-256 of what was sent, in hex
     */
    static String send(TcpConnection connection, long n, long seed) throws IOException {
        MessageDigest digest = sha256();
        Random random = new Random(seed);
        byte[] chunk = new byte[64 * 1024];
        OutputStream out = connection.outputStream();
        for (long left = n; left > 0; ) {
            int len = (int) Math.min(chunk.length, left);
            random.nextBytes(chunk);
            out.write(chunk, 0, len);
            digest.update(chunk, 0, len);
            left -= len;
        }
        out.flush();
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The SHA-256 of nothing, as a receiver that read no byte reports it. */
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /** What a receiver read: the byte count and the SHA-256 in hex, as the kernel peer reports it. */
    record Received(long bytes, String sha256) {
        List<String> words() {
            return List.of(Long.toString(bytes), sha256);
        }
    }

    /** Reads {@code connection}'s input stream to its end (the peer's FIN). */
    static Received receiveAll(TcpConnection connection) throws IOException {
        return receive(connection, Long.MAX_VALUE);
    }

    /** Reads exactly {@code n} bytes (or up to the end of the stream if it comes first). */
    static Received receive(TcpConnection connection, long n) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[64 * 1024];
        InputStream in = connection.inputStream();
        long total = 0;
        while (total < n) {
            int r = in.read(buffer, 0, (int) Math.min(buffer.length, n - total));
            if (r < 0) {
                break;
            }
            digest.update(buffer, 0, r);
            total += r;
        }
        return new Received(total, HexFormat.of().formatHex(digest.digest()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes stacks and peers (last opened first), stops the capture, removes the namespaces. */
    @Override
    public void close() throws IOException {
        Throwable failure = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception | Error e) {
                failure = failure == null ? e : failure;
            }
        }
        if (capture != null) {
            capture.close();
        }
        try {
            namespaces.close();
        } catch (IOException e) {
            failure = failure == null ? e : failure;
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IOException(failure);
        }
    }
}
