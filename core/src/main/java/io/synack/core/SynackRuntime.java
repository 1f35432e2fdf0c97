package io.synack.core;

import com.google.inject.Injector;
import io.synack.api.SynackException;
import io.synack.api.TcpStack;
import io.synack.api.TransportUnavailableException;
import io.synack.core.config.CoreSettings;
import io.synack.core.driver.DriverOptions;
import io.synack.core.driver.StackDriver;
import io.synack.core.engine.EngineConfig;
import io.synack.core.engine.TcpEngine;
import io.synack.spi.DatagramRecorder;
import java.net.InetAddress;
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
 * <p>{@link #openStack()} is the one-line way for a library user to get a running TCP stack from
 * the configuration: the configured transport, the engine's {@code synack.tcp.*} settings, and a
 * real-time event loop. Simulations compose the same parts themselves
 * ({@link io.synack.core.driver.Simulation}).
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

    /**
     * A transport's setting that asks the driver to trust the TCP checksums of segments from a
     * loopback address (Linux leaves them partial on {@code lo}); read by key so that core does
     * not depend on the transport that declares it.
     */
    private static final String TRUST_LOOPBACK_CHECKSUMS = "synack.%s.trust-loopback-checksums";

    /**
     * Opens a real-time stack at the configured {@code synack.address} on the configured transport.
     *
     * @return the running stack; close it to stop its event loop and release the transport
     * @throws TransportUnavailableException if the configured transport cannot run here
     * @throws SynackException if the transport endpoint cannot be opened (e.g. address in use)
     */
    public TcpStack openStack() throws SynackException {
        return openStack(settings.get(CoreSettings.ADDRESS));
    }

    /**
     * Opens a real-time stack at {@code localAddress} on the configured transport, with an engine
     * configured by the {@code synack.tcp.*} settings.
     *
     * @param localAddress the stack's IP address
     * @return the running stack
     * @throws TransportUnavailableException if the configured transport cannot run here
     * @throws SynackException if the transport endpoint cannot be opened
     */
    public TcpStack openStack(InetAddress localAddress) throws SynackException {
        TransportFactory factory = transportFactory();
        EngineConfig engine = EngineConfig.from(settings);
        String trustKey = String.format(TRUST_LOOPBACK_CHECKSUMS, transportName());
        boolean trustLoopback = settings.keys().contains(trustKey) && settings.effective().stream()
                .anyMatch(e -> e.key().equals(trustKey) && Boolean.parseBoolean(e.value()));
        DriverOptions options = new DriverOptions(true, trustLoopback, DatagramRecorder.NONE);
        return StackDriver.openRealTime(localAddress, factory, transportName(),
                (address, seed) -> TcpEngine.create(address, engine, seed), options).stack();
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
