package io.synack.core.engine;

import java.util.concurrent.TimeUnit;
import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;

/**
 * The engine's timers: an Agrona {@link DeadlineTimerWheel} (O(1) schedule and cancel) whose timer
 * ids map to an owner key (a TCB handle or a TIME-WAIT slot, see {@link TcpEngine}). Each owner has
 * at most one wheel timer, set to the earliest of its own deadlines; the owner keeps its deadlines
 * as data and re-arms when the wheel timer fires, so per-segment timer restarts cost no wheel work.
 *
 * <p>The wheel cannot tell its earliest deadline, so the minimum is cached: scheduling lowers it
 * and only the expiry or cancellation of the timer holding it forces a rescan.
 */
final class TimerService {
    /** Tick of about 1 ms (2^20 ns): timers fire exactly at their deadline, the tick only bins them. */
    private static final long TICK = 1L << 20;
    private static final int TICKS_PER_WHEEL = 1024;

    private final DeadlineTimerWheel wheel =
            new DeadlineTimerWheel(TimeUnit.NANOSECONDS, 0, TICK, TICKS_PER_WHEEL);
    private final Long2LongHashMap owners = new Long2LongHashMap(-1L);
    private final LongArrayList expired = new LongArrayList();
    private final DeadlineTimerWheel.TimerHandler collect = this::collect;
    private final DeadlineTimerWheel.TimerConsumer rescan = this::rescan;
    private long earliest = Long.MAX_VALUE;
    private boolean earliestKnown = true;

    /** Schedules a timer for {@code owner}; returns its id. */
    long schedule(long owner, long deadline) {
        if (wheel.timerCount() == 0) {
            // An empty wheel restarts at the current time so it never walks idle ticks.
            wheel.resetStartTime(Math.min(deadline, earliestStart(deadline)));
        }
        long id = wheel.scheduleTimer(deadline);
        owners.put(id, owner);
        if (earliestKnown && deadline < earliest) {
            earliest = deadline;
        }
        return id;
    }

    private static long earliestStart(long deadline) {
        return deadline - TICK;
    }

    /** Cancels a timer scheduled by {@link #schedule}. */
    void cancel(long id) {
        long deadline = wheel.deadline(id);
        if (wheel.cancelTimer(id)) {
            owners.remove(id);
            if (deadline == earliest) {
                earliestKnown = false;
            }
        }
        if (wheel.timerCount() == 0) {
            earliest = Long.MAX_VALUE;
            earliestKnown = true;
        }
    }

    /**
     * Removes every timer due at {@code now} and returns their owners (valid until the next call).
     */
    LongArrayList expire(long now) {
        expired.clear();
        long first = next();
        if (wheel.timerCount() == 0 || now < first) {
            return expired;
        }
        // Nothing is due before `first`: skip the empty ticks instead of walking them one by one.
        wheel.currentTickTime(first);
        do {
            wheel.poll(now, collect, Integer.MAX_VALUE);
        } while (wheel.timerCount() > 0 && now >= wheel.currentTickTime());
        // The current tick may still hold later timers: one more pass picks only those due.
        wheel.poll(now, collect, Integer.MAX_VALUE);
        earliestKnown = false;
        return expired;
    }

    private boolean collect(TimeUnit unit, long now, long id) {
        expired.addLong(owners.remove(id));
        return true;
    }

    /** The earliest deadline, or {@link Long#MAX_VALUE}. */
    long next() {
        if (!earliestKnown) {
            earliest = Long.MAX_VALUE;
            if (wheel.timerCount() > 0) {
                wheel.forEach(rescan);
            }
            earliestKnown = true;
        }
        return earliest;
    }

    private void rescan(long deadline, long id) {
        if (deadline < earliest) {
            earliest = deadline;
        }
    }

    /** Timers armed. */
    long count() {
        return wheel.timerCount();
    }
}
