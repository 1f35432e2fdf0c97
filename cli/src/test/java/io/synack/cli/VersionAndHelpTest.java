package io.synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

@QuarkusMainTest
class VersionAndHelpTest {

    @Test
    @Launch({"--version"})
    void versionNamesSynackAndJava(LaunchResult result) {
        assertEquals(0, result.exitCode());
        assertTrue(result.getOutput().contains("synack 0.1.0"), result.getOutput());
        assertTrue(result.getOutput().contains("Java "), result.getOutput());
    }

    @Test
    @Launch(value = {"--no-such-option"}, exitCode = 2)
    void unknownOptionIsAUsageErrorWithExit2(LaunchResult result) {
        assertTrue(result.getErrorOutput().contains("Unknown option: '--no-such-option'"), result.getErrorOutput());
        assertTrue(result.getErrorOutput().contains("Hint: run 'synack --help'"), result.getErrorOutput());
    }
}
