package io.synack.core.driver;

import io.synack.spi.Scheduler;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real-time {@link Scheduler}: one named daemon thread that runs every task of one stack, with
 * the wall clock ({@link System#nanoTime()}), in Netty's {@code EventLoop} model — the engine is
 * only ever called on this thread, user calls from other threads are handed to it.
 *
 * <p>Tasks from any thread go into a lock-free multi-producer queue; timers live in a heap owned by
 * the loop thread (a {@link #schedule} from another thread is handed over as a task first). The
 * thread parks until the earliest timer or an {@link #execute} wakes it.
 *
 * <p>{@link #close()} stops the loop: tasks accepted before the close still run, timers are
 * discarded, and the thread has ended when {@code close()} returns (unless called on the loop
 * thread itself). Tasks offered after that are refused: {@link #tryExecute} returns false and
 * {@link #execute} drops them (a transport delivering a late datagram must not fail).
 */
public final class EventLoop implements Scheduler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);

    private static final int RUNNING = 0;
    private static final int SHUTTING_DOWN = 1;
    private static final int TERMINATED = 2;

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final Object stateLock = new Object();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Thread thread;
    private int state = RUNNING;
    private long timerSequence;
    private long droppedTasks;

    /**
     * Starts the loop thread.
     *
     * @param name the thread's name, e.g. {@code synack-10.0.0.1}
     */
    public EventLoop(String name) {
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    /** {@inheritDoc} After {@link #close()} the task is dropped; see {@link #tryExecute}. */
    @Override
    public void execute(Runnable task) {
        if (!tryExecute(task)) {
            synchronized (stateLock) {
                droppedTasks++;
            }
            LOG.debug("{}: task dropped, the event loop is shut down", thread.getName());
        }
    }

    /**
     * Queues {@code task} unless the loop is shut down.
     *
     * @param task the work
     * @return true if the task will run; false if the loop no longer accepts tasks
     */
    public boolean tryExecute(Runnable task) {
        if (task == null) {
            throw new NullPointerException("task");
        }
        // The state check and the offer are atomic with respect to shutdown, so every accepted
        // task is either run by the loop or by its final drain: none is silently lost.
        synchronized (stateLock) {
            if (state == TERMINATED) {
                return false;
            }
            tasks.offer(task);
        }
        if (Thread.currentThread() != thread) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    @Override
    public void schedule(long deadlineNanos, Runnable task) {
        if (task == null) {
            throw new NullPointerException("task");
        }
        if (inSchedulerThread()) {
            timers.add(new Timer(deadlineNanos, timerSequence++, task));
        } else {
            execute(() -> timers.add(new Timer(deadlineNanos, timerSequence++, task)));
        }
    }

    @Override
    public boolean inSchedulerThread() {
        return Thread.currentThread() == thread;
    }

    /** The loop's thread name. */
    public String name() {
        return thread.getName();
    }

    /** Whether the loop thread has ended. */
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    /** Tasks refused because they came after shutdown. */
    public long droppedTasks() {
        synchronized (stateLock) {
            return droppedTasks;
        }
    }

    /**
     * Waits for the loop thread to end.
     *
     * @param timeout the longest to wait
     * @return true if it ended
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        long leftMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        thread.join(leftMillis);
        return !thread.isAlive();
    }

    /**
     * Stops the loop and, unless called on the loop thread, waits for its thread to end. Idempotent.
     */
    @Override
    public void close() {
        synchronized (stateLock) {
            if (state == RUNNING) {
                state = SHUTTING_DOWN;
            }
        }
        LockSupport.unpark(thread);
        if (!inSchedulerThread()) {
            boolean interrupted = false;
            while (true) {
                try {
                    thread.join(); // not just the latch: the thread itself is gone when close() returns
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean running() {
        synchronized (stateLock) {
            return state == RUNNING;
        }
    }

    private void run() {
        try {
            while (running()) {
                runDueTimers();
                runQueuedTasks();
                if (!tasks.isEmpty() || !running()) {
                    continue;
                }
                Timer next = timers.peek();
                // An execute() between the isEmpty() check and here leaves an unpark permit, so
                // this park returns at once: no wake-up is lost.
                if (next == null) {
                    LockSupport.park(this);
                } else {
                    long wait = next.deadline - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(this, wait);
                    }
                }
            }
        } finally {
            synchronized (stateLock) {
                state = TERMINATED;
            }
            // Nothing can be added any more: run what was accepted before the shutdown.
            runQueuedTasks();
            timers.clear();
            terminated.countDown();
        }
    }

    private void runDueTimers() {
        long now = System.nanoTime();
        Timer t;
        while ((t = timers.peek()) != null && t.deadline - now <= 0) {
            timers.poll();
            runSafely(t.task);
        }
    }

    private void runQueuedTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            runSafely(task);
        }
    }

    private void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            // One failing task must not take the stack's thread down with it.
            LOG.error("{}: task failed", thread.getName(), e);
        }
    }

    private record Timer(long deadline, long sequence, Runnable task) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(deadline - o.deadline, 0L);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }
}
