package io.synack.api;

/**
 * Receives {@link ConnectionEvent}s. Called on the stack's thread (the event loop in real time, the
 * simulation thread in virtual time): it must return quickly and must not block.
 */
@FunctionalInterface
public interface ConnectionEventListener {
    /** @param event what happened */
    void onEvent(ConnectionEvent event);
}
