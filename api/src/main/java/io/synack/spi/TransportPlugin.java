package io.synack.spi;

import java.util.List;

/**
 * A transport plugin, found with {@link java.util.ServiceLoader} through a
 * {@code META-INF/services/io.synack.spi.TransportPlugin} entry in its jar.
 *
 * <p>The implementing class must also be a Guice module ({@code extends AbstractModule}) whose
 * {@code configure()} adds the plugin's {@link TransportFactory} to
 * {@code MapBinder.newMapBinder(binder(), String.class, TransportFactory.class)} under
 * {@link #name()}. The SPI names no Guice type so that this module depends on the JDK and
 * {@code jakarta.inject} only; the composition root rejects a plugin that is not a module.
 * Factories may {@code @Inject} a {@link Settings} to read their validated settings.
 */
public interface TransportPlugin {

    /** The name users select in {@code synack.transport}, e.g. {@code loopback}. Lower case. */
    String name();

    /** One line saying what the transport is. */
    String description();

    /**
     * The settings this transport reads, all under {@code synack.<name>.}. They are validated with
     * the rest of the configuration, so a misspelt key is an error, not silently ignored.
     */
    List<Setting<?>> settings();
}
