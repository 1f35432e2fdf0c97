package io.synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@QuarkusMainTest
class SimulateCommandTest {

    @Test
    void threeSeedsEndWithTheClosingLine(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("simulate", "--runs", "3", "--seed", "1", "--max-bytes", "4096");
        List<String> lines = result.getOutput().lines().toList();
        assertEquals("synack simulate: 3 runs from seed 1", lines.get(0), result.getOutput());
        String last = lines.get(lines.size() - 1);
        assertTrue(last.matches("\\d+ passed, \\d+ failed"), last);
        assertEquals(last.equals("3 passed, 0 failed") ? 0 : 1, result.exitCode(), result.getOutput());
        assertEquals("3 passed, 0 failed", last, result.getOutput());
    }

    @Test
    void aBadFaultSpecIsAUsageError(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("simulate", "--runs", "1", "--faults", "loss=banana");
        assertEquals(2, result.exitCode(), result.getOutput() + result.getErrorOutput());
        assertTrue(result.getErrorOutput().contains("--faults"), result.getErrorOutput());
    }

    @Test
    void engineSettingsApplyAndTheReplayRepeatsThem(QuarkusMainLauncher launcher) {
        // The unsafe close-on-first-fin loses the data of the side that waits for the peer's FIN.
        LaunchResult result = launcher.launch("simulate", "--runs", "5", "--seed", "1", "--clients", "1",
                "--faults", "none", "--max-bytes", "4096", "-s", "synack.tcp.unsafe.close-on-first-fin=true");
        assertEquals(1, result.exitCode(), result.getOutput());
        assertTrue(result.getOutput().contains("invariant 1"), result.getOutput());
        assertTrue(result.getOutput().contains("  replay: ./synack simulate --runs 1 --seed ")
                && result.getOutput().contains(" --max-bytes 4096 -s synack.tcp.unsafe.close-on-first-fin=true"),
                result.getOutput());
    }

    @Test
    void onlyEngineSettingsAreAccepted(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("simulate", "--runs", "1", "-s", "synack.loopback.loss=0.1");
        assertEquals(2, result.exitCode(), result.getOutput() + result.getErrorOutput());
        assertTrue(result.getErrorOutput().contains("synack.loopback.loss"), result.getErrorOutput());
    }

    @Test
    void pcapWritesTheRunsDatagrams(QuarkusMainLauncher launcher, @TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("run.pcap");
        LaunchResult result = launcher.launch("simulate", "--runs", "1", "--seed", "3", "--clients", "1",
                "--faults", "none", "--max-bytes", "1000", "--pcap", pcap.toString());
        assertEquals(0, result.exitCode(), result.getOutput() + result.getErrorOutput());
        byte[] bytes = Files.readAllBytes(pcap);
        // pcap header (24 bytes), then at least a handshake, data and teardown, 16-byte record headers
        assertTrue(bytes.length > 24 + 7 * (16 + 40), "only " + bytes.length + " bytes");
        assertEquals(2, launcher.launch("simulate", "--runs", "2", "--pcap", pcap.toString()).exitCode());
    }

    @Test
    void zeroRunsIsAUsageError(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("simulate", "--runs", "0");
        assertEquals(2, result.exitCode(), result.getOutput() + result.getErrorOutput());
    }
}
