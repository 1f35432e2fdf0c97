package io.synack.core.driver;

import io.synack.api.SynackException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for the stack's futures from an application thread, with typed errors. */
final class Blocking {

    private Blocking() {}

    /**
     * Waits for {@code stage}.
     *
     * @param stage what to wait for
     * @param what what is awaited, for the interruption message
     * @return its value
     * @throws SynackException the stage's own failure, or an interruption (the flag stays set)
     */
    static <T> T await(CompletionStage<T> stage, String what) throws SynackException {
        try {
            return stage.toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw StackDriver.rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SynackException("interrupted while waiting for " + what, e);
        }
    }

    /**
     * Waits at most {@code timeout} for {@code stage}.
     *
     * @return its value, or null if it did not complete in time
     */
    static <T> T await(CompletionStage<T> stage, Duration timeout, String what) throws SynackException {
        try {
            return stage.toCompletableFuture().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw StackDriver.rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SynackException("interrupted while waiting for " + what, e);
        }
    }
}
