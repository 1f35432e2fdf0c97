package io.synack.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.synack.conformance.runner.ScriptResult;
import io.synack.conformance.runner.ScriptRunner;
import io.synack.conformance.runner.SuiteRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Runs every script under {@code conformance/scripts/} (recursively) with default settings, strict
 * comparison, and fails listing each failing script with its first mismatch (a skipped script fails
 * it too: our own scripts use only what the runner supports). Scripts that need
 * other settings say so in their own option and shell lines. Scripts in Linux conventions live
 * beside it in {@code conformance/linux-style/} and are run by {@link LinuxStyleScriptsTest};
 * {@code *.pkt.disabled} files are not run.
 */
class OurSuiteTest {
    static final Path SCRIPTS = Path.of("scripts");

    @Test
    void everyScriptPasses() {
        assertTrue(Files.isDirectory(SCRIPTS), "run from the conformance module: " + SCRIPTS.toAbsolutePath());
        List<Path> scripts = SuiteRunner.expand(List.of(SCRIPTS));
        assertFalse(scripts.isEmpty(), "no scripts under " + SCRIPTS);
        StringWriter text = new StringWriter();
        SuiteRunner.Summary summary = new SuiteRunner(new ScriptRunner(ScriptRunner.Options.defaults()))
                .run(scripts, new PrintWriter(text), false);
        System.out.print(text);
        List<String> failures = summary.results().stream().filter(r -> r.status() != ScriptResult.Status.OK)
                .map(ScriptResult::summaryLine).collect(Collectors.toList());
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + scripts.size() + " scripts did not pass:\n" + String.join("\n", failures));
        }
    }
}
