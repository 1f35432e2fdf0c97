package io.synack.transport.loopback;

import io.synack.spi.Scheduler;
import java.util.PriorityQueue;

/**
 * A discrete-event {@link Scheduler} for tests: virtual time that jumps to the next task, all on
 * the test's thread. {@link #execute} runs a task at the current time after those already due.
 */
final class VirtualScheduler implements Scheduler {

    private record Task(long deadline, long order, Runnable task) {}

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.deadline != b.deadline
            ? Long.compare(a.deadline, b.deadline) : Long.compare(a.order, b.order));
    private final Thread owner = Thread.currentThread();
    private long now;
    private long order;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void execute(Runnable task) {
        schedule(now, task);
    }

    @Override
    public void schedule(long deadlineNanos, Runnable task) {
        tasks.add(new Task(Math.max(deadlineNanos, now), order++, task));
    }

    @Override
    public boolean inSchedulerThread() {
        return Thread.currentThread() == owner;
    }

    /** Runs every task due at or before {@code time}, then sets the clock to it. */
    void runUntil(long time) {
        while (!tasks.isEmpty() && tasks.peek().deadline <= time) {
            Task t = tasks.poll();
            now = t.deadline;
            t.task.run();
        }
        now = Math.max(now, time);
    }

    /** Runs every task, jumping the clock from deadline to deadline. */
    void runAll() {
        while (!tasks.isEmpty()) {
            Task t = tasks.poll();
            now = t.deadline;
            t.task.run();
        }
    }

    /** How many tasks wait. */
    int pending() {
        return tasks.size();
    }
}
