package io.synack.conformance.runner;

import io.synack.conformance.script.Parser;
import io.synack.conformance.script.Script;
import io.synack.conformance.script.ScriptSyntaxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs packetdrill-language scripts against one {@link io.synack.core.engine.TcpEngine} in virtual
 * time: the script plays the remote peer (its {@code <} lines are encoded on the wire and handed to
 * the engine, its {@code >} lines are matched against what the engine sends) and the application
 * (its system calls are mapped onto the engine's user calls).
 */
public final class ScriptRunner {

    /**
     * How to run.
     *
     * @param lenient do not compare outbound windows and options
     * @param settings {@code -s key=value} engine settings (above the script's own sysctl lines)
     * @param defines {@code -D NAME=value} definitions
     */
    public record Options(boolean lenient, Map<String, String> settings, Map<String, String> defines) {
        public Options {
            settings = Map.copyOf(settings);
            defines = Map.copyOf(defines);
        }

        /** Strict, default settings, nothing defined. */
        public static Options defaults() {
            return new Options(false, Map.of(), Map.of());
        }
    }

    private final Options options;

    public ScriptRunner(Options options) {
        this.options = options;
    }

    /**
     * Runs one script file.
     *
     * @param file the script
     * @param name how to name it in the result (the path as the user gave it)
     */
    public ScriptResult run(Path file, String name) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new ScriptResult(name, ScriptResult.Status.FAIL, 0, "cannot read: " + e.getMessage(), List.of());
        }
        return run(name, text);
    }

    /**
     * Runs a script given as text.
     *
     * @param name its name in the result
     * @param text its contents
     */
    public ScriptResult run(String name, String text) {
        Script script;
        try {
            script = Parser.parse(name, text, options.defines());
        } catch (ScriptSyntaxException e) {
            return new ScriptResult(name, ScriptResult.Status.FAIL, e.line(), "syntax error: " + e.detail(), List.of());
        }
        return new Execution(script, options).run();
    }
}
