package io.synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code synack listen --transport rawsocket} talked to by the kernel's own TCP ({@code nc} from
 * netcat-openbsd), and {@code synack connect} talking to the kernel's {@code nc -l}, inside a private network namespace this test creates and removes, so nothing
 * touches the host's network or firewall. synack speaks real TCP (protocol 6); an nftables rule
 * inside the namespace drops the namespace kernel's RSTs for synack's port. Needs root, {@code ip},
 * {@code nft} and {@code nc}: skipped without them, but failing under {@code CI=true}.
 */
class RawSocketListenNetcatTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final int PORT = 7000;
    private static final int CLIENT_PORT = 7002;

    private final String namespace = "synack-cli-" + ProcessHandle.current().pid();
    private final List<Process> started = new ArrayList<>();
    private boolean created;

    @BeforeEach
    void namespace() throws Exception {
        require(System.getProperty("os.name", "").toLowerCase().startsWith("linux"), "Linux");
        require(hasRootCapabilities(), "root (CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_NET_RAW)");
        require(onPath("ip"), "the program 'ip' (Debian package iproute2)");
        require(onPath("nft"), "the program 'nft' (Debian package nftables)");
        require(onPath("nc"), "the program 'nc' (Debian package netcat-openbsd)");
        run("ip", "netns", "add", namespace);
        created = true;
        run("ip", "-n", namespace, "link", "set", "lo", "up");
        Process nft = new ProcessBuilder("ip", "netns", "exec", namespace, "nft", "-f", "-").redirectErrorStream(true).start();
        try (OutputStream in = nft.getOutputStream()) {
            in.write((io.synack.transport.rawsocket.NftRules.dropKernelResets(PORT, 0x5359)
                    + io.synack.transport.rawsocket.NftRules.dropKernelResets(CLIENT_PORT, 0x5359))
                    .getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(0, nft.waitFor(), new String(nft.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @AfterEach
    void remove() throws Exception {
        for (Process p : started) {
            p.destroyForcibly().waitFor();
        }
        if (created) {
            run("ip", "netns", "del", namespace);
        }
    }

    @Test
    void kernelNcExchangesLinesBothWaysAndBothHalfClosesEndTheSessionWithExit0() throws Exception {
        Process listen = start("ip", "netns", "exec", namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SessionMain.class.getName(),
                "listen", "--transport", "rawsocket", "-s", "synack.rawsocket.protocol=tcp",
                "--bind", "127.0.0.2", "--port", Integer.toString(PORT), "-v");
        Log log = new Log(listen.getErrorStream());
        assertTimeoutPreemptively(LIMIT, () -> log.await("listening on 127.0.0.2:" + PORT), log::toString);
        Process nc = start("ip", "netns", "exec", namespace, "nc", "-N", "127.0.0.2", Integer.toString(PORT));
        BufferedReader listenOut = reader(listen.getInputStream());
        BufferedReader ncOut = reader(nc.getInputStream());
        String[] step = {"start"};
        assertTimeoutPreemptively(LIMIT, () -> {
            step[0] = "nc -> synack";
            send(nc.getOutputStream(), "hello from the kernel's TCP\n");
            assertEquals("hello from the kernel's TCP", listenOut.readLine());
            step[0] = "synack -> nc";
            send(listen.getOutputStream(), "hello from synack\n");
            assertEquals("hello from synack", ncOut.readLine());
            step[0] = "synack FIN";
            // EOF: synack half-closes with FIN. nc keeps its own direction open (its stdout only
            // ends when it exits), so the FIN is seen below in synack's log: FIN-WAIT-2 before
            // nc's data and FIN.
            listen.getOutputStream().close();
            step[0] = "synack's FIN acknowledged by the kernel";
            log.await("FIN-WAIT-1 -> FIN-WAIT-2 (rcv ACK of FIN)");
            step[0] = "nc -> synack after FIN";
            send(nc.getOutputStream(), "still talking after your FIN\n");
            assertEquals("still talking after your FIN", listenOut.readLine(), "half-close: synack still receives");
            step[0] = "nc FIN";
            nc.getOutputStream().close(); // nc -N: FIN after its EOF
            assertNull(listenOut.readLine());
            assertNull(ncOut.readLine(), "nc exits after both FINs");
            assertTrue(listen.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS));
            assertTrue(nc.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS));
        }, () -> "stuck at: " + step[0] + "; listen's stderr so far: " + log);
        String err = log.complete();
        assertEquals(0, listen.exitValue(), err);
        assertEquals(0, nc.exitValue());
        assertTrue(err.contains("LISTEN -> SYN-RECEIVED"), err);
        assertTrue(err.contains("ESTABLISHED -> FIN-WAIT-1 (CLOSE; snd FIN)"), err);
        assertTrue(err.contains("FIN-WAIT-1 -> FIN-WAIT-2 (rcv ACK of FIN)"), err);
        assertTrue(err.contains("FIN-WAIT-2 -> TIME-WAIT"), err);
        assertTrue(!err.contains("rcv RST") && !err.contains("ABORT") && !err.contains("reset"), "no reset: " + err);
    }

    @Test
    void keepOpenAcceptsOneConnectionAfterAnotherAndCtrlCAbortsTheCurrentOne() throws Exception {
        Process listen = start("ip", "netns", "exec", namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SessionMain.class.getName(),
                "listen", "--transport", "rawsocket", "-s", "synack.rawsocket.protocol=tcp",
                "--bind", "127.0.0.2", "--port", Integer.toString(PORT), "--keep-open", "-v");
        BufferedReader listenErr = reader(listen.getErrorStream());
        BufferedReader listenOut = reader(listen.getInputStream());
        StringBuilder log = new StringBuilder();
        assertTimeoutPreemptively(LIMIT, () -> {
            String line;
            while ((line = listenErr.readLine()) != null && !line.contains("listening on")) {
                log.append(line).append('\n');
            }
        });
        CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> {
            try {
                StringBuilder b = new StringBuilder();
                String line;
                while ((line = listenErr.readLine()) != null) {
                    b.append(line).append('\n');
                }
                return b.toString();
            } catch (IOException e) {
                return e.toString();
            }
        });
        assertTimeoutPreemptively(LIMIT, () -> {
            Process first = start("ip", "netns", "exec", namespace, "nc", "-N", "127.0.0.2", Integer.toString(PORT));
            send(first.getOutputStream(), "first connection\n");
            first.getOutputStream().close();
            assertEquals("first connection", listenOut.readLine());
            assertTrue(first.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS));
            Process second = start("ip", "netns", "exec", namespace, "nc", "127.0.0.2", Integer.toString(PORT));
            send(second.getOutputStream(), "second connection\n");
            assertEquals("second connection", listenOut.readLine());
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(listen.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor());
            assertTrue(listen.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS));
            // The RST reaches the kernel: nc's connection is reset and nc ends.
            assertTrue(second.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS));
        }, () -> "listen's stderr: " + (rest.isDone() ? rest.join() : "(running)"));
        String err = rest.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(130, listen.exitValue(), err);
        assertEquals(2, err.lines().filter(l -> l.contains("LISTEN -> SYN-RECEIVED")).count(), err);
        assertTrue(err.contains("LAST-ACK -> CLOSED (rcv ACK of FIN)"), "the first closed gracefully: " + err);
        assertTrue(err.contains("aborted (RST sent)"), err);
    }

    @Test
    void connectToAPortNobodyListensOnIsRefusedByTheKernelsRstWithExit1() throws Exception {
        Process connect = start("ip", "netns", "exec", namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SessionMain.class.getName(),
                "connect", "--transport", "rawsocket", "-s", "synack.rawsocket.protocol=tcp", "127.0.0.1", "7009");
        Log log = new Log(connect.getErrorStream());
        assertTimeoutPreemptively(LIMIT, () -> assertTrue(connect.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)),
                log::toString);
        String err = log.complete();
        assertEquals(1, connect.exitValue(), err);
        assertTrue(err.contains("synack: connection to 127.0.0.1:7009 refused (RST)"), err);
        assertEquals(0, connect.getInputStream().readAllBytes().length, "nothing on stdout");
    }

    @Test
    void connectTalksToTheKernelsNcListenAndThePeersFinEndsTheSessionGracefully() throws Exception {
        Process nc = start("ip", "netns", "exec", namespace, "nc", "-N", "-l", "127.0.0.1", "7001");
        awaitKernelListener(7001);
        Process connect = start("ip", "netns", "exec", namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SessionMain.class.getName(),
                "connect", "--transport", "rawsocket", "-s", "synack.rawsocket.protocol=tcp",
                "--local-port", Integer.toString(CLIENT_PORT), "-v", "127.0.0.1", "7001");
        CompletableFuture<String> log = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(connect.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        BufferedReader connectOut = reader(connect.getInputStream());
        BufferedReader ncOut = reader(nc.getInputStream());
        assertTimeoutPreemptively(LIMIT, () -> {
            send(connect.getOutputStream(), "hello from synack connect\n");
            assertEquals("hello from synack connect", ncOut.readLine());
            send(nc.getOutputStream(), "hello from nc -l\n");
            assertEquals("hello from nc -l", connectOut.readLine());
            nc.getOutputStream().close(); // nc -N: the kernel sends FIN
            assertNull(connectOut.readLine(), "the kernel's FIN ends synack's session");
            assertTrue(connect.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS));
            assertTrue(nc.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS));
        }, () -> "synack's stderr: " + (log.isDone() ? log.join() : "(running)"));
        String err = log.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(0, connect.exitValue(), err);
        assertTrue(err.contains("127.0.0.2:" + CLIENT_PORT + "<->127.0.0.1:7001 SYN-SENT -> ESTABLISHED"), err);
        assertTrue(err.contains("ESTABLISHED -> CLOSE-WAIT (rcv FIN; snd ACK)"), err);
        assertTrue(err.contains("LAST-ACK -> CLOSED (rcv ACK of FIN)"), err);
    }

    /** A child's standard error, collected line by line, that a test can wait on. */
    private static final class Log {
        private final StringBuilder text = new StringBuilder();
        private boolean ended;

        Log(java.io.InputStream in) {
            Thread t = new Thread(() -> {
                BufferedReader r = reader(in);
                try {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (this) {
                            text.append(line).append('\n');
                            notifyAll();
                        }
                    }
                } catch (IOException e) {
                    synchronized (this) {
                        text.append(e).append('\n');
                    }
                }
                synchronized (this) {
                    ended = true;
                    notifyAll();
                }
            }, "stderr-reader");
            t.setDaemon(true);
            t.start();
        }

        /** Waits until {@code fragment} was printed; fails if the stream ends first. */
        synchronized void await(String fragment) throws InterruptedException {
            while (text.indexOf(fragment) < 0) {
                if (ended) {
                    fail("ended without printing '" + fragment + "': " + text);
                }
                wait();
            }
        }

        /** Waits for the end of the stream and returns everything. */
        synchronized String complete() throws InterruptedException {
            while (!ended) {
                wait();
            }
            return text.toString();
        }

        @Override
        public synchronized String toString() {
            return text.toString();
        }
    }

    /** Polls the namespace's socket table (ss, iproute2) until the kernel listens on {@code port}. */
    private void awaitKernelListener(int port) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            Process ss = new ProcessBuilder("ip", "netns", "exec", namespace, "ss", "-Hltn", "sport = :" + port)
                    .redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ss.waitFor();
            if (out.contains(":" + port)) {
                return;
            }
            Thread.onSpinWait();
        }
        fail("the kernel never listened on port " + port);
    }

    private Process start(String... command) throws IOException {
        Process p = new ProcessBuilder(command).start();
        started.add(p);
        return p;
    }

    private static BufferedReader reader(java.io.InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + output);
    }

    private static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true but a prerequisite of this test is missing: " + what);
        }
        Assumptions.abort("skipped: this test needs " + what);
    }

    private static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/sbin:/usr/bin:/bin";
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** CAP_NET_ADMIN (12), CAP_NET_RAW (13) and CAP_SYS_ADMIN (21) in the effective set. */
    private static boolean hasRootCapabilities() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("CapEff:")) {
                BigInteger caps = new BigInteger(line.substring(7).trim(), 16);
                return caps.testBit(12) && caps.testBit(13) && caps.testBit(21);
            }
        }
        return false;
    }
}
