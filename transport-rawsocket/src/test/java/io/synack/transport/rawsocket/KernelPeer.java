package io.synack.transport.rawsocket;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Linux kernel's TCP as a test peer: a Python 3 process ({@code kernel_peer.py}, plain
 * {@code socket} module) inside a network namespace, driven one command per line. Every command
 * waits for its answer, so a test reads like a script of what the kernel's application does:
 *
 * <pre>{@code
 * KernelPeer kernel = KernelPeer.start(namespace);
 * kernel.call("listen", "198.18.0.2", "5001");
 * kernel.call("accept");                         // -> [198.18.0.1, 40001]
 * kernel.call("send", "1048576");                // -> [1048576, <sha-256 of the bytes sent>]
 * }</pre>
 *
 * A command the kernel refuses ({@code connect} to a closed port, {@code recv} on a reset
 * connection) answers {@code error ERRNAME message}: {@link #call} fails the test with it,
 * {@link #callExpectingError} returns the errno name.
 */
final class KernelPeer implements AutoCloseable {

    /** What a command may take at most: bounded transfers only. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private static final String SCRIPT = loadScript();

    private final Process process;
    private final OutputStream commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();
    private final List<String> transcript = new ArrayList<>();

    private KernelPeer(Process process) {
        this.process = process;
        this.commands = process.getOutputStream();
        daemon("kernel-peer stdout", () -> {
            try (BufferedReader r = reader(process.getInputStream())) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    answers.add(line);
                }
            }
            answers.add("exited");
        });
        daemon("kernel-peer stderr", () -> {
            try (BufferedReader r = reader(process.getErrorStream())) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    synchronized (stderr) {
                        stderr.append(line).append('\n');
                    }
                }
            }
        });
    }

    /**
     * Starts the peer inside {@code ns} and waits until it is ready.
     *
     * @param ns the kernel's namespace
     * @return the peer; close it
     * @throws IOException if python3 cannot start
     */
    static KernelPeer start(NetworkNamespace ns) throws IOException, InterruptedException {
        Prerequisites.requireCommand("python3", "python3");
        Process p = new ProcessBuilder("ip", "netns", "exec", ns.name(), "python3", "-u", "-c", SCRIPT).start();
        KernelPeer peer = new KernelPeer(p);
        String first = peer.next(COMMAND_TIMEOUT);
        if (!"ready".equals(first)) {
            peer.close();
            throw new IOException("the kernel peer did not start: " + first + "; stderr: " + peer.stderr());
        }
        return peer;
    }

    /**
     * Runs a command and returns the words after {@code ok}.
     *
     * @param command the command and its arguments
     * @return the answer's words
     * @throws AssertionError if the command failed or did not answer in time
     */
    List<String> call(String... command) throws IOException, InterruptedException {
        String answer = send(command);
        if (!answer.startsWith("ok")) {
            throw new AssertionError("kernel peer: '" + String.join(" ", command) + "' answered '" + answer
                    + "'; transcript: " + transcript + "; stderr: " + stderr());
        }
        String[] words = answer.split(" ");
        return List.of(words).subList(1, words.length);
    }

    /**
     * Runs a command that must fail and returns the errno name, e.g. {@code ECONNREFUSED}.
     *
     * @param command the command
     * @return the errno name
     * @throws AssertionError if the command succeeded
     */
    String callExpectingError(String... command) throws IOException, InterruptedException {
        String answer = send(command);
        if (!answer.startsWith("error ")) {
            throw new AssertionError("kernel peer: '" + String.join(" ", command) + "' should fail but answered '"
                    + answer + "'");
        }
        return answer.split(" ")[1];
    }

    /**
     * {@code info}: the kernel's {@code TCP_INFO} of the connection as key/value pairs
     * ({@code state}, {@code timestamps}, {@code sack}, {@code wscale}, {@code snd_wscale},
     * {@code rcv_wscale}, {@code snd_mss}, {@code rcv_mss}, ...).
     */
    Map<String, String> info() throws IOException, InterruptedException {
        Map<String, String> info = new HashMap<>();
        for (String word : call("info")) {
            int eq = word.indexOf('=');
            info.put(word.substring(0, eq), word.substring(eq + 1));
        }
        return info;
    }

    private String send(String... command) throws IOException, InterruptedException {
        String line = String.join(" ", command);
        transcript.add(line);
        commands.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        commands.flush();
        String answer = next(COMMAND_TIMEOUT);
        transcript.add("  " + answer);
        return answer;
    }

    private String next(Duration timeout) throws InterruptedException {
        String line = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("kernel peer: no answer within " + timeout + "; transcript: " + transcript
                    + "; stderr: " + stderr());
        }
        return line;
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString().strip();
        }
    }

    /** Ends the process (its sockets close with it). */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Body {
        void run() throws IOException;
    }

    private static void daemon(String name, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (IOException e) {
                // The process ended.
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    private static String loadScript() {
        try (InputStream in = KernelPeer.class.getResourceAsStream("kernel_peer.py")) {
            if (in == null) {
                throw new IllegalStateException("kernel_peer.py is missing from the test resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "kernel peer; transcript " + Arrays.toString(transcript.toArray());
    }
}
