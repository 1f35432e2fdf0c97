package io.synack.core.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLoopTest {

    private final EventLoop loop = new EventLoop("synack-test-loop");

    @AfterEach
    void stop() {
        loop.close();
    }

    @Test
    void tasksRunOnTheLoopsOwnNamedDaemonThreadInFifoOrder() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CompletableFuture<Thread> thread = new CompletableFuture<>();
        for (int i = 0; i < 100; i++) {
            int n = i;
            loop.execute(() -> ran.add("t" + n));
        }
        loop.execute(() -> thread.complete(Thread.currentThread()));

        Thread t = thread.get(10, TimeUnit.SECONDS);

        assertEquals("synack-test-loop", t.getName());
        assertTrue(t.isDaemon());
        assertEquals(100, ran.size());
        for (int i = 0; i < 100; i++) {
            assertEquals("t" + i, ran.get(i));
        }
        assertFalse(loop.inSchedulerThread());
    }

    @Test
    void timersRunInDeadlineOrderNotBeforeTheirDeadline() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(3);
        long[] firedAt = new long[3];
        CompletableFuture<Long> scheduledAt = new CompletableFuture<>();
        // Scheduled from one task on the loop, so a descheduled test thread cannot let the 30 ms
        // timer fire before the 10 ms one even exists.
        loop.execute(() -> {
            long at = loop.nanoTime();
            loop.schedule(at + 30_000_000L, () -> { firedAt[2] = loop.nanoTime(); ran.add("30ms"); done.countDown(); });
            loop.schedule(at + 10_000_000L, () -> { firedAt[0] = loop.nanoTime(); ran.add("10ms"); done.countDown(); });
            loop.schedule(at + 20_000_000L, () -> { firedAt[1] = loop.nanoTime(); ran.add("20ms"); done.countDown(); });
            scheduledAt.complete(at);
        });
        long base = scheduledAt.get(10, TimeUnit.SECONDS);

        assertTrue(done.await(10, TimeUnit.SECONDS));

        assertEquals(List.of("10ms", "20ms", "30ms"), ran);
        assertTrue(firedAt[0] - base >= 10_000_000L);
        assertTrue(firedAt[1] - base >= 20_000_000L);
        assertTrue(firedAt[2] - base >= 30_000_000L);
    }

    @Test
    void equalDeadlinesRunInTheOrderScheduled() throws Exception {
        List<Integer> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        CompletableFuture<Void> scheduled = new CompletableFuture<>();
        loop.execute(() -> {
            long at = loop.nanoTime() + 5_000_000L;
            for (int i = 0; i < 50; i++) {
                int n = i;
                loop.schedule(at, () -> ran.add(n));
            }
            loop.schedule(at, done::countDown);
            scheduled.complete(null);
        });
        scheduled.get(10, TimeUnit.SECONDS);
        assertTrue(done.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 50; i++) {
            assertEquals(i, ran.get(i));
        }
    }

    @Test
    void aFailingTaskDoesNotStopTheLoop() throws Exception {
        loop.execute(() -> {
            throw new IllegalStateException("expected by the test");
        });
        CompletableFuture<Boolean> after = new CompletableFuture<>();
        loop.execute(() -> after.complete(loop.inSchedulerThread()));
        assertTrue(after.get(10, TimeUnit.SECONDS));
    }

    @Test
    void closeRunsAcceptedTasksEndsTheThreadAndRefusesLaterTasks() throws Exception {
        CompletableFuture<Thread> thread = new CompletableFuture<>();
        loop.execute(() -> thread.complete(Thread.currentThread()));
        Thread t = thread.get(10, TimeUnit.SECONDS);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> queuedBeforeClose = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        loop.execute(() -> queuedBeforeClose.complete(null));
        CompletableFuture<Void> timer = new CompletableFuture<>();
        loop.schedule(loop.nanoTime() + Duration.ofHours(1).toNanos(), () -> timer.complete(null));

        Thread closer = new Thread(loop::close);
        closer.start();
        release.countDown();
        closer.join(10_000);

        assertFalse(closer.isAlive(), "close() returned");
        assertTrue(loop.isTerminated());
        assertFalse(t.isAlive(), "the loop thread is gone");
        assertTrue(queuedBeforeClose.isDone(), "a task accepted before close still ran");
        assertFalse(timer.isDone(), "pending timers are discarded");
        assertFalse(loop.tryExecute(() -> { }));
        loop.execute(() -> { });
        assertEquals(1, loop.droppedTasks());
        loop.close(); // idempotent
        assertTrue(loop.awaitTermination(Duration.ZERO));
    }

    @Test
    void closeFromTheLoopThreadDoesNotDeadlock() throws Exception {
        loop.execute(loop::close);
        assertTrue(loop.awaitTermination(Duration.ofSeconds(10)));
    }
}
