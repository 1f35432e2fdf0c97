/**
 * Transport plugins and their Guice wiring (DESIGN.md §5).
 *
 * <p>{@link io.synack.core.plugin.TransportPlugins} finds plugins with {@link java.util.ServiceLoader}
 * and checks each is a Guice module with a valid name and settings under its own namespace. Each
 * plugin module adds its factory to {@code MapBinder<String, TransportFactory>};
 * {@link io.synack.core.plugin.SynackModule} declares that map and binds the validated settings.
 * {@link io.synack.core.plugin.TransportSelector} picks the configured entry from
 * {@code Map<String, Provider<TransportFactory>>} at run time, so a transport that is not selected
 * is never constructed (unless someone asks for the list of all transports with their
 * availability, which must construct each factory to ask it).
 */
package io.synack.core.plugin;
