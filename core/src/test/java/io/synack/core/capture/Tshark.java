package io.synack.core.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs tshark and its companions (text2pcap, editcap). When one is missing the calling test fails under {@code CI=true}
 * (the build must have it) and is skipped, with the reason, elsewhere.
 */
final class Tshark {
    private Tshark() {}

    static Path require() {
        return require("tshark");
    }

    /** A Wireshark command-line tool (tshark, text2pcap, editcap: all in Debian's tshark package). */
    static Path require(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String why = tool + " is not on the PATH (install it: apt-get install -y tshark)";
        if ("true".equals(System.getenv("CI"))) {
            fail(why + "; it is required when CI=true");
        }
        Assumptions.assumeTrue(false, why + "; skipped because CI is not true");
        throw new AssertionError("unreachable");
    }

    /** Runs the tool with the arguments and returns its standard output lines; fails on a non-zero exit. */
    static List<String> run(Path tshark, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(tshark.toString());
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile("tshark", ".out");
        Path stderr = Files.createTempFile("tshark", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("tshark did not finish within 120 s: " + command);
            }
            String errors = Files.readString(stderr, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), "tshark " + command + " failed: " + errors);
            assertTrue(errors.lines().allMatch(l -> l.isBlank() || l.contains("Running as user")
                    || !tshark.endsWith("tshark")), "tshark complained: " + errors);
            return Files.readAllLines(stdout, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
