package io.synack.core.plugin;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.synack.api.TransportUnavailableException;
import io.synack.core.config.CoreSettings;
import io.synack.spi.Availability;
import io.synack.spi.Settings;
import io.synack.spi.TransportFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Picks the configured transport's factory from {@code Map<String, Provider<TransportFactory>>}.
 * Only the selected provider is called, so other transports are never constructed; only
 * {@link #statuses()} constructs every factory, because availability is a factory's to tell.
 */
public final class TransportSelector {

    private final Map<String, Provider<TransportFactory>> factories;
    private final TransportPlugins plugins;
    private final String selected;

    @Inject
    TransportSelector(Map<String, Provider<TransportFactory>> factories, TransportPlugins plugins, Settings settings) {
        this.factories = factories;
        this.plugins = plugins;
        this.selected = settings.get(CoreSettings.TRANSPORT);
    }

    /** The configured transport's name ({@code synack.transport}). */
    public String selectedName() {
        return selected;
    }

    /**
     * The configured transport's factory, if its transport can run here.
     *
     * @return the factory
     * @throws TransportUnavailableException if the factory says it cannot run here, with its cause
     */
    public TransportFactory select() throws TransportUnavailableException {
        Provider<TransportFactory> provider = factories.get(selected);
        if (provider == null) {
            // Validation checked the name against the plugins, and the runtime checked every plugin
            // bound its factory; reaching here means the map was changed behind their back.
            throw new IllegalStateException("no TransportFactory is bound under '" + selected + "'");
        }
        TransportFactory factory = provider.get();
        Availability availability = availabilityOf(factory);
        if (!availability.available()) {
            throw new TransportUnavailableException(selected, availability.cause());
        }
        return factory;
    }

    /**
     * Every plugin with its availability, sorted by name. Constructs every factory.
     *
     * @return one row per plugin
     */
    public List<PluginStatus> statuses() {
        List<PluginStatus> rows = new ArrayList<>();
        for (DiscoveredPlugin plugin : plugins.all()) {
            rows.add(new PluginStatus(plugin.name(), plugin.description(), availabilityOf(plugin.name()),
                    plugin.name().equals(selected), plugin.pluginClass()));
        }
        return List.copyOf(rows);
    }

    private Availability availabilityOf(String name) {
        Provider<TransportFactory> provider = factories.get(name);
        if (provider == null) {
            return Availability.no("its plugin binds no TransportFactory under '" + name + "'");
        }
        TransportFactory factory;
        try {
            factory = provider.get();
        } catch (RuntimeException e) {
            return Availability.no("its factory could not be created: " + e.getMessage());
        }
        return availabilityOf(factory);
    }

    /** The SPI says availability() never throws; a plugin that does anyway is reported, not fatal. */
    private static Availability availabilityOf(TransportFactory factory) {
        try {
            Availability availability = factory.availability();
            return availability != null ? availability
                    : Availability.no(factory.getClass().getName() + ".availability() returned null");
        } catch (RuntimeException e) {
            return Availability.no(factory.getClass().getName() + ".availability() failed: " + e);
        }
    }
}
