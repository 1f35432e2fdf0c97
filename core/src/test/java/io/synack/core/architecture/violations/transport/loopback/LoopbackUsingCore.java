package io.synack.core.architecture.violations.transport.loopback;

import io.synack.core.architecture.violations.core.CoreThing;

/** A transport class that reaches into core. */
public class LoopbackUsingCore {
    /** @return a core object */
    public CoreThing thing() {
        return new CoreThing();
    }
}
