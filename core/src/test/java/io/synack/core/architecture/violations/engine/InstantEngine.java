package io.synack.core.architecture.violations.engine;

import java.time.Instant;

/** Reads the wall clock. */
public class InstantEngine {
    /** @return the time */
    public Instant stamp() {
        return Instant.now();
    }
}
