package io.synack.spi;

/**
 * The single thread a stack runs on, with its clock: the event loop in real time, the
 * discrete-event loop in simulation. Every engine call and every datagram delivery to a stack
 * happens on its scheduler's thread, so the engine needs no locks.
 *
 * <p>Transports use it to deliver received datagrams ({@link #execute}) and, in fault-injecting
 * decorators, to deliver them later ({@link #schedule}).
 */
public interface Scheduler extends Clock {

    /**
     * Runs {@code task} on the scheduler's thread as soon as possible, after tasks already queued
     * (FIFO). Callable from any thread.
     *
     * @param task the work
     */
    void execute(Runnable task);

    /**
     * Runs {@code task} on the scheduler's thread at {@code deadlineNanos} (its {@link #nanoTime()}
     * scale), or as soon as possible after. Tasks with equal deadlines run in the order scheduled.
     * Callable from any thread.
     *
     * @param deadlineNanos when
     * @param task the work
     */
    void schedule(long deadlineNanos, Runnable task);

    /** Whether the calling thread is this scheduler's thread. */
    boolean inSchedulerThread();
}
