package io.synack.api;

import java.util.List;

/**
 * One or more configuration values are invalid. Each problem names the key, the bad value, what is
 * allowed and the source the value came from (file and line where known), e.g.
 * {@code synack.tcp.msl = "-3s" (from /etc/synack.yaml:4): must be a duration between 0s and 10m}.
 */
public class InvalidConfigurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /** @param problems one complete sentence per problem; at least one */
    public InvalidConfigurationException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an InvalidConfigurationException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** @param problem one complete sentence */
    public InvalidConfigurationException(String problem) {
        this(List.of(problem));
    }

    /** Every problem found, in the order found. */
    public List<String> problems() {
        return problems;
    }
}
