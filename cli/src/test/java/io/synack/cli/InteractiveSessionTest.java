package io.synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives {@code synack connect} as a person at a terminal would: through the process's standard
 * input and output, closing standard input (Ctrl-D) and sending SIGINT (Ctrl-C), on the loopback
 * transport, where {@code connect} brings its own in-process echo server or responder.
 */
class InteractiveSessionTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopLeftovers() {
        for (Process p : started) {
            p.destroyForcibly();
        }
    }

    private Process synack(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SessionMain.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
        started.add(p);
        return p;
    }

    private String stderr() throws IOException {
        return Files.readString(dir.resolve("stderr.txt"));
    }

    @Test
    void linesAreEchoedAndEofHalfClosesThenThePeersFinEndsTheSessionWithExit0() throws Exception {
        Process p = synack("connect", "-v", "127.0.0.2", "7");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        OutputStream in = p.getOutputStream();
        assertTimeoutPreemptively(LIMIT, () -> {
            in.write("hello synack\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertEquals("hello synack", out.readLine(), "the echo of the first line");
            in.write("second line\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertEquals("second line", out.readLine());
            in.close(); // Ctrl-D: EOF on standard input
            assertEquals(null, out.readLine(), "stdout ends after the echo server's FIN, with nothing else on it");
            assertTrue(p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS));
        });
        assertEquals(0, p.exitValue(), stderr());
        String err = stderr();
        // EOF sent our FIN first (active close); the peer's FIN came after: TIME-WAIT on our side.
        assertTrue(err.contains("SYN-SENT -> ESTABLISHED"), err);
        assertTrue(err.indexOf("ESTABLISHED -> FIN-WAIT-1") < err.indexOf("FIN-WAIT-2 -> TIME-WAIT"), err);
        assertTrue(err.contains("ESTABLISHED -> FIN-WAIT-1 (CLOSE; snd FIN)"), err);
        assertTrue(err.contains("connection closed (TIME-WAIT)"), err);
    }

    @Test
    void theRespondersFinEndsTheSessionWhileStandardInputIsStillOpen() throws Exception {
        Path response = dir.resolve("response.txt");
        Files.writeString(response, "HTTP/1.0 200 OK\r\n\r\nhello from the responder\n");
        Process p = synack("connect", "--responder", response.toString(), "10.9.8.7", "80");
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] all = p.getInputStream().readAllBytes();
            assertEquals("HTTP/1.0 200 OK\r\n\r\nhello from the responder\n", new String(all, StandardCharsets.UTF_8));
            assertTrue(p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS));
        });
        assertEquals(0, p.exitValue(), stderr());
        assertEquals("", stderr(), "without -v a clean session prints nothing on stderr");
    }

    @Test
    void ctrlCAbortsTheConnectionWithRstAndExits130() throws Exception {
        Process p = synack("connect", "-v", "127.0.0.2", "7");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        OutputStream in = p.getOutputStream();
        assertTimeoutPreemptively(LIMIT, () -> {
            in.write("ping\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertEquals("ping", out.readLine(), "the session is established and echoing");
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor());
            assertTrue(p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS));
        });
        String err = stderr();
        assertEquals(130, p.exitValue(), err);
        assertTrue(err.contains("interrupted: connection 127.0.0.1:"), err);
        assertTrue(err.contains("aborted (RST sent)"), err);
        assertTrue(err.contains("ESTABLISHED -> CLOSED (ABORT"), err);
        assertTrue(!err.contains("FIN-WAIT-1"), "an abort sends no FIN: " + err);
    }

    @Test
    void listenOnLoopbackExits2WithAHint() throws Exception {
        Process p = synack("listen", "--port", "7000");
        assertTimeoutPreemptively(LIMIT, () -> assertTrue(p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)));
        assertEquals(2, p.exitValue());
        String err = stderr();
        assertTrue(err.contains("loopback transport is a network inside this one process"), err);
        assertTrue(err.contains("Hint: 'synack connect HOST PORT'"), err);
    }
}
