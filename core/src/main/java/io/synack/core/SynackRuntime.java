package io.synack.core;

import com.google.inject.Injector;
import io.synack.api.TransportUnavailableException;
import io.synack.core.config.EffectiveSetting;
import io.synack.core.config.ValidatedSettings;
import io.synack.core.plugin.PluginStatus;
import io.synack.core.plugin.TransportSelector;
import io.synack.spi.TransportFactory;
import java.util.List;

/**
 * A composed synack: validated settings, discovered transports and the one Guice injector, built
 * by {@link Synack#builder()}. Immutable and thread-safe.
 *
 * <p>Stacks are made from its parts: a driver needs the selected {@link TransportFactory}
 * ({@link #transportFactory()}, or {@code @Inject TransportSelector} inside the injector) and the
 * {@link io.synack.spi.Settings} (bound in the injector). Creating a stack from a runtime belongs
 * in this class, beside {@link #transportFactory()}, once the drivers exist.
 */
public final class SynackRuntime {

    private final Injector injector;
    private final ValidatedSettings settings;
    private final TransportSelector transports;

    SynackRuntime(Injector injector) {
        this.injector = injector;
        this.settings = injector.getInstance(ValidatedSettings.class);
        this.transports = injector.getInstance(TransportSelector.class);
    }

    /** The validated configuration. */
    public ValidatedSettings settings() {
        return settings;
    }

    /** Every known setting with its effective value, source and description, sorted by key. */
    public List<EffectiveSetting> effectiveConfiguration() {
        return settings.effective();
    }

    /**
     * Every discovered transport plugin with its availability, sorted by name. Constructs every
     * transport's factory, as asking availability requires.
     *
     * @return one row per plugin
     */
    public List<PluginStatus> plugins() {
        return transports.statuses();
    }

    /** The configured transport's name ({@code synack.transport}). */
    public String transportName() {
        return transports.selectedName();
    }

    /**
     * The configured transport's factory; constructs no other transport's.
     *
     * @return the factory
     * @throws TransportUnavailableException if the transport cannot run here, saying why
     */
    public TransportFactory transportFactory() throws TransportUnavailableException {
        return transports.select();
    }

    /** The injector, for embedding applications that bound their own modules. */
    public Injector injector() {
        return injector;
    }
}
