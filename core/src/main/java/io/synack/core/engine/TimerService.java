package io.synack.core.engine;

import java.util.concurrent.TimeUnit;
import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;

/**
 * The engine's timers: an Agrona {@link DeadlineTimerWheel} (O(1) schedule, cancel and expiry)
 * whose timer ids map to an owner key (a TCB handle, or a TIME-WAIT slot encoded negative, see
 * {@link TcpEngine}). Each owner has at most one wheel timer, set to the earliest of its own
 * deadlines; owners keep their deadlines as data and re-arm when the wheel timer fires, so
 * restarting a timer on every ACK costs no wheel work.
 *
 * <p>A wheel cannot tell its earliest deadline, which a simulation needs exactly to jump virtual
 * time. A lazy min-heap of (deadline, id) answers it: cancelled or expired entries are discarded
 * when they reach the top, so {@link #next()} is O(1) amortised plus O(log n) per schedule.
 */
final class TimerService {
    /** Tick of about 1 ms (2^20 ns): timers fire exactly at their deadline, the tick only bins them. */
    private static final long TICK = 1L << 20;
    private static final int TICKS_PER_WHEEL = 1024;

    private final DeadlineTimerWheel wheel =
            new DeadlineTimerWheel(TimeUnit.NANOSECONDS, 0, TICK, TICKS_PER_WHEEL);
    private final Long2LongHashMap owners = new Long2LongHashMap(Long.MIN_VALUE);
    private final LongArrayList expired = new LongArrayList();
    private final DeadlineTimerWheel.TimerHandler collect = this::collect;
    private long[] heapDeadline = new long[64];
    private long[] heapId = new long[64];
    private int heapSize;

    /** Schedules a timer for {@code owner}; returns its id. */
    long schedule(long owner, long deadline) {
        if (wheel.timerCount() == 0) {
            // An empty wheel restarts near the new deadline so it never walks idle ticks.
            wheel.resetStartTime(deadline - TICK);
            heapSize = 0;
        }
        long id = wheel.scheduleTimer(deadline);
        owners.put(id, owner);
        heapPush(deadline, id);
        return id;
    }

    /** Cancels a timer scheduled by {@link #schedule} (its heap entry goes stale). */
    void cancel(long id) {
        if (wheel.cancelTimer(id)) {
            owners.remove(id);
        }
    }

    /** Removes every timer due at {@code now} and returns their owners (valid until the next call). */
    LongArrayList expire(long now) {
        expired.clear();
        long first = next();
        if (now < first) {
            return expired;
        }
        // Nothing is due before `first`: skip the empty ticks instead of walking them one by one.
        wheel.currentTickTime(first);
        do {
            wheel.poll(now, collect, Integer.MAX_VALUE);
        } while (wheel.timerCount() > 0 && now >= wheel.currentTickTime());
        // The current tick may still hold later timers: one more pass takes only those due.
        wheel.poll(now, collect, Integer.MAX_VALUE);
        return expired;
    }

    private boolean collect(TimeUnit unit, long now, long id) {
        expired.addLong(owners.remove(id));
        return true;
    }

    /** The earliest deadline, or {@link Long#MAX_VALUE}. */
    long next() {
        while (heapSize > 0) {
            long id = heapId[0];
            long d = heapDeadline[0];
            if (owners.containsKey(id) && wheel.deadline(id) == d) {
                return d;
            }
            heapPop();
        }
        return Long.MAX_VALUE;
    }

    /** Timers armed. */
    long count() {
        return wheel.timerCount();
    }

    private void heapPush(long deadline, long id) {
        if (heapSize == heapDeadline.length) {
            heapDeadline = java.util.Arrays.copyOf(heapDeadline, heapSize * 2);
            heapId = java.util.Arrays.copyOf(heapId, heapSize * 2);
        }
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heapDeadline[parent] <= deadline) {
                break;
            }
            heapDeadline[i] = heapDeadline[parent];
            heapId[i] = heapId[parent];
            i = parent;
        }
        heapDeadline[i] = deadline;
        heapId[i] = id;
    }

    private void heapPop() {
        int n = --heapSize;
        if (n == 0) {
            return;
        }
        long d = heapDeadline[n];
        long id = heapId[n];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n && heapDeadline[child + 1] < heapDeadline[child]) {
                child++;
            }
            if (heapDeadline[child] >= d) {
                break;
            }
            heapDeadline[i] = heapDeadline[child];
            heapId[i] = heapId[child];
            i = child;
        }
        heapDeadline[i] = d;
        heapId[i] = id;
    }
}
