package io.synack.core.architecture.violations.engine;

import java.time.Clock;

/** Keeps a clock to read later. */
public class ClockFieldEngine {
    private final Clock clock;

    /** @param clock the clock */
    public ClockFieldEngine(Clock clock) {
        this.clock = clock;
    }

    /** @return the time */
    public long millis() {
        return clock.millis();
    }
}
