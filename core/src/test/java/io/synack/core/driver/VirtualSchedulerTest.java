package io.synack.core.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VirtualSchedulerTest {

    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final List<String> ran = new ArrayList<>();

    @Test
    void timeJumpsToTheNextDeadlineAndStaysThereWhenIdle() {
        List<Long> seen = new ArrayList<>();
        scheduler.schedule(5_000, () -> seen.add(scheduler.nanoTime()));
        scheduler.schedule(1_000, () -> seen.add(scheduler.nanoTime()));
        assertEquals(0, scheduler.nanoTime());

        assertEquals(2, scheduler.runUntilIdle());

        assertEquals(List.of(1_000L, 5_000L), seen);
        assertEquals(5_000, scheduler.nanoTime());
        assertEquals(0, scheduler.pendingTasks());
    }

    @Test
    void equalDeadlinesRunInTheOrderScheduled() {
        scheduler.schedule(10, () -> ran.add("a"));
        scheduler.execute(() -> ran.add("now-1"));
        scheduler.schedule(10, () -> ran.add("b"));
        scheduler.execute(() -> ran.add("now-2"));
        scheduler.schedule(10, () -> ran.add("c"));

        scheduler.runUntilIdle();

        assertEquals(List.of("now-1", "now-2", "a", "b", "c"), ran);
    }

    @Test
    void executeFromATaskRunsAfterTasksAlreadyDueAtTheSameInstant() {
        scheduler.schedule(10, () -> {
            ran.add("first");
            scheduler.execute(() -> ran.add("queued by first"));
        });
        scheduler.schedule(10, () -> ran.add("second"));

        scheduler.runUntilIdle();

        assertEquals(List.of("first", "second", "queued by first"), ran);
    }

    @Test
    void aDeadlineInThePastRunsNowNotBackInTime() {
        scheduler.runUntil(1_000);
        AtomicReference<Long> at = new AtomicReference<>();
        scheduler.schedule(10, () -> at.set(scheduler.nanoTime()));

        scheduler.runUntilIdle();

        assertEquals(1_000L, at.get());
    }

    @Test
    void runUntilRunsOnlyWhatIsDueAndAdvancesTheClock() {
        scheduler.schedule(100, () -> ran.add("100"));
        scheduler.schedule(200, () -> ran.add("200"));
        scheduler.schedule(201, () -> ran.add("201"));

        assertEquals(2, scheduler.runUntil(200));

        assertEquals(List.of("100", "200"), ran);
        assertEquals(200, scheduler.nanoTime());
        assertEquals(1, scheduler.pendingTasks());
        scheduler.runFor(Duration.ofNanos(50));
        assertEquals(250, scheduler.nanoTime());
        assertEquals(List.of("100", "200", "201"), ran);
    }

    @Test
    void runUntilConditionStopsAsSoonAsItHolds() {
        AtomicBoolean done = new AtomicBoolean();
        scheduler.schedule(100, () -> ran.add("100"));
        scheduler.schedule(200, () -> done.set(true));
        scheduler.schedule(300, () -> ran.add("300"));

        assertTrue(scheduler.runUntil(done::get, Duration.ofSeconds(1)));

        assertEquals(200, scheduler.nanoTime());
        assertEquals(List.of("100"), ran);
    }

    @Test
    void runUntilConditionGivesUpAtTheLimitWithoutRunningLaterTasks() {
        scheduler.schedule(2_000, () -> ran.add("late"));

        assertFalse(scheduler.runUntil(() -> false, Duration.ofNanos(1_000)));

        assertEquals(List.of(), ran);
        assertEquals(1, scheduler.pendingTasks());
    }

    @Test
    void aTaskThatKeepsReschedulingItselfIsReportedAsALivelock() {
        VirtualScheduler bounded = new VirtualScheduler(0, 1_000);
        Runnable[] pingPong = new Runnable[1];
        pingPong[0] = () -> bounded.execute(pingPong[0]);
        bounded.execute(pingPong[0]);

        LivelockException e = assertThrows(LivelockException.class, bounded::runUntilIdle);
        assertTrue(e.getMessage().contains("1000 tasks"), e.getMessage());
    }

    @Test
    void theThreadThatRunsTheSchedulerIsItsThread() throws Exception {
        assertTrue(scheduler.inSchedulerThread(), "the creating thread, before any run");
        AtomicBoolean otherSeesItself = new AtomicBoolean(true);
        Thread other = new Thread(() -> otherSeesItself.set(scheduler.inSchedulerThread()));
        other.start();
        other.join();
        assertFalse(otherSeesItself.get());
        AtomicBoolean inTask = new AtomicBoolean();
        scheduler.execute(() -> inTask.set(scheduler.inSchedulerThread()));
        scheduler.runUntilIdle();
        assertTrue(inTask.get());
    }

    /** Property: whatever order tasks are scheduled in, they run by (deadline, order scheduled). */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234567, -99})
    void tasksRunInDeadlineThenSchedulingOrder(long seed) {
        Random random = new Random(seed);
        record Entry(long deadline, int order) {}
        List<Entry> scheduled = new ArrayList<>();
        List<Entry> executed = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            Entry e = new Entry(random.nextInt(50) * 10L, i);
            scheduled.add(e);
            scheduler.schedule(e.deadline, () -> {
                assertEquals(e.deadline, scheduler.nanoTime(), "seed " + seed);
                executed.add(e);
            });
        }

        scheduler.runUntilIdle();

        scheduled.sort(Comparator.comparingLong(Entry::deadline).thenComparingInt(Entry::order));
        assertEquals(scheduled, executed, "seed " + seed);
    }
}
