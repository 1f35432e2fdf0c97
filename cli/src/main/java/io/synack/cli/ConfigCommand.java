package io.synack.cli;

import io.synack.api.InvalidConfigurationException;
import io.synack.core.SynackRuntime;
import io.synack.core.config.EffectiveSetting;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code synack config}: the effective configuration with each value's source, or
 * {@code --check FILE} to validate a file and report every error at once.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Print the effective configuration: every synack.* key, its value and where the value came from.",
            "Layers, lowest first: default < config file < environment (SYNACK_TCP_MSL) < system property < command line."})
final class ConfigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Option(names = "--check", paramLabel = "FILE",
            description = "Validate FILE (.properties/.yaml) and report every problem at once; exit 2 if any.")
    Path check;

    @Option(names = {"-d", "--describe"}, description = "Also print what each setting does and what it allows.")
    boolean describe;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (check != null) {
            global.configFile = check;
        }
        SynackRuntime runtime;
        try {
            runtime = Composition.runtime(global);
        } catch (InvalidConfigurationException e) {
            if (check == null) {
                throw e;
            }
            PrintWriter err = spec.commandLine().getErr();
            err.printf("%s: %d problem%s%n", check, e.problems().size(), e.problems().size() == 1 ? "" : "s");
            e.problems().forEach(p -> err.println("  - " + p));
            err.flush();
            return 2;
        }
        if (check != null) {
            out.println(check + ": valid (" + runtime.effectiveConfiguration().size() + " settings known)");
            out.flush();
            return 0;
        }
        int keyWidth = 0;
        int valueWidth = 0;
        for (EffectiveSetting s : runtime.effectiveConfiguration()) {
            keyWidth = Math.max(keyWidth, s.key().length());
            valueWidth = Math.max(valueWidth, s.value().length());
        }
        String row = "%-" + keyWidth + "s  %-" + valueWidth + "s  %s%n";
        out.printf(row, "KEY", "VALUE", "SOURCE");
        for (EffectiveSetting s : runtime.effectiveConfiguration()) {
            out.printf(row, s.key(), s.value(), s.source().description());
            if (describe) {
                out.printf("    %s; allowed: %s%n", s.description(), s.allowed());
            }
        }
        out.flush();
        return 0;
    }
}
