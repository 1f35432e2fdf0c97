package io.synack.core.driver;

/**
 * A {@link VirtualScheduler} ran more tasks in one call than its bound allows without becoming
 * idle: in a simulation this means two endpoints keep exchanging segments (or a timer keeps
 * re-arming itself at the same instant) forever.
 */
public final class LivelockException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message how many steps ran, at which virtual time */
    public LivelockException(String message) {
        super(message);
    }
}
