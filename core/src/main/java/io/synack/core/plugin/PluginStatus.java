package io.synack.core.plugin;

import io.synack.spi.Availability;

/**
 * One row of the transport list: a plugin, whether its transport can run here and why not, and
 * whether the configuration selects it.
 *
 * @param name the plugin's name
 * @param description one line saying what the transport is
 * @param availability whether it can run here; the cause says why not
 * @param selected whether {@code synack.transport} names it
 * @param pluginClass the plugin's class name
 */
public record PluginStatus(String name, String description, Availability availability, boolean selected,
        String pluginClass) {}
