package io.synack.spi.tck;

import io.synack.spi.Scheduler;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A real-time {@link Scheduler} for tests: one daemon thread, wall-clock {@link System#nanoTime()},
 * a FIFO of tasks to run now and a queue of timed tasks ordered by (deadline, order scheduled), so
 * that tasks with equal deadlines run in the order scheduled, as the contract requires. A
 * {@link java.util.concurrent.ScheduledThreadPoolExecutor} does not give that guarantee, because
 * it converts the absolute deadline into a delay measured at a slightly different instant.
 *
 * <p>A task that throws does not kill the thread: the first such failure is kept and can be checked
 * with {@link #failure()}, so a test sees an exception thrown inside a receiver.
 */
public final class ThreadScheduler implements Scheduler, AutoCloseable {

    private record Timed(long deadline, long order, Runnable task) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Runnable> now = new ArrayDeque<>();
    private final PriorityQueue<Timed> timed = new PriorityQueue<>((a, b) -> {
        int byDeadline = Long.compare(a.deadline - b.deadline, 0);
        return byDeadline != 0 ? byDeadline : Long.compare(a.order, b.order);
    });
    private final Thread thread;
    private long scheduled;
    private boolean closed;
    private volatile Throwable failure;

    /** @param name the thread's name, shown in test failures and thread dumps */
    public ThreadScheduler(String name) {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void execute(Runnable task) {
        lock.lock();
        try {
            if (!closed) {
                now.add(task);
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void schedule(long deadlineNanos, Runnable task) {
        lock.lock();
        try {
            if (!closed) {
                timed.add(new Timed(deadlineNanos, scheduled++, task));
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean inSchedulerThread() {
        return Thread.currentThread() == thread;
    }

    /** The first exception a task threw, or null. */
    public Throwable failure() {
        return failure;
    }

    /**
     * Runs {@code task} on the scheduler thread after everything already queued with
     * {@link #execute}, and waits for it: a barrier.
     *
     * @param timeoutMillis how long to wait at most
     * @return true if the barrier was passed in time
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean drain(long timeoutMillis) throws InterruptedException {
        java.util.concurrent.CountDownLatch passed = new java.util.concurrent.CountDownLatch(1);
        execute(passed::countDown);
        return passed.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Stops the thread; queued tasks are discarded. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            now.clear();
            timed.clear();
            changed.signal();
        } finally {
            lock.unlock();
        }
        if (!inSchedulerThread()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        while (true) {
            Runnable task = next();
            if (task == null) {
                return;
            }
            try {
                task.run();
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                }
            }
        }
    }

    private Runnable next() {
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    return null;
                }
                Runnable first = now.poll();
                if (first != null) {
                    return first;
                }
                Timed earliest = timed.peek();
                if (earliest == null) {
                    changed.awaitUninterruptibly();
                    continue;
                }
                long wait = earliest.deadline - System.nanoTime();
                if (wait <= 0) {
                    return timed.poll().task;
                }
                try {
                    changed.awaitNanos(wait);
                } catch (InterruptedException e) {
                    return null;
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
