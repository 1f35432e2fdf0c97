package io.synack.conformance;

import io.synack.conformance.runner.ScriptRunner;
import io.synack.conformance.runner.SuiteRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

class ScratchRun {
    @Test
    @EnabledIfSystemProperty(named = "scratch", matches = ".+")
    void run() {
        boolean lenient = Boolean.getBoolean("lenient");
        new SuiteRunner(new ScriptRunner(new ScriptRunner.Options(lenient, Map.of(), Map.of())))
                .run(SuiteRunner.expand(List.of(Path.of(System.getProperty("scratch")))), new PrintWriter(System.out), true);
    }
}
