package io.synack.core.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a configuration value came from, in words a user can act on: {@code default},
 * {@code /etc/synack.yaml:4}, {@code environment variable SYNACK_TCP_MSL},
 * {@code system property synack.tcp.msl}, {@code command line (-s)}.
 *
 * @param layer the layer, which decides precedence
 * @param description the source as printed in errors and in the effective configuration
 */
public record ValueSource(Layer layer, String description) {

    /** The configuration layers, lowest precedence first. */
    public enum Layer {
        /** The setting's built-in default. */
        DEFAULT,
        /** A configuration file. */
        FILE,
        /** An environment variable. */
        ENVIRONMENT,
        /** A Java system property. */
        SYSTEM_PROPERTY,
        /** Set programmatically or by a command-line flag. */
        OVERRIDE
    }

    private static final ValueSource DEFAULT = new ValueSource(Layer.DEFAULT, "default");

    /** Validates the components. */
    public ValueSource {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(description, "description");
    }

    /** The built-in default. */
    public static ValueSource defaultValue() {
        return DEFAULT;
    }

    /**
     * A line of a configuration file.
     *
     * @param file the file, as the user named it
     * @param line the 1-based line, or 0 when unknown
     * @return the source
     */
    public static ValueSource file(Path file, int line) {
        return new ValueSource(Layer.FILE, line > 0 ? file + ":" + line : file.toString());
    }

    /**
     * An environment variable.
     *
     * @param name the variable's name, e.g. {@code SYNACK_TCP_MSL}
     * @return the source
     */
    public static ValueSource environment(String name) {
        return new ValueSource(Layer.ENVIRONMENT, "environment variable " + name);
    }

    /**
     * A Java system property.
     *
     * @param name the property's name
     * @return the source
     */
    public static ValueSource systemProperty(String name) {
        return new ValueSource(Layer.SYSTEM_PROPERTY, "system property " + name);
    }

    /**
     * A programmatic or command-line override.
     *
     * @param origin how it was set, e.g. {@code command line (-s)}
     * @return the source
     */
    public static ValueSource override(String origin) {
        return new ValueSource(Layer.OVERRIDE, origin);
    }

    @Override
    public String toString() {
        return description;
    }
}
