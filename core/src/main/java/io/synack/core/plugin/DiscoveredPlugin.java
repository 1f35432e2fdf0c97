package io.synack.core.plugin;

import com.google.inject.Module;
import io.synack.spi.Setting;
import java.util.List;

/**
 * A transport plugin that passed the checks of {@link TransportPlugins}: what it said about itself,
 * read once, and its Guice module (the plugin object itself).
 *
 * @param name the name users select in {@code synack.transport}
 * @param description one line saying what the transport is
 * @param settings the settings it reads, all under {@code synack.<name>.}
 * @param pluginClass the plugin's class name, for messages
 * @param module the plugin as a Guice module
 */
public record DiscoveredPlugin(String name, String description, List<Setting<?>> settings, String pluginClass,
        Module module) {

    /** Copies the settings. */
    public DiscoveredPlugin {
        settings = List.copyOf(settings);
    }
}
