package io.synack.core.architecture.violations.core;

import io.synack.core.architecture.violations.transport.loopback.LoopbackEndpoint;

/** A core class that names a transport's class. */
public class CoreUsingTransport {
    /** @return an endpoint */
    public LoopbackEndpoint endpoint() {
        return new LoopbackEndpoint();
    }
}
