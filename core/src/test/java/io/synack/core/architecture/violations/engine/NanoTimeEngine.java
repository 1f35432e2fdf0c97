package io.synack.core.architecture.violations.engine;

/** Reads the clock instead of taking {@code now}. */
public class NanoTimeEngine {
    /** @return a deadline */
    public long deadline() {
        return System.nanoTime() + 1_000_000;
    }
}
