package io.synack.core.architecture.violations.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Creates a thread pool. */
public class ExecutorEngine {
    /** @return a pool */
    public ExecutorService pool() {
        return Executors.newSingleThreadExecutor();
    }
}
