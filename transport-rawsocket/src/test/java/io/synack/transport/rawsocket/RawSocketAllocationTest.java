package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.synack.spi.Scheduler;
import io.synack.spi.TransportContext;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The send and receive paths allocate nothing per datagram in steady state: measured with
 * HotSpot's per-thread allocation counter on the sending thread and on the receive thread, over
 * thousands of datagrams after a warm-up. The receiver here runs inline on the receive thread
 * (a scheduler that runs tasks at once), so that only the transport's own allocations count.
 */
class RawSocketAllocationTest {

    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 20_000;
    private static final int BATCH = 50;
    /** Slack for the odd allocation the JIT or a safepoint may attribute to the thread: far below one per datagram. */
    private static final long SLACK_BYTES = 4096;

    /** Runs every task at once on the calling thread. */
    private static final class InlineScheduler implements Scheduler {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void schedule(long deadlineNanos, Runnable task) {
            task.run();
        }

        @Override
        public boolean inSchedulerThread() {
            return true;
        }
    }

    @ParameterizedTest(name = "IPv6={0}")
    @ValueSource(booleans = {false, true})
    void sendingAndReceivingAllocateNothingPerDatagram(boolean ipv6) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Namespaces n = Namespaces.create(Namespaces.Path.LOOPBACK)) {
            AtomicLong received = new AtomicLong();
            RawSocketTransportFactory factory = new RawSocketTransportFactory(RawSocketConfiguration.defaults());
            InlineScheduler inline = new InlineScheduler();
            try (RawSocketTransport a = n.first.call(() -> (RawSocketTransport) factory.open(new TransportContext(
                            ipv6 ? n.ipv6First : n.ipv4First, (s, d, b) -> { }, inline)));
                    RawSocketTransport b = n.first.call(() -> (RawSocketTransport) factory.open(new TransportContext(
                            ipv6 ? n.ipv6Second : n.ipv4Second, (s, d, seg) -> received.addAndGet(seg.remaining()),
                            inline)))) {
                ByteBuffer segment = ByteBuffer.allocate(100);
                run(a, b, segment, received, WARM_UP);
                long sendThread = Thread.currentThread().getId();
                long receiveThread = b.receiveThread().getId();
                long sentBefore = threads.getThreadAllocatedBytes(sendThread);
                long receivedBefore = threads.getThreadAllocatedBytes(receiveThread);
                run(a, b, segment, received, MEASURED);
                long sendAllocated = threads.getThreadAllocatedBytes(sendThread) - sentBefore;
                long receiveAllocated = threads.getThreadAllocatedBytes(receiveThread) - receivedBefore;
                assertEquals(0, b.statistics().overruns(), "the pool never ran dry with an inline receiver");
                assertTrue(sendAllocated < SLACK_BYTES, "the send path allocated " + sendAllocated + " bytes for "
                        + MEASURED + " datagrams (the loop itself included)");
                assertTrue(receiveAllocated < SLACK_BYTES, "the receive path allocated " + receiveAllocated
                        + " bytes for " + MEASURED + " datagrams");
            }
        }
    }

    /** Sends {@code count} datagrams in batches, each batch awaited (bounded) before the next. */
    private static void run(RawSocketTransport a, RawSocketTransport b, ByteBuffer segment, AtomicLong received,
            int count) throws Exception {
        long deadline = System.nanoTime() + Endpoints.TIMEOUT.toNanos() * 6;
        for (int sent = 0; sent < count; sent += BATCH) {
            long target = received.get() + (long) BATCH * segment.capacity();
            for (int i = 0; i < BATCH; i++) {
                segment.clear();
                a.send(b.localAddress(), segment);
            }
            while (received.get() < target) {
                if (System.nanoTime() > deadline) {
                    fail("datagrams stopped arriving: " + b.statistics());
                }
                Thread.onSpinWait();
            }
        }
    }
}
