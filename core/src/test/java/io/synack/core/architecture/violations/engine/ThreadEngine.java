package io.synack.core.architecture.violations.engine;

/** Starts a thread. */
public class ThreadEngine {
    /** @param task what to run */
    public void run(Runnable task) {
        new Thread(task).start();
    }
}
