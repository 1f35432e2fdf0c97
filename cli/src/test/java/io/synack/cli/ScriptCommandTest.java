package io.synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@QuarkusMainTest
class ScriptCommandTest {

    static final String HANDSHAKE = """
            0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0  bind(3, ..., ...) = 0
            +0  listen(3, 1) = 0
            +0  < S 0:0(0) win 65535 <mss 1460>
            +0  > S. 0:0(0) ack 1 win 65535 <mss 1460>
            +.1 < . 1:1(0) ack 1 win 65535
            +0  accept(3, ..., ...) = 4
            """;

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void aDirectoryOfScriptsGivesOneLineEachAndTheClosingLine(QuarkusMainLauncher launcher) throws IOException {
        write("a/ok.pkt", HANDSHAKE);
        write("a/wrong.pkt", HANDSHAKE.replace("> S. 0:0(0) ack 1", "> S. 0:0(0) ack 2"));
        write("a/python.pkt", HANDSHAKE + "+0 %{ print(tcpi_rtt) }%\n");
        LaunchResult result = launcher.launch("script", dir.resolve("a").toString());
        List<String> lines = result.getOutput().lines().toList();
        assertEquals(4, lines.size(), result.getOutput());
        assertEquals("ok " + dir.resolve("a/ok.pkt"), lines.get(0));
        assertTrue(lines.get(1).startsWith("skip " + dir.resolve("a/python.pkt") + " ("), lines.get(1));
        assertTrue(lines.get(2).startsWith("FAIL " + dir.resolve("a/wrong.pkt") + ":5 expected > S. 0:0(0) ack 2"),
                lines.get(2));
        assertTrue(lines.get(2).contains("actual > S. 0:0(0) ack 1"), lines.get(2));
        assertEquals("1 passed, 1 failed, 1 skipped", lines.get(3));
        assertEquals(1, result.exitCode());
    }

    @Test
    void allPassingExitsZero(QuarkusMainLauncher launcher) throws IOException {
        Path p = write("ok.pkt", HANDSHAKE);
        LaunchResult result = launcher.launch("script", p.toString());
        assertEquals(0, result.exitCode(), result.getOutput() + result.getErrorOutput());
        assertEquals("1 passed, 0 failed, 0 skipped", result.getOutput().lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void settingsAndDefinesReachTheScript(QuarkusMainLauncher launcher) throws IOException {
        Path p = write("mss.pkt", """
                0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
                +0  bind(3, ..., ...) = 0
                +0  listen(3, 1) = 0
                +0  < S 0:0(0) win 65535 <mss 1460>
                #ifdef SMALL
                +0  > S. 0:0(0) ack 1 win 65535 <mss MSS>
                #endif
                """);
        LaunchResult result = launcher.launch("script", "-s", "synack.tcp.mss=1000", "-D", "SMALL", "-D", "MSS=1000",
                p.toString());
        assertEquals(0, result.exitCode(), result.getOutput() + result.getErrorOutput());
        LaunchResult without = launcher.launch("script", "-D", "SMALL", "-D", "MSS=1000", p.toString());
        assertEquals(1, without.exitCode(), without.getOutput());
        assertTrue(without.getOutput().contains("mss 1460 instead of mss 1000"), without.getOutput());
    }

    @Test
    void verboseListsWhatWasIgnored(QuarkusMainLauncher launcher) throws IOException {
        Path p = write("notes.pkt", "--bind_port=8081\n`tc qdisc show`\n" + HANDSHAKE);
        LaunchResult result = launcher.launch("script", "-v", p.toString());
        assertEquals(0, result.exitCode(), result.getOutput() + result.getErrorOutput());
        assertTrue(result.getOutput().contains("  note: line 1: option --bind_port ignored"), result.getOutput());
        assertTrue(result.getOutput().contains("  note: line 2: shell command skipped: tc qdisc show"), result.getOutput());
    }

    @Test
    void transportAndConfigFileDoNotApply(QuarkusMainLauncher launcher) throws IOException {
        Path p = write("ok.pkt", HANDSHAKE);
        LaunchResult result = launcher.launch("script", "--transport", "loopback", p.toString());
        assertEquals(2, result.exitCode(), result.getOutput() + result.getErrorOutput());
        assertTrue(result.getErrorOutput().contains("-s synack.tcp.KEY=VALUE"), result.getErrorOutput());
    }

    @Test
    void aBadSettingIsAUsageError(QuarkusMainLauncher launcher) throws IOException {
        Path p = write("ok.pkt", HANDSHAKE);
        LaunchResult result = launcher.launch("script", "-s", "synack.tcp.mss=banana", p.toString());
        assertEquals(2, result.exitCode(), result.getOutput() + result.getErrorOutput());
        assertTrue(result.getErrorOutput().contains("synack.tcp.mss"), result.getErrorOutput());
    }

    @Test
    void aMissingPathIsAUsageError(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("script", dir.resolve("nope.pkt").toString());
        assertEquals(2, result.exitCode(), result.getOutput() + result.getErrorOutput());
        assertTrue(result.getErrorOutput().contains("no such file"), result.getErrorOutput());
    }

    @Test
    void noArgumentsIsAUsageError(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("script");
        assertEquals(2, result.exitCode(), result.getOutput() + result.getErrorOutput());
    }
}
