package io.synack.cli;

import io.synack.core.SynackRuntime;
import io.synack.core.plugin.PluginStatus;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code synack transports}: every discovered transport plugin, whether it can run here, and why not. */
@Command(name = "transports", mixinStandardHelpOptions = true,
        description = "List the discovered transport plugins, whether each is available here, and why not.")
final class TransportsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Override
    public Integer call() {
        SynackRuntime runtime = Composition.runtime(global);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-2s%-12s %-11s %s%n", "", "TRANSPORT", "AVAILABLE", "DESCRIPTION");
        for (PluginStatus p : runtime.plugins()) {
            out.printf("%-2s%-12s %-11s %s%n", p.selected() ? "*" : "", p.name(),
                    p.availability().available() ? "yes" : "no", p.description());
            if (!p.availability().available()) {
                out.printf("%-2s%-12s %-11s why not: %s%n", "", "", "", p.availability().cause());
            }
        }
        out.printf("%n* = selected by synack.transport (%s, from %s)%n", runtime.transportName(),
                runtime.settings().sourceOf("synack.transport").description());
        out.flush();
        return 0;
    }
}
