package io.synack.core.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import io.synack.core.config.ValidatedSettings;
import io.synack.spi.Settings;
import io.synack.spi.TransportFactory;

/**
 * Core's bindings: the validated configuration (as {@link Settings} for factories and as
 * {@link ValidatedSettings}), the discovered plugins, the {@link TransportSelector}, and the
 * transport map every plugin adds to.
 * Declaring the map here keeps it injectable (and empty) when no plugin is present.
 */
public final class SynackModule extends AbstractModule {

    private final ValidatedSettings settings;
    private final TransportPlugins plugins;

    /**
     * @param settings the validated configuration
     * @param plugins the discovered plugins (their modules are installed separately)
     */
    public SynackModule(ValidatedSettings settings, TransportPlugins plugins) {
        this.settings = settings;
        this.plugins = plugins;
    }

    @Override
    protected void configure() {
        bind(Settings.class).toInstance(settings);
        bind(ValidatedSettings.class).toInstance(settings);
        bind(TransportPlugins.class).toInstance(plugins);
        bind(TransportSelector.class);
        MapBinder.newMapBinder(binder(), String.class, TransportFactory.class);
    }
}
