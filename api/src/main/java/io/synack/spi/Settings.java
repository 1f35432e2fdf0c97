package io.synack.spi;

/**
 * The validated, immutable configuration, bound in Guice by the composition root. Every value was
 * checked once against its {@link Setting} when the configuration was loaded.
 */
public interface Settings {

    /**
     * The effective value of a setting: the highest-priority source's, or its default.
     *
     * @param setting the setting, as declared by the engine or a plugin
     * @param <T> its type
     * @return the value
     * @throws IllegalArgumentException if the setting was never declared to the configuration
     */
    <T> T get(Setting<T> setting);
}
