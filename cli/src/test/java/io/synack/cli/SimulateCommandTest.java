package io.synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.util.List;
import org.junit.jupiter.api.Test;

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
    void zeroRunsIsAUsageError(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("simulate", "--runs", "0");
        assertEquals(2, result.exitCode(), result.getOutput() + result.getErrorOutput());
    }
}
