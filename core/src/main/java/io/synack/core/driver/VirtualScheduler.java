package io.synack.core.driver;

import io.synack.spi.Scheduler;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * A discrete-event {@link Scheduler} for simulation: virtual time that does not pass by itself but
 * jumps to the deadline of the next task. Every stack of a {@link Simulation} shares one, so a whole
 * network of stacks runs on one thread, in one total order, reproducibly.
 *
 * <p>Tasks live in a binary min-heap ordered by (deadline, sequence number): tasks with equal
 * deadlines run in the order they were scheduled (FIFO), which is what makes two runs of the same
 * seed identical. {@link #execute} is {@code schedule(now, task)}. The heap is three parallel
 * arrays, so scheduling allocates nothing once it has grown.
 *
 * <p>The thread that runs the scheduler ({@link #runUntilIdle()} and friends) is its thread for
 * {@link #inSchedulerThread()}; until it first runs, the creating thread is. Tasks may be added
 * from any thread (the heap is guarded by this object's monitor) but only one thread may run it.
 *
 * <p>A run stops with a {@link LivelockException} after {@link #maxSteps()} tasks at one instant of
 * virtual time, so that two endpoints bouncing segments at each other forever without time
 * passing fail a test instead of hanging it. Work that lets time pass (a long transfer over a
 * network with latency) is bounded by the virtual-time limits of the run calls instead.
 */
public final class VirtualScheduler implements Scheduler {

    /** The default bound on tasks run at one instant of virtual time. */
    public static final long DEFAULT_MAX_STEPS = 2_000_000L;

    private long now;
    private final long maxSteps;
    private long sequence;
    private long steps;
    /** The virtual instant the livelock count is for, and the tasks run at it. */
    private long instant = Long.MIN_VALUE;
    private long atInstant;
    private int size;
    private long[] deadlines = new long[64];
    private long[] sequences = new long[64];
    private Runnable[] tasks = new Runnable[64];
    private volatile Thread owner = Thread.currentThread();

    /** A scheduler at virtual time 0 with {@link #DEFAULT_MAX_STEPS}. */
    public VirtualScheduler() {
        this(0L, DEFAULT_MAX_STEPS);
    }

    /**
     * @param startNanos the virtual time to start at
     * @param maxSteps the most tasks that may run at one instant of virtual time before a livelock is declared
     */
    public VirtualScheduler(long startNanos, long maxSteps) {
        if (maxSteps <= 0) {
            throw new IllegalArgumentException("maxSteps must be positive: " + maxSteps);
        }
        this.now = startNanos;
        this.maxSteps = maxSteps;
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            push(now, task);
        }
    }

    /** {@inheritDoc} A deadline in the past runs at the current virtual time, after tasks already due. */
    @Override
    public void schedule(long deadlineNanos, Runnable task) {
        synchronized (this) {
            push(Math.max(deadlineNanos, now), task);
        }
    }

    @Override
    public boolean inSchedulerThread() {
        return Thread.currentThread() == owner;
    }

    /** The bound on tasks per {@code run*} call. */
    public long maxSteps() {
        return maxSteps;
    }

    /** Tasks run since this scheduler was created. */
    public synchronized long steps() {
        return steps;
    }

    /** Tasks waiting to run. */
    public synchronized int pendingTasks() {
        return size;
    }

    /** The deadline of the next task, or {@link Long#MAX_VALUE} if there is none. */
    public synchronized long nextTaskDeadline() {
        return size == 0 ? Long.MAX_VALUE : deadlines[0];
    }

    /**
     * Runs the next task, first moving virtual time to its deadline.
     *
     * @return false if there was no task
     */
    public boolean runNext() {
        owner = Thread.currentThread();
        Runnable task;
        synchronized (this) {
            if (size == 0) {
                return false;
            }
            now = deadlines[0];
            task = pop();
            steps++;
        }
        task.run();
        return true;
    }

    /**
     * Runs tasks, jumping time forward, until none is left.
     *
     * @return the number of tasks run
     * @throws LivelockException after {@link #maxSteps()} tasks
     */
    public long runUntilIdle() {
        long ran = 0;
        while (runNext()) {
            ran = countStep(ran);
        }
        return ran;
    }

    /**
     * Runs every task due at or before {@code deadlineNanos}, then sets the time to it (if later).
     *
     * @param deadlineNanos the virtual time to reach
     * @return the number of tasks run
     * @throws LivelockException after {@link #maxSteps()} tasks
     */
    public long runUntil(long deadlineNanos) {
        long ran = 0;
        while (nextTaskDeadline() <= deadlineNanos) {
            runNext();
            ran = countStep(ran);
        }
        synchronized (this) {
            now = Math.max(now, deadlineNanos);
        }
        return ran;
    }

    /**
     * Runs for {@code duration} of virtual time.
     *
     * @param duration how long
     * @return the number of tasks run
     */
    public long runFor(Duration duration) {
        return runUntil(nanoTime() + duration.toNanos());
    }

    /**
     * Runs tasks until {@code condition} holds (checked before the first task and after each), the
     * scheduler is idle, or virtual time would pass {@code limit} from now. This is how a simulated
     * application waits: it registers callbacks on the asynchronous API and runs the world until
     * the outcome it waits for is there.
     *
     * @param condition what to wait for
     * @param limit the most virtual time to let pass
     * @return whether the condition holds
     * @throws LivelockException after {@link #maxSteps()} tasks
     */
    public boolean runUntil(BooleanSupplier condition, Duration limit) {
        long end = saturatedAdd(nanoTime(), limit.toNanos());
        long ran = 0;
        while (!condition.getAsBoolean()) {
            if (nextTaskDeadline() > end) {
                return false;
            }
            runNext();
            ran = countStep(ran);
        }
        return true;
    }

    /** Counts a task run by this call; checks how many ran at the current instant. */
    private long countStep(long ran) {
        long t = nanoTime();
        if (t != instant) {
            instant = t;
            atInstant = 0;
        }
        if (++atInstant >= maxSteps) {
            throw new LivelockException("virtual scheduler ran " + atInstant + " tasks at virtual time " + t
                    + " ns without time passing: a livelock, or raise maxSteps");
        }
        return ran + 1;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    // ---- the heap, guarded by this ---------------------------------------------------------

    private void push(long deadline, Runnable task) {
        if (task == null) {
            throw new NullPointerException("task");
        }
        if (size == tasks.length) {
            int capacity = size * 2;
            deadlines = Arrays.copyOf(deadlines, capacity);
            sequences = Arrays.copyOf(sequences, capacity);
            tasks = Arrays.copyOf(tasks, capacity);
        }
        long seq = sequence++;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(deadline, seq, deadlines[parent], sequences[parent])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, deadline, seq, task);
    }

    private Runnable pop() {
        Runnable top = tasks[0];
        int last = --size;
        long d = deadlines[last];
        long s = sequences[last];
        Runnable t = tasks[last];
        tasks[last] = null;
        if (last > 0) {
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= last) {
                    break;
                }
                if (child + 1 < last && before(deadlines[child + 1], sequences[child + 1], deadlines[child], sequences[child])) {
                    child++;
                }
                if (!before(deadlines[child], sequences[child], d, s)) {
                    break;
                }
                move(child, i);
                i = child;
            }
            set(i, d, s, t);
        }
        return top;
    }

    private static boolean before(long d1, long s1, long d2, long s2) {
        return d1 < d2 || (d1 == d2 && s1 < s2);
    }

    private void move(int from, int to) {
        set(to, deadlines[from], sequences[from], tasks[from]);
    }

    private void set(int i, long deadline, long seq, Runnable task) {
        deadlines[i] = deadline;
        sequences[i] = seq;
        tasks[i] = task;
    }
}
