package io.synack.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.conformance.runner.ScriptResult;
import io.synack.conformance.runner.ScriptRunner;
import io.synack.conformance.runner.SuiteRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Scripts written as a Linux user writes them ({@code linux-style/}, beside {@code scripts/} so that our suite stays only ours): Linux's SYN options
 * ({@code <mss 1460,sackOK,TS val ... ecr 0,nop,wscale 7>}), quick ACKs at the start, windows left
 * out of outbound lines. They pass in two ways: strictly with the setting that makes the engine
 * announce Linux's window scale (Linux derives 7 from tcp_rmem's 6 MiB maximum; synack derives its
 * shift from synack.tcp.receive-buffer), or with {@code --lenient} and default settings. The
 * scripts under {@code differences/} fail on real differences from Linux, pinned here to the line.
 */
class LinuxStyleScriptsTest {
    static final Path DIR = Path.of("linux-style");
    static final Map<String, String> LINUX_BUFFER = Map.of("synack.tcp.receive-buffer", "6291456");

    private static List<ScriptResult> run(Path dir, boolean lenient, Map<String, String> settings) {
        List<Path> scripts = SuiteRunner.expand(List.of(dir)).stream()
                .filter(p -> !p.startsWith(DIR.resolve("differences"))).collect(Collectors.toList());
        ScriptRunner runner = new ScriptRunner(new ScriptRunner.Options(lenient, settings, Map.of()));
        return scripts.stream().map(p -> runner.run(p, p.toString())).collect(Collectors.toList());
    }

    private static String lines(List<ScriptResult> results) {
        return results.stream().map(ScriptResult::summaryLine).collect(Collectors.joining("\n"));
    }

    @Test
    void passStrictlyWithLinuxsReceiveBuffer() {
        List<ScriptResult> results = run(DIR, false, LINUX_BUFFER);
        assertTrue(results.size() >= 5, lines(results));
        assertTrue(results.stream().allMatch(r -> r.status() == ScriptResult.Status.OK), lines(results));
    }

    @Test
    void passLenientlyWithDefaults() {
        List<ScriptResult> results = run(DIR, true, Map.of());
        assertTrue(results.stream().allMatch(r -> r.status() == ScriptResult.Status.OK), lines(results));
    }

    @Test
    void strictlyWithDefaultsTheWindowScaleDiffers() {
        List<ScriptResult> results = run(DIR, false, Map.of());
        for (ScriptResult r : results) {
            if (r.source().endsWith("syn-to-closed-port.pkt")) {
                assertEquals(ScriptResult.Status.OK, r.status(), r.summaryLine()); // no options negotiated
            } else {
                assertEquals(ScriptResult.Status.FAIL, r.status(), r.summaryLine());
                assertTrue(r.message().contains("option wscale 3 instead of wscale 7"), r.summaryLine());
            }
        }
    }

    @Test
    void resetOnCloseWithUnreadDataHasNoAckBit() {
        Path p = DIR.resolve("differences/close-with-unread-data.pkt");
        ScriptResult r = new ScriptRunner(new ScriptRunner.Options(true, LINUX_BUFFER, Map.of())).run(p, p.toString());
        assertEquals(ScriptResult.Status.FAIL, r.status(), r.summaryLine());
        assertEquals(17, r.line(), r.summaryLine());
        assertTrue(r.message().contains("actual > R 1:1(0) win 0") && r.message().contains("flags R instead of R."),
                r.summaryLine());
    }

    @Test
    void naglesAlgorithmHoldsTheTailOfAWriteBehindAFullSegment() {
        Path p = DIR.resolve("differences/passive-open-data.pkt");
        ScriptResult r = new ScriptRunner(new ScriptRunner.Options(true, LINUX_BUFFER, Map.of())).run(p, p.toString());
        assertEquals(ScriptResult.Status.FAIL, r.status(), r.summaryLine());
        assertEquals(23, r.line(), r.summaryLine());
        assertTrue(r.message().startsWith("expected > P. 1449:2001(552)") && r.message().contains("nothing sent by"),
                r.summaryLine());
    }
}
