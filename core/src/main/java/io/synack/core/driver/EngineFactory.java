package io.synack.core.driver;

import io.synack.core.engine.Engine;
import java.net.InetAddress;

/**
 * Creates the {@link Engine} of one stack. The engine's configuration (MSL, RTO bounds, ...) is
 * captured by the factory; what differs per stack is passed in.
 */
@FunctionalInterface
public interface EngineFactory {

    /**
     * @param localAddress the stack's IP address
     * @param seed the stack's random seed: every secret of the engine (the RFC 6528 ISN key, the
     *     RFC 6056 ephemeral-port key) is derived from it, so that a simulation is reproducible;
     *     a real-time stack passes a seed from a strong random source
     * @return a fresh engine with no connections
     */
    Engine create(InetAddress localAddress, long seed);
}
