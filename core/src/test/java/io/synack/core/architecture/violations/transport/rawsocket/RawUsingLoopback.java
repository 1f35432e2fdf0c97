package io.synack.core.architecture.violations.transport.rawsocket;

import io.synack.core.architecture.violations.transport.loopback.LoopbackEndpoint;

/** A transport class that depends on another transport. */
public class RawUsingLoopback {
    /** @return another transport's endpoint */
    public LoopbackEndpoint borrow() {
        return new LoopbackEndpoint();
    }
}
