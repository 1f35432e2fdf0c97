package io.synack.transport.rawsocket;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@code tshark} capture on one device inside a namespace, written to a pcap file, and the
 * checks on it: a pcap that tshark finds malformed, or a TCP segment whose checksum tshark
 * verifies as bad, fails the test. The capture stops by itself after a given number of packets
 * (or 60 seconds), so no test needs to time it.
 */
public final class Capture implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path file;
    private final StringBuilder errors = new StringBuilder();

    private Capture(Process process, Path file) {
        this.process = process;
        this.file = file;
    }

    /**
     * Starts tshark and waits until it captures.
     *
     * @param ns the namespace
     * @param device the device to capture on
     * @param filter a capture (BPF) filter, e.g. {@code tcp}
     * @param packets stop after this many packets
     * @param file the pcap to write
     * @return the running capture
     * @throws IOException if tshark cannot start or does not start capturing in time
     */
    public static Capture start(NetworkNamespace ns, String device, String filter, int packets, Path file)
            throws IOException, InterruptedException {
        Prerequisites.requireCommand("tshark", "tshark");
        Process p = new ProcessBuilder("ip", "netns", "exec", ns.name(), "tshark", "-q", "-i", device, "-f", filter,
                "-c", String.valueOf(packets), "-a", "duration:60", "-F", "pcap", "-w", file.toString()).start();
        p.getOutputStream().close();
        Capture capture = new Capture(p, file);
        CountDownLatch capturing = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    synchronized (capture.errors) {
                        capture.errors.append(line).append('\n');
                    }
                    // "Capturing on 'dev'" comes before dumpcap really captures; "Capture started" after.
                    if (line.contains("Capture started")) {
                        capturing.countDown();
                    }
                }
            } catch (IOException e) {
                // The process ended; what it printed is kept.
            }
            capturing.countDown();
        }, "tshark stderr");
        reader.setDaemon(true);
        reader.start();
        if (!capturing.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || !p.isAlive()) {
            capture.close();
            throw new IOException("tshark did not start capturing on " + device + ": " + capture.stderr());
        }
        return capture;
    }

    /**
     * Waits until tshark has captured its packets and written the file.
     *
     * @throws IOException if it fails or does not finish within 60 seconds
     */
    public Path awaitFinished() throws IOException, InterruptedException {
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            throw new IOException("tshark did not finish: " + stderr());
        }
        if (process.exitValue() != 0) {
            throw new IOException("tshark exited with " + process.exitValue() + ": " + stderr());
        }
        return file;
    }

    /**
     * The packets of a pcap as tshark dissects them, one line each, with the given fields
     * (TCP checksums verified).
     *
     * @param pcap the file
     * @param displayFilter a display filter, or empty for all
     * @param fields e.g. {@code ip.src}, {@code tcp.flags.str}
     * @return one line per packet, fields separated by tabs
     * @throws IOException if tshark fails
     */
    public static List<String> fields(Path pcap, String displayFilter, String... fields) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(),
                "-o", "tcp.check_checksum:TRUE", "-T", "fields"));
        if (!displayFilter.isEmpty()) {
            command.addAll(List.of("-Y", displayFilter));
        }
        for (String f : fields) {
            command.addAll(List.of("-e", f));
        }
        return NetworkNamespace.run(command.toArray(String[]::new)).lines().toList();
    }

    /**
     * The packets tshark reports as malformed or with a bad TCP checksum: must be none.
     *
     * @param pcap the file
     * @return one line per bad packet (frame number and protocols)
     * @throws IOException if tshark fails
     */
    public static List<String> problems(Path pcap) throws IOException {
        return fields(pcap, "_ws.malformed || _ws.expert.severity == error || tcp.checksum.status == 0",
                "frame.number", "frame.protocols", "_ws.expert.message");
    }

    private String stderr() {
        synchronized (errors) {
            return errors.toString().strip();
        }
    }

    /** Stops tshark if it still runs. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
