package io.synack.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options every command takes (mixed into each). They are the highest layer of the
 * configuration (DESIGN.md §6): built-in defaults &lt; file &lt; environment &lt; system properties &lt;
 * these flags.
 */
public final class GlobalOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration file (.properties, .yaml or .yml).")
    Path configFile;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Set one configuration value, e.g. -s synack.tcp.msl=2s (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--transport", paramLabel = "NAME",
            description = "Transport to use (same as -s synack.transport=NAME), e.g. loopback or rawsocket.")
    String transport;

    @Option(names = {"-v", "--verbose"}, description = "Log state transitions and dropped segments.")
    boolean verbose;

    /**
     * The command-line overrides as configuration keys and values, in the order given.
     *
     * @return key to value
     * @throws ParameterException (exit 2) for an item that is not KEY=VALUE
     */
    public Map<String, String> overrides() {
        Map<String, String> result = new LinkedHashMap<>();
        for (String item : sets) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new ParameterException(mixee.commandLine(),
                        "Invalid value for option '--set': '" + item + "' is not KEY=VALUE (e.g. -s synack.tcp.msl=2s)");
            }
            result.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        if (transport != null) {
            result.put("synack.transport", transport);
        }
        return result;
    }
}
