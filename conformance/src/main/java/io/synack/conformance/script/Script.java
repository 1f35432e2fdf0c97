package io.synack.conformance.script;

import java.util.List;

/**
 * A parsed script.
 *
 * @param source the name it was read from
 * @param options the option lines ({@code --tolerance_usecs=10000}), in order
 * @param events the events, in order
 */
public record Script(String source, List<OptionLine> options, List<Event> events) {

    /**
     * {@code --name=value} at the top of a script.
     *
     * @param line where
     * @param name without the dashes
     * @param value the text after '=', or null
     */
    public record OptionLine(int line, String name, String value) {}
}
