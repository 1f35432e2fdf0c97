package io.synack.core.engine;

import java.net.InetAddress;

/** Chooses the initial send sequence number of a new connection (RFC 9293 §3.4.1, RFC 6528). */
@FunctionalInterface
public interface IsnGenerator {

    /**
     * ISS for a connection.
     *
     * @param local local address
     * @param localPort local port
     * @param remote remote address
     * @param remotePort remote port
     * @param now the engine's clock in nanoseconds
     * @return the 32-bit ISS
     */
    int isn(InetAddress local, int localPort, InetAddress remote, int remotePort, long now);
}
