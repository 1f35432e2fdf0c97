package io.synack.transport.loopback;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import io.synack.spi.Setting;
import io.synack.spi.TransportFactory;
import io.synack.spi.TransportPlugin;
import java.util.List;

/**
 * The {@code loopback} transport plugin: an in-memory IP network, the embedded default. One
 * {@link LoopbackNetwork} per injector (a singleton, so every stack built by one injector reaches
 * the others, and a user can {@code @Inject} it to set a recorder); one
 * {@link LoopbackTransportFactory} per injector, applying the {@code synack.loopback.*} faults
 * when any are set. Found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/io.synack.spi.TransportPlugin}.
 */
public final class LoopbackPlugin extends AbstractModule implements TransportPlugin {

    /** The name selected by {@code synack.transport=loopback}. */
    public static final String NAME = "loopback";

    /** For {@link java.util.ServiceLoader}. */
    public LoopbackPlugin() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "in-memory IP network (IPv4 and IPv6) with a seeded fault model; always available";
    }

    @Override
    public List<Setting<?>> settings() {
        return LoopbackSettings.ALL;
    }

    @Override
    protected void configure() {
        MapBinder.newMapBinder(binder(), String.class, TransportFactory.class)
                .addBinding(NAME).to(LoopbackTransportFactory.class).in(Singleton.class);
    }

    @Provides
    @Singleton
    LoopbackNetwork network() {
        return new LoopbackNetwork();
    }

    /** Every instance is the same module, so installing it twice binds once. */
    @Override
    public boolean equals(Object o) {
        return o instanceof LoopbackPlugin;
    }

    @Override
    public int hashCode() {
        return LoopbackPlugin.class.hashCode();
    }
}
