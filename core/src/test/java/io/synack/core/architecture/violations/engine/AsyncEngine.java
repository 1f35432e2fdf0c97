package io.synack.core.architecture.violations.engine;

import java.util.concurrent.CompletableFuture;

/** Runs work on the common pool. */
public class AsyncEngine {
    /** @param task what to run */
    public CompletableFuture<Void> later(Runnable task) {
        return CompletableFuture.runAsync(task);
    }
}
