package io.synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@QuarkusMainTest
class ConfigAndTransportsCommandTest {

    @TempDir
    Path dir;

    @Test
    void transportsListsLoopbackAsAvailableAndSelectedByDefault(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("transports");
        assertEquals(0, result.exitCode(), result.getErrorOutput());
        assertTrue(result.getOutput().lines().anyMatch(l -> l.matches("\\* loopback +yes .*")), result.getOutput());
        assertTrue(result.getOutput().contains("selected by synack.transport (loopback, from default)"), result.getOutput());
    }

    @Test
    void configShowsEachValueWithTheSourceThatWon(QuarkusMainLauncher launcher) throws IOException {
        Path file = dir.resolve("synack.yaml");
        Files.writeString(file, "synack:\n  tcp:\n    msl: 10s\n    rto:\n      initial: 500ms\n");
        LaunchResult result = launcher.launch("config", "-c", file.toString(), "-s", "synack.tcp.rto.initial=2s");
        assertEquals(0, result.exitCode(), result.getErrorOutput());
        String out = result.getOutput();
        assertTrue(out.lines().anyMatch(l -> l.matches("synack\\.tcp\\.msl +10s +" + java.util.regex.Pattern.quote(file.toString()) + ":3")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("synack\\.tcp\\.rto\\.initial +2s +command line \\(-s\\)")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("synack\\.transport +loopback +default")), out);
    }

    @Test
    void unknownKeyExits2WithSuggestionAndHint(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("config", "-s", "synack.tcp.msll=3s");
        assertEquals(2, result.exitCode());
        assertTrue(result.getErrorOutput().contains("synack.tcp.msll"), result.getErrorOutput());
        assertTrue(result.getErrorOutput().contains("did you mean 'synack.tcp.msl'"), result.getErrorOutput());
        assertTrue(result.getErrorOutput().contains("Hint:"), result.getErrorOutput());
    }

    @Test
    void outOfRangeValueNamesKeyValueAllowedRangeAndSource(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("config", "-s", "synack.tcp.rto.min=-5s");
        assertEquals(2, result.exitCode());
        String err = result.getErrorOutput();
        assertTrue(err.contains("synack.tcp.rto.min = \"-5s\" (from command line (-s)): must be a duration"), err);
    }

    @Test
    void unknownTransportListsTheKnownOnes(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("transports", "--transport", "carrier-pigeon");
        assertEquals(2, result.exitCode());
        assertTrue(result.getErrorOutput().contains("carrier-pigeon"), result.getErrorOutput());
        assertTrue(result.getErrorOutput().contains("loopback"), result.getErrorOutput());
    }

    @Test
    void setWithoutEqualsIsAUsageError(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("config", "-s", "synack.tcp.msl");
        assertEquals(2, result.exitCode());
        assertTrue(result.getErrorOutput().contains("is not KEY=VALUE"), result.getErrorOutput());
    }

    @Test
    void missingConfigFileExits2NamingTheFile(QuarkusMainLauncher launcher) {
        Path missing = dir.resolve("nope.properties");
        LaunchResult result = launcher.launch("config", "-c", missing.toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.getErrorOutput().contains(missing.toString()), result.getErrorOutput());
    }

    @Test
    void checkReportsEveryProblemOfAFileAtOnce(QuarkusMainLauncher launcher) throws IOException {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "synack.tcp.msl = forever\nsynack.tcp.rto.minimum = 1s\nsynack.loopback.loss = 2\n");
        LaunchResult result = launcher.launch("config", "--check", file.toString());
        assertEquals(2, result.exitCode());
        String err = result.getErrorOutput();
        assertTrue(err.contains("3 problems"), err);
        assertTrue(err.contains(file + ":1"), err);
        assertTrue(err.contains("synack.tcp.rto.minimum"), err);
        assertTrue(err.contains("synack.loopback.loss"), err);
    }

    @Test
    void checkOfAValidFileExits0(QuarkusMainLauncher launcher) throws IOException {
        Path file = dir.resolve("good.properties");
        Files.writeString(file, "synack.tcp.msl = 2s\n");
        LaunchResult result = launcher.launch("config", "--check", file.toString());
        assertEquals(0, result.exitCode(), result.getErrorOutput());
        assertTrue(result.getOutput().contains("valid"), result.getOutput());
    }

    @Test
    void malformedYamlExits2NamingTheFile(QuarkusMainLauncher launcher) throws IOException {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "synack:\n  tcp: [unclosed\n");
        LaunchResult result = launcher.launch("config", "-c", file.toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.getErrorOutput().contains(file.toString()), result.getErrorOutput());
    }
}
