package io.synack.cli;

import io.synack.core.Synack;
import io.synack.core.SynackRuntime;
import java.util.Map;

/**
 * The composition root of every command: builds the one Guice injector of a command run from the
 * configuration layers, with the command line's {@code -c}, {@code -s} and {@code --transport} as
 * the highest layer (DESIGN.md §5, §6).
 */
final class Composition {

    private Composition() {}

    /**
     * Discovers the transport plugins, validates the configuration and creates the injector.
     *
     * @param options the global options of the command being run
     * @return the runtime
     * @throws io.synack.api.InvalidConfigurationException with every configuration problem (exit 2)
     */
    static SynackRuntime runtime(GlobalOptions options) {
        Synack.Builder builder = Synack.builder();
        if (options.configFile != null) {
            builder.configFile(options.configFile);
        }
        for (Map.Entry<String, String> e : options.overrides().entrySet()) {
            String origin = e.getKey().equals("synack.transport") && options.transport != null
                    ? "command line (--transport)" : "command line (-s)";
            builder.set(e.getKey(), e.getValue(), origin);
        }
        return builder.build();
    }
}
