package io.synack.cli;

import io.synack.conformance.runner.ScriptRunner;
import io.synack.conformance.runner.SuiteRunner;
import io.synack.core.config.ConfigurationLoader;
import io.synack.core.engine.EngineSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code synack script}: runs packetdrill-language scripts against the engine in virtual time and
 * prints {@code ok PATH}, {@code FAIL PATH:LINE expected ... actual ...} or {@code skip PATH (reason)}
 * per script, then {@code N passed, N failed, N skipped}. Exit 0 iff nothing failed.
 */
@Command(name = "script", mixinStandardHelpOptions = true,
        description = {"Run packetdrill scripts (.pkt) against the engine: the script plays the remote peer and the "
                + "application, in virtual time. Directories are searched for *.pkt recursively.",
                "Engine settings come from -s only (and the scripts' own sysctl lines, which -s overrides): "
                        + "the environment and configuration files do not apply, so a script runs the same everywhere.",
                "Exit 0 iff no script failed."})
final class ScriptCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Option(names = "--lenient", description = "Do not compare outbound windows and options (stacks choose different defaults).")
    boolean lenient;

    @Option(names = "-D", paramLabel = "NAME=VALUE",
            description = "Define NAME for #ifdef and substitute VALUE for ${NAME} and NAME (repeatable).")
    List<String> defines = new ArrayList<>();

    @Parameters(paramLabel = "FILE|DIR", arity = "1..*", description = "Scripts, or directories of *.pkt scripts.")
    List<Path> paths;

    @Override
    public Integer call() {
        if (global.configFile != null || global.transport != null) {
            throw new ParameterException(spec.commandLine(), "synack script runs the engine in memory: -c and "
                    + "--transport do not apply; configure the engine with -s synack.tcp.KEY=VALUE");
        }
        Map<String, String> settings = global.overrides();
        // The same validation as every command: unknown keys (with a suggestion) and bad values exit 2.
        ConfigurationLoader loader = new ConfigurationLoader().declare(EngineSettings.all())
                .environment(Map.of()).systemProperties(Map.of());
        settings.forEach((k, v) -> loader.set(k, v, "command line (-s)"));
        loader.load();
        Map<String, String> defined = new LinkedHashMap<>();
        for (String d : defines) {
            int eq = d.indexOf('=');
            String name = eq < 0 ? d : d.substring(0, eq);
            if (!name.matches("[A-Za-z_]\\w*")) {
                throw new ParameterException(spec.commandLine(),
                        "Invalid value for option '-D': '" + d + "' is not NAME or NAME=VALUE (e.g. -D TFO=1)");
            }
            defined.put(name, eq < 0 ? "" : d.substring(eq + 1));
        }
        List<Path> scripts;
        try {
            scripts = SuiteRunner.expand(paths);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (scripts.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no *.pkt scripts in " + paths);
        }
        PrintWriter out = spec.commandLine().getOut();
        SuiteRunner.Summary summary = new SuiteRunner(new ScriptRunner(new ScriptRunner.Options(lenient, settings, defined)))
                .run(scripts, out, global.verbose);
        return summary.count(io.synack.conformance.runner.ScriptResult.Status.FAIL) == 0 ? 0 : 1;
    }
}
