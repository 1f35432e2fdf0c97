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
 * A capture ({@code dumpcap}) on one device inside a namespace, written to a pcap file, and the
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
     * Starts {@code dumpcap} and waits until it captures.
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
        Prerequisites.requireCommand("dumpcap", "tshark");
        // dumpcap (tshark's capture engine, same package) rather than tshark itself: it starts in
        // milliseconds instead of a second, as it loads no dissectors. A 128 MiB kernel buffer (-B)
        // keeps up with bulk transfers over veth without dropping frames.
        Process p = new ProcessBuilder("ip", "netns", "exec", ns.name(), "dumpcap", "-q", "-i", device, "-f", filter,
                "-c", String.valueOf(packets), "-a", "duration:60", "-B", "128", "-P", "-w", file.toString()).start();
        p.getOutputStream().close();
        Capture capture = new Capture(p, file);
        CountDownLatch capturing = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    synchronized (capture.errors) {
                        capture.errors.append(line).append('\n');
                    }
                    // dumpcap names the file once the device is open and capturing.
                    if (line.startsWith("File:")) {
                        capturing.countDown();
                    }
                }
            } catch (IOException e) {
                // The process ended; what it printed is kept.
            }
            capturing.countDown();
        }, "dumpcap stderr");
        reader.setDaemon(true);
        reader.start();
        if (!capturing.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || !p.isAlive()) {
            capture.close();
            throw new IOException("dumpcap did not start capturing on " + device + ": " + capture.stderr());
        }
        return capture;
    }

    /**
     * Waits until dumpcap has captured its packets and written the file.
     *
     * @throws IOException if it fails or does not finish within 60 seconds
     */
    public Path awaitFinished() throws IOException, InterruptedException {
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            throw new IOException("dumpcap did not finish: " + stderr());
        }
        if (process.exitValue() != 0) {
            throw new IOException("dumpcap exited with " + process.exitValue() + ": " + stderr());
        }
        return file;
    }

    /**
     * Stops a capture started with a packet count it will not reach: waits until tshark has seen
     * no new packet for a moment (the last segments of a test are on the wire, but the capture
     * may lag behind), then ends dumpcap with SIGTERM, on which it writes out what it captured.
     *
     * @return the pcap file
     * @throws IOException if dumpcap does not end or wrote nothing
     */
    public Path stop() throws IOException, InterruptedException {
        long size = -1;
        for (int quiet = 0; quiet < 3 && process.isAlive(); ) {
            Thread.sleep(100);
            long now = java.nio.file.Files.exists(file) ? java.nio.file.Files.size(file) : 0;
            quiet = now == size ? quiet + 1 : 0;
            size = now;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("dumpcap did not stop: " + stderr());
        }
        if (!java.nio.file.Files.exists(file) || java.nio.file.Files.size(file) == 0) {
            throw new IOException("dumpcap wrote no capture: " + stderr());
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
        return fields(pcap, false, displayFilter, fields);
    }

    /**
     * As {@link #fields(Path, String, String...)}, optionally dissecting IP protocol 253 (synack's
     * experimental protocol) as TCP.
     *
     * @param pcap the file
     * @param experimentalAsTcp decode IPv4 protocol and IPv6 next header 253 as TCP
     * @param displayFilter a display filter, or empty for all
     * @param fields the fields
     * @return one line per packet, fields separated by tabs
     * @throws IOException if tshark fails
     */
    public static List<String> fields(Path pcap, boolean experimentalAsTcp, String displayFilter, String... fields)
            throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(),
                "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-T", "fields",
                // Payloads are test data, not any application protocol: without this, tshark's
                // heuristic dissectors take random bytes for e.g. Thrift and report them malformed.
                "-d", "tcp.port==1-65535,data"));
        if (experimentalAsTcp) {
            // One decode-as table serves IPv4's protocol and IPv6's next header alike.
            command.addAll(List.of("-d", "ip.proto==" + RawSocketSettings.IPPROTO_EXPERIMENTAL + ",tcp"));
        }
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
        return problems(pcap, false);
    }

    /**
     * The packets tshark reports as malformed, with an error-level expert message, or with a bad
     * IPv4 header or TCP checksum: must be none.
     *
     * @param pcap the file
     * @param experimentalAsTcp dissect IP protocol 253 as TCP too
     * @return one line per bad packet (frame number, protocols and expert messages)
     * @throws IOException if tshark fails
     */
    public static List<String> problems(Path pcap, boolean experimentalAsTcp) throws IOException {
        return fields(pcap, experimentalAsTcp, PROBLEMS, "frame.number", "frame.protocols", "_ws.expert.message");
    }

    /**
     * The display filter of {@link #problems}: malformed packets, error-level expert messages (a bad
     * TCP checksum is one), and checksums tshark verifies as bad (status 0), IPv4 header or TCP.
     *
     * <p>One exception: a TCP checksum field of 0xffff where the computed value is 0x0000. Both are
     * the one's-complement zero, so the receiver's sum over the segment is all ones either way and
     * the segment is valid (RFC 1624 §3, RFC 1071 §2(A)); tshark marks it "Bad" with a warning.
     * Linux sends such segments when it computes checksums in software, as on a veth with
     * transmit offload off: {@code skb_checksum_help} writes {@code csum_fold(csum) ?: CSUM_MANGLED_0},
     * the UDP rule (RFC 768: zero means "no checksum") applied to TCP as well. Seen here on about
     * one in 65536 of the kernel's segments, as expected.
     */
    static final String PROBLEMS = "_ws.malformed || _ws.expert.severity >= error || ip.checksum.status == 0"
            + " || (tcp.checksum.status == 0 && !(tcp.checksum == 0xffff && tcp.checksum_calculated == 0x0000))";

    private String stderr() {
        synchronized (errors) {
            return errors.toString().strip();
        }
    }

    /** Stops dumpcap if it still runs. */
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
