package io.synack.core.architecture.violations.engine;

import java.util.concurrent.TimeUnit;

/** Sleeps instead of returning a deadline. */
public class SleepingEngine {
    /** Waits a while. */
    public void pause() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(10);
    }
}
