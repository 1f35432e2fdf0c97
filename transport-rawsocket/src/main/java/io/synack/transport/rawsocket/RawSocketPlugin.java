package io.synack.transport.rawsocket;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import io.synack.spi.Setting;
import io.synack.spi.TransportFactory;
import io.synack.spi.TransportPlugin;
import java.util.List;

/**
 * The {@code rawsocket} transport plugin: real IP datagrams through Linux {@code SOCK_RAW}
 * sockets, IPv4 and IPv6, over protocol 253 (synack to synack) or 6 (interoperating with real TCP
 * stacks). It binds one {@link RawSocketTransportFactory} per injector under {@link #NAME} in the
 * {@code MapBinder<String, TransportFactory>}; found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/io.synack.spi.TransportPlugin}.
 */
public final class RawSocketPlugin extends AbstractModule implements TransportPlugin {

    /** The name selected by {@code synack.transport=rawsocket}. */
    public static final String NAME = "rawsocket";

    /** For {@link java.util.ServiceLoader}. */
    public RawSocketPlugin() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "raw IP sockets (Linux, CAP_NET_RAW): real packets over IPv4 and IPv6, protocol 253 or tcp";
    }

    @Override
    public List<Setting<?>> settings() {
        return RawSocketSettings.ALL;
    }

    @Override
    protected void configure() {
        MapBinder.newMapBinder(binder(), String.class, TransportFactory.class)
                .addBinding(NAME).to(RawSocketTransportFactory.class).in(Singleton.class);
    }

    /** Every instance is the same module, so installing it twice binds once. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RawSocketPlugin;
    }

    @Override
    public int hashCode() {
        return RawSocketPlugin.class.hashCode();
    }
}
