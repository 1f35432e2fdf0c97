package io.synack.spi;

import io.synack.api.SynackException;

/**
 * Opens endpoints of one kind of transport. A plugin binds its factory under its name in Guice's
 * {@code MapBinder<String, TransportFactory>}; the composition root picks one by the configured
 * {@code synack.transport}, so an unused factory is never constructed.
 */
public interface TransportFactory {

    /** Whether this transport can run here, and if not, why. Cheap, and never throws. */
    Availability availability();

    /** Whether endpoints can attach to IPv6 addresses. */
    boolean supportsIpv6();

    /** Whether datagrams from one endpoint to another arrive in the order sent (absent faults). */
    boolean preservesOrder();

    /**
     * Opens an endpoint attached to {@code context.localAddress()}.
     *
     * @param context local address, receiver and the stack's scheduler
     * @return the open endpoint
     * @throws io.synack.api.TransportUnavailableException if {@link #availability()} says no
     * @throws io.synack.api.AddressInUseException if another endpoint holds the address
     * @throws SynackException for any other failure to open
     */
    Transport open(TransportContext context) throws SynackException;
}
