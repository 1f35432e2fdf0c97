package io.synack.core.plugin;

import java.util.List;

/**
 * A transport plugin on the classpath is broken: it is not a Guice module, its name is invalid or
 * taken, its settings leave its namespace, or it could not be loaded. A packaging or programming
 * error, not a configuration one: each problem names the plugin's class.
 */
public class PluginException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /** @param problems one complete sentence per problem; at least one */
    public PluginException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a PluginException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in the order found. */
    public List<String> problems() {
        return problems;
    }
}
