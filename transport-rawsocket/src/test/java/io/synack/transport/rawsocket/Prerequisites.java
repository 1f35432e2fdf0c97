package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;

/**
 * What the privileged tests need — Linux, root (for network namespaces, raw sockets and
 * nftables), and some programs — checked before a test uses them. A missing prerequisite skips
 * the test with the reason, except under {@code CI=true}: there it fails, naming what is missing
 * and the Debian package that provides it, so that a CI machine cannot pass by skipping.
 *
 * <p>The Debian packages: {@code iproute2} (ip, ss), {@code ethtool}, {@code nftables} (nft),
 * {@code tshark} (tshark, dumpcap), {@code python3} (the kernel peer of the interop tests),
 * {@code libcap2-bin} (capsh).
 */
public final class Prerequisites {

    private Prerequisites() {
    }

    /** Whether the environment variable {@code CI} is {@code true}. */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Linux, root (or the capabilities root has), and {@code ip} from {@code iproute2}. */
    public static void requireNamespaces() {
        require(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux"),
                "Linux (network namespaces)");
        require(hasNamespaceCapabilities(), "root, or CAP_SYS_ADMIN + CAP_NET_ADMIN + CAP_NET_RAW (to create "
                + "network namespaces and open raw sockets in them)");
        requireCommand("ip", "iproute2");
    }

    /**
     * A program on the PATH.
     *
     * @param command e.g. {@code nft}
     * @param debianPackage the package providing it, e.g. {@code nftables}
     */
    public static void requireCommand(String command, String debianPackage) {
        require(onPath(command) != null, "the program '" + command + "' (Debian package " + debianPackage + ")");
    }

    /**
     * Where {@code command} is on the PATH (also /usr/sbin and /sbin, which a non-login root shell
     * may lack), or null.
     */
    public static Path onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/sbin:/usr/bin:/bin";
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if (inCi()) {
            fail("CI=true but a prerequisite of this test is missing: " + what);
        }
        Assumptions.abort("skipped: this test needs " + what);
    }

    /** CAP_SYS_ADMIN (21), CAP_NET_ADMIN (12) and CAP_NET_RAW (13) in the effective set. */
    private static boolean hasNamespaceCapabilities() {
        try {
            List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
            for (String line : status) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    long needed = 1L << 21 | 1L << 12 | 1L << 13;
                    return (caps & needed) == needed;
                }
            }
            return false;
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }
}
