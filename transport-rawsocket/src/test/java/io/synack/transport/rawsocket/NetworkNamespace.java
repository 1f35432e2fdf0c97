package io.synack.transport.rawsocket;

import com.sun.jna.Native;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A private network namespace for a test, created with {@code ip netns add synack-<random>}
 * with {@code lo} up, and removed again by {@link #close()} (which also removes the veth ends in
 * it). Nothing here touches the host's own network configuration: every command runs inside the
 * namespace ({@code ip -n}, {@code ip netns exec}).
 *
 * <p>Code runs inside the namespace in two ways: a command with {@link #exec}, or Java code on the
 * calling thread with {@link #call}: the thread enters the namespace with {@code setns(2)}
 * (only network namespaces may be entered by one thread of a multi-threaded process), the code
 * runs — a socket opened there stays in the namespace for good — and the thread returns to the
 * namespace it came from, whatever happens.
 *
 * <pre>{@code
 * try (NetworkNamespace a = NetworkNamespace.create(); NetworkNamespace b = NetworkNamespace.create()) {
 *     NetworkNamespace.Veth veth = NetworkNamespace.veth(a, b);
 *     Transport t = a.call(() -> factory.open(new TransportContext(veth.ipv4A(), receiver, scheduler)));
 * }
 * }</pre>
 */
public final class NetworkNamespace implements AutoCloseable {

    /** The IPv4 prefix of veth pairs: the benchmarking range, RFC 2544 / RFC 5735. */
    public static final String IPV4_PREFIX = "198.18.0.";
    /** The IPv6 prefix of veth pairs: a unique local address (RFC 4193). */
    public static final String IPV6_PREFIX = "fd00:5959::";

    /**
     * The two ends of a veth pair between two namespaces, addressed {@code 198.18.0.1/24} and
     * {@code .2}, {@code fd00:5959::1/64} and {@code ::2}, transmit checksum offload off on both.
     *
     * @param deviceA the device in the first namespace
     * @param deviceB the device in the second
     * @param ipv4A the first namespace's IPv4 address
     * @param ipv4B the second's
     * @param ipv6A the first namespace's IPv6 address
     * @param ipv6B the second's
     */
    public record Veth(String deviceA, String deviceB, InetAddress ipv4A, InetAddress ipv4B, InetAddress ipv6A,
            InetAddress ipv6B) {}

    private static final long COMMAND_TIMEOUT_SECONDS = 30;

    private final String name;
    private boolean closed;

    private NetworkNamespace(String name) {
        this.name = name;
    }

    /**
     * Creates a namespace with {@code lo} up (127.0.0.1/8 and ::1).
     *
     * @return the namespace; close it
     * @throws IOException if {@code ip} fails
     */
    public static NetworkNamespace create() throws IOException {
        String name = "synack-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        run("ip", "netns", "add", name);
        NetworkNamespace ns = new NetworkNamespace(name);
        try {
            ns.ip("link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /**
     * Joins two namespaces with a veth pair (see {@link Veth}); {@code ethtool} switches transmit
     * checksum offload off so that every segment on the wire carries its final checksum.
     *
     * @param a the first namespace
     * @param b the second
     * @return the pair
     * @throws IOException if a command fails
     */
    public static Veth veth(NetworkNamespace a, NetworkNamespace b) throws IOException {
        String suffix = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        String devA = "sva" + suffix;
        String devB = "svb" + suffix;
        // Fixed, locally administered MAC addresses, so that both ends get permanent neighbour
        // entries: no ARP or neighbour discovery delays (and queues) the first datagrams.
        String macA = "02:53:59:00:00:01";
        String macB = "02:53:59:00:00:02";
        run("ip", "link", "add", devA, "address", macA, "netns", a.name, "type", "veth",
                "peer", "name", devB, "address", macB, "netns", b.name);
        a.configureVethEnd(devA, "1", "2", macB);
        b.configureVethEnd(devB, "2", "1", macA);
        a.awaitLinkUp(devA);
        b.awaitLinkUp(devB);
        return new Veth(devA, devB, InetAddress.getByName(IPV4_PREFIX + "1"), InetAddress.getByName(IPV4_PREFIX + "2"),
                InetAddress.getByName(IPV6_PREFIX + "1"), InetAddress.getByName(IPV6_PREFIX + "2"));
    }

    /**
     * Waits until {@code dev} is operationally up with its queueing discipline attached: the kernel
     * turns the carrier on and replaces the {@code noop} qdisc (which drops everything) from a
     * deferred link-watch task, which a loaded machine runs late; a datagram sent before that is lost.
     */
    private void awaitLinkUp(String dev) throws IOException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        String line = "";
        while (System.nanoTime() < deadline) {
            line = ip("-o", "link", "show", "dev", dev);
            if (line.contains("LOWER_UP") && line.contains("state UP") && !line.contains("qdisc noop")) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for " + dev, e);
            }
        }
        throw new IOException(dev + " in " + name + " did not come up within 10 s: " + line.strip());
    }

    private void configureVethEnd(String dev, String self, String peer, String peerMac) throws IOException {
        exec("ethtool", "-K", dev, "tx", "off");
        batch("addr add " + IPV4_PREFIX + self + "/24 dev " + dev,
                "addr add " + IPV6_PREFIX + self + "/64 dev " + dev + " nodad",
                "link set " + dev + " up",
                "neigh replace " + IPV4_PREFIX + peer + " lladdr " + peerMac + " dev " + dev + " nud permanent",
                "neigh replace " + IPV6_PREFIX + peer + " lladdr " + peerMac + " dev " + dev + " nud permanent");
    }

    /**
     * Runs several {@code ip} commands inside the namespace with one process ({@code ip -batch}).
     *
     * @param commands each an {@code ip} command line without the leading {@code ip}
     * @throws IOException if one fails
     */
    public void batch(String... commands) throws IOException {
        runWithInput(String.join("\n", commands) + "\n", "ip", "-n", name, "-batch", "-");
    }

    /** The namespace's name, as {@code ip netns list} shows it. */
    public String name() {
        return name;
    }

    /**
     * Runs {@code ip -n NAME args...}.
     *
     * @param args the arguments after {@code ip -n NAME}
     * @return its standard output
     * @throws IOException if it fails
     */
    public String ip(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    /**
     * Runs a program inside the namespace ({@code ip netns exec NAME command...}).
     *
     * @param command the program and its arguments
     * @return its standard output
     * @throws IOException if it cannot be started, fails, or takes longer than 30 seconds
     */
    public String exec(String... command) throws IOException {
        return execWithInput(null, command);
    }

    /**
     * Runs a program inside the namespace with {@code input} on its standard input.
     *
     * @param input what to write to its stdin, or null
     * @param command the program and its arguments
     * @return its standard output
     * @throws IOException if it fails
     */
    public String execWithInput(String input, String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return runWithInput(input, full.toArray(String[]::new));
    }

    /**
     * Runs {@code code} on the calling thread inside this namespace, then returns the thread to
     * the namespace it was in.
     *
     * @param code what to run
     * @param <T> its result
     * @return its result
     * @throws Exception what the code throws
     */
    public <T> T call(Callable<T> code) throws Exception {
        int origin = openNamespace("/proc/thread-self/ns/net");
        try {
            int target = openNamespace("/run/netns/" + name);
            try {
                if (NamespaceCalls.setns(target, NamespaceCalls.CLONE_NEWNET) != 0) {
                    throw new IOException("setns(" + name + ") failed: errno " + Native.getLastError());
                }
            } finally {
                NamespaceCalls.close(target);
            }
            try {
                return code.call();
            } finally {
                if (NamespaceCalls.setns(origin, NamespaceCalls.CLONE_NEWNET) != 0) {
                    // The thread would stay in a namespace that is about to vanish: nothing sane remains.
                    throw new IllegalStateException("could not return the thread from namespace " + name
                            + ": errno " + Native.getLastError());
                }
            }
        } finally {
            NamespaceCalls.close(origin);
        }
    }

    /** Removes the namespace (and the veth ends in it). Idempotent. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            run("ip", "netns", "delete", name);
        }
    }

    @Override
    public String toString() {
        return "network namespace " + name;
    }

    private static int openNamespace(String path) throws IOException {
        int fd = NamespaceCalls.open(path, NamespaceCalls.O_RDONLY | NamespaceCalls.O_CLOEXEC);
        if (fd < 0) {
            throw new IOException("open(" + path + ") failed: errno " + Native.getLastError());
        }
        return fd;
    }

    /**
     * Runs a command on the host (for {@code ip netns add/delete} and {@code ip link add ... netns}).
     *
     * @param command the program and arguments
     * @return its standard output
     * @throws IOException if it fails
     */
    static String run(String... command) throws IOException {
        return runWithInput(null, command);
    }

    private static String runWithInput(String input, String... command) throws IOException {
        Path stderr = Files.createTempFile("synack-netns", ".stderr");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        try {
            if (input != null) {
                process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            byte[] stdout;
            try (InputStream out = process.getInputStream()) {
                stdout = out.readAllBytes();
            }
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException(String.join(" ", command) + " did not finish in " + COMMAND_TIMEOUT_SECONDS + "s");
            }
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": "
                        + Files.readString(stderr).strip());
            }
            return new String(stdout, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + " was interrupted", e);
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(stderr);
        }
    }
}
