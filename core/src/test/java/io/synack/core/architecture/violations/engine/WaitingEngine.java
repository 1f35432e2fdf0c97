package io.synack.core.architecture.violations.engine;

/** Blocks on a monitor. */
public class WaitingEngine {
    /** Waits for a notification. */
    public synchronized void await() throws InterruptedException {
        wait(10);
    }
}
