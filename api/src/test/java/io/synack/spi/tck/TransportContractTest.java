package io.synack.spi.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.synack.api.SynackException;
import io.synack.spi.Availability;
import io.synack.spi.Transport;
import io.synack.spi.TransportClosedException;
import io.synack.spi.TransportContext;
import io.synack.spi.TransportFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The transport contract (TCK): what every {@link io.synack.spi.Transport} must do, whatever moves
 * its datagrams. A transport's test class extends this class and overrides {@link #newTransport()}
 * only (the shape of Netty's {@code AbstractSocketTest}).
 *
 * <p>Each endpoint the tests open gets its own {@link ThreadScheduler} (one event loop per stack,
 * as in the real-time driver); some tests share one scheduler between endpoints (as every stack
 * does in simulation). Waits are bounded ({@link #timeout()}); nothing sleeps. A datagram the test
 * expects <em>not</em> to arrive is checked with a later datagram on the same path, with a barrier
 * on the receiving scheduler, and with a flag that catches any delivery after {@code close()}
 * returned.
 *
 * <p>If the factory says the transport is not available here, each test is skipped with the
 * factory's cause, except when the environment variable {@code CI} is {@code true}: then it fails,
 * so that a CI machine missing a prerequisite cannot pass silently.
 *
 * <p>The contract checked, for IPv4 and (when {@link TransportFactory#supportsIpv6()}) IPv6:
 * <ul>
 *   <li>an endpoint reports the address it was opened on and a maximum segment size of at least
 *       556 bytes over IPv4 (RFC 791's 576-byte datagram less a 20-byte header) and 1240 over IPv6
 *       (RFC 8200's 1280-byte minimum MTU less a 40-byte header), and at most 65535;
 *   <li>datagrams travel both ways with their bytes, source and destination exact, delivered on
 *       the receiving endpoint's scheduler thread, from position to limit of the sender's buffer
 *       (heap, direct or read-only), which the sender may reuse as soon as {@code send} returns;
 *   <li>zero-length and {@code maxSegmentSize()}-byte datagrams arrive; one byte more is refused
 *       with a {@link SynackException} whose message names the limit; a destination of the other
 *       address family is refused;
 *   <li>datagrams arrive in the order sent, if the factory {@linkplain
 *       TransportFactory#preservesOrder() promises it};
 *   <li>an endpoint may send from inside its receiver (a stack answers a segment there), also when
 *       both endpoints share one scheduler;
 *   <li>{@code close()} is idempotent, does not hang (also when called inside the receiver),
 *       releases the address for a new endpoint, and nothing is delivered after it returns;
 *       {@code send} after close throws {@link TransportClosedException} at once;
 *   <li>sending to an address no endpoint holds is not an error (IP is best effort).
 * </ul>
 */
public abstract class TransportContractTest {

    /** The address families the contract is checked for. */
    protected enum Family {
        /** IPv4 (always). */
        IPV4,
        /** IPv6, when the factory supports it. */
        IPV6
    }

    /** A datagram as the receiver saw it. */
    protected record Received(InetAddress source, InetAddress destination, byte[] bytes, boolean onSchedulerThread) {}

    /**
     * One open endpoint with its scheduler and everything its receiver was handed. A delivery
     * after {@link #close()} returned, or off the scheduler thread, is kept as a violation and
     * fails the test in {@code tearDown}.
     */
    protected static final class Endpoint {
        private final ThreadScheduler scheduler;
        private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        private final List<String> violations = new CopyOnWriteArrayList<>();
        private volatile Consumer<Received> onReceive = r -> { };
        private volatile boolean closeReturned;
        /** While set, deliveries on the scheduler thread wait here before reading the datagram. */
        private volatile java.util.concurrent.CountDownLatch holdDeliveries;
        private volatile Thread holder;
        private Transport transport;

        private Endpoint(ThreadScheduler scheduler) {
            this.scheduler = scheduler;
        }

        /** The transport endpoint under test. */
        public Transport transport() {
            return transport;
        }

        /** The endpoint's local address. */
        public InetAddress address() {
            return transport.localAddress();
        }

        /** The scheduler its datagrams are delivered on. */
        public ThreadScheduler scheduler() {
            return scheduler;
        }

        /**
         * Sends a copy of {@code bytes}.
         *
         * @param destination where to
         * @param bytes what
         * @throws SynackException as the transport throws it
         */
        public void send(InetAddress destination, byte[] bytes) throws SynackException {
            transport.send(destination, ByteBuffer.wrap(bytes));
        }

        /** Closes the transport and notes that {@code close()} returned. */
        public void close() {
            transport.close();
            closeReturned = true;
        }

        private void receive(InetAddress source, InetAddress destination, ByteBuffer segment) {
            boolean onThread = scheduler.inSchedulerThread();
            if (closeReturned) {
                violations.add("a datagram from " + source + " was delivered to " + destination
                        + " after close() returned");
            }
            if (!onThread) {
                violations.add("a datagram was delivered on thread " + Thread.currentThread().getName()
                        + ", not on the endpoint's scheduler thread");
            }
            java.util.concurrent.CountDownLatch hold = holdDeliveries;
            if (hold != null && Thread.currentThread() != holder) {
                try {
                    hold.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] bytes = new byte[segment.remaining()];
            segment.duplicate().get(bytes);
            Received r = new Received(source, destination, bytes, onThread);
            received.add(r);
            onReceive.accept(r);
        }
    }

    private static final long SEED = 0x5EED_7C9L;

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final List<Endpoint> endpoints = new ArrayList<>();
    private TransportUnderTest under;
    private Random random;

    /**
     * The transport under test, fresh for each test: its factory and the addresses to use. Called
     * once before each test; its {@link TransportUnderTest#close()} runs after the test.
     *
     * @return the factory and addresses
     * @throws Exception if it cannot be set up (e.g. a network namespace could not be created)
     */
    protected abstract TransportUnderTest newTransport() throws Exception;

    /** How long to wait for a datagram, a close or a barrier before failing. */
    protected Duration timeout() {
        return Duration.ofSeconds(10);
    }

    @BeforeEach
    final void setUpTransport() throws Exception {
        random = new Random(SEED);
        under = newTransport();
        assertNotNull(under, "newTransport() returned null");
        Availability availability = under.factory().availability();
        assertNotNull(availability, "availability() returned null");
        if (!availability.available()) {
            assertFalse(availability.cause().isBlank(), "an unavailable transport must say why");
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("the transport is not available on this CI machine: " + availability.cause());
            }
            Assumptions.abort("the transport is not available here: " + availability.cause());
        }
        assertEquals("", availability.cause(), "an available transport has no unavailability cause");
    }

    @AfterEach
    final void tearDownTransport() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Endpoint e : endpoints) {
            if (e.transport != null) {
                e.close();
            }
        }
        while (!resources.isEmpty()) {
            resources.pop().close();
        }
        for (Endpoint e : endpoints) {
            problems.addAll(e.violations);
            if (e.scheduler.failure() != null) {
                problems.add("a task on " + e.scheduler + " threw " + e.scheduler.failure());
            }
        }
        endpoints.clear();
        if (under != null) {
            under.close();
        }
        if (!problems.isEmpty()) {
            fail(String.join("; ", problems));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Opening and closing

    @ParameterizedTest
    @EnumSource(Family.class)
    void anEndpointReportsItsAddressAndAPlausibleMaximumSegmentSize(Family family) throws Exception {
        Endpoint a = open(first(family));
        assertEquals(first(family), a.address());
        int mss = a.transport().maxSegmentSize();
        int floor = family == Family.IPV4 ? 556 : 1240;
        assertTrue(mss >= floor && mss <= 65535, "maxSegmentSize() " + mss + " is not in " + floor + "..65535");
    }

    @Test
    void closeIsIdempotent() throws Exception {
        Endpoint a = open(first(Family.IPV4));
        a.close();
        assertTimeoutPreemptively(timeout(), () -> a.transport().close(), "a second close() hung");
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void closeReleasesTheAddressForANewEndpoint(Family family) throws Exception {
        Endpoint old = open(first(family));
        Endpoint b = open(second(family));
        old.close();
        Endpoint renewed = open(first(family));
        byte[] bytes = payload(40);
        b.send(renewed.address(), bytes);
        assertArrival(renewed, b, bytes);
        assertTrue(old.received.isEmpty(), "the closed endpoint received a datagram meant for its successor");
    }

    // ---------------------------------------------------------------------------------------------
    // Moving datagrams

    @ParameterizedTest
    @EnumSource(Family.class)
    void datagramsTravelBothWaysWithExactAddressesAndBytes(Family family) throws Exception {
        Endpoint a = open(first(family));
        Endpoint b = open(second(family));
        byte[] there = payload(60);
        a.send(b.address(), there);
        assertArrival(b, a, there);
        byte[] back = payload(33);
        b.send(a.address(), back);
        assertArrival(a, b, back);
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void theReceiverRunsOnTheReceivingEndpointsSchedulerThread(Family family) throws Exception {
        Endpoint a = open(first(family));
        Endpoint b = open(second(family));
        a.send(b.address(), payload(20));
        assertTrue(next(b).onSchedulerThread(), "the receiver was called off the scheduler thread");
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void aZeroLengthDatagramArrives(Family family) throws Exception {
        Endpoint a = open(first(family));
        Endpoint b = open(second(family));
        a.send(b.address(), new byte[0]);
        assertArrival(b, a, new byte[0]);
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void aDatagramOfTheMaximumSegmentSizeArrives(Family family) throws Exception {
        Endpoint a = open(first(family));
        Endpoint b = open(second(family));
        byte[] largest = payload(a.transport().maxSegmentSize());
        a.send(b.address(), largest);
        assertArrival(b, a, largest);
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void aDatagramOneByteOverTheMaximumIsRefusedAndNotSent(Family family) throws Exception {
        Endpoint a = open(first(family));
        Endpoint b = open(second(family));
        int max = a.transport().maxSegmentSize();
        ByteBuffer oversize = ByteBuffer.wrap(payload(max + 1));
        SynackException e = assertThrows(SynackException.class, () -> a.transport().send(b.address(), oversize));
        assertFalse(e instanceof TransportClosedException, "an open endpoint refused with " + e);
        assertTrue(e.getMessage() != null && e.getMessage().contains(String.valueOf(max)),
                "the error should name the limit " + max + ": " + e.getMessage());
        byte[] after = payload(10);
        a.send(b.address(), after);
        assertArrival(b, a, after);
    }

    @Test
    void aDestinationOfTheOtherFamilyIsRefused() throws Exception {
        Endpoint a = open(first(Family.IPV4));
        InetAddress v6 = InetAddress.getByName("::1");
        SynackException e = assertThrows(SynackException.class, () -> a.send(v6, payload(20)));
        assertFalse(e instanceof TransportClosedException, "an open endpoint refused with " + e);
        if (supportsIpv6()) {
            Endpoint b = open(first(Family.IPV6));
            assertThrows(SynackException.class, () -> b.send(InetAddress.getByName("127.0.0.1"), payload(20)));
        }
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void onlyTheBytesFromPositionToLimitAreSentAndThePositionAdvances(Family family) throws Exception {
        Endpoint a = open(first(family));
        Endpoint b = open(second(family));
        byte[] whole = payload(100);
        ByteBuffer buffer = ByteBuffer.wrap(whole).position(7).limit(64);
        a.transport().send(b.address(), buffer);
        assertEquals(64, buffer.position(), "send must advance the position to the limit");
        assertEquals(64, buffer.limit(), "send must not change the limit");
        assertArrival(b, a, java.util.Arrays.copyOfRange(whole, 7, 64));
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void directAndReadOnlyBuffersAreSent(Family family) throws Exception {
        Endpoint a = open(first(family));
        Endpoint b = open(second(family));
        byte[] bytes = payload(300);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        a.transport().send(b.address(), direct);
        assertArrival(b, a, bytes);
        byte[] more = payload(200);
        a.transport().send(b.address(), ByteBuffer.wrap(more).asReadOnlyBuffer());
        assertArrival(b, a, more);
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void theSenderMayReuseItsBufferAsSoonAsSendReturns(Family family) throws Exception {
        Endpoint a = open(first(family));
        Endpoint b = open(second(family));
        ByteBuffer buffer = ByteBuffer.allocate(500);
        List<byte[]> sent = new ArrayList<>();
        // The receiver reads nothing until every send has returned and the buffer was overwritten, so a
        // transport that keeps a view of the sender's buffer is caught whatever the threads' timing.
        b.holder = Thread.currentThread();
        b.holdDeliveries = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < 20; i++) {
            byte[] bytes = payload(100 + 20 * i);
            sent.add(bytes);
            buffer.clear();
            buffer.put(bytes).flip();
            a.transport().send(b.address(), buffer);
            buffer.clear();
            buffer.put(new byte[buffer.capacity()]);
        }
        b.holdDeliveries.countDown();
        List<byte[]> got = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            got.add(next(b).bytes());
        }
        if (!preservesOrder()) {
            got.sort(java.util.Comparator.comparingInt(x -> x.length));
        }
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), got.get(i), "datagram " + i + " was changed by the sender's reuse of its buffer");
        }
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void datagramsArriveOnceEachAndInTheOrderSentWhenTheTransportPromisesIt(Family family) throws Exception {
        Endpoint a = open(first(family));
        Endpoint b = open(second(family));
        int count = 100;
        for (int i = 0; i < count; i++) {
            a.send(b.address(), numbered(i));
        }
        // A transport that does not promise order (raw IP) must still deliver each datagram once here.
        boolean[] seen = new boolean[count];
        for (int i = 0; i < count; i++) {
            int n = number(next(b).bytes());
            if (preservesOrder()) {
                assertEquals(i, n, "datagram " + i + " arrived out of order");
            }
            assertTrue(n >= 0 && n < count && !seen[n], "datagram " + n + " arrived twice or was never sent");
            seen[n] = true;
        }
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void anEndpointMaySendFromInsideItsReceiver(Family family) throws Exception {
        echoes(open(first(family)), open(second(family)));
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void endpointsMayShareOneScheduler(Family family) throws Exception {
        ThreadScheduler shared = scheduler("shared");
        echoes(open(first(family), shared), open(second(family), shared));
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void sendingToAnAddressNobodyHoldsIsNotAnError(Family family) throws Exception {
        Endpoint a = open(first(family));
        a.send(second(family), payload(20));
        Endpoint b = open(second(family));
        byte[] later = payload(21);
        a.send(b.address(), later);
        // The first datagram may still be in flight and reach b (a network may route late).
        Received r = awaitBytes(b, later);
        assertEquals(a.address(), r.source(), "source address");
        assertEquals(b.address(), r.destination(), "destination address");
    }

    // ---------------------------------------------------------------------------------------------
    // After close

    @ParameterizedTest
    @EnumSource(Family.class)
    void sendAfterCloseThrowsTransportClosedAtOnce(Family family) throws Exception {
        Endpoint a = open(first(family));
        Endpoint b = open(second(family));
        a.close();
        TransportClosedException e = assertTimeoutPreemptively(timeout(),
                () -> assertThrows(TransportClosedException.class, () -> a.send(b.address(), payload(20))),
                "send after close hung");
        assertNotNull(e.getMessage(), "the error should say which endpoint was closed");
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void nothingIsDeliveredAfterCloseReturns(Family family) throws Exception {
        Endpoint a = open(first(family));
        Endpoint b = open(second(family));
        // Hold b's scheduler so that deliveries queue behind this task, then close b while they
        // wait: none of them may reach the receiver once close() has returned.
        java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        b.scheduler().execute(() -> {
            blocked.countDown();
            try {
                release.await(timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(blocked.await(timeout().toMillis(), TimeUnit.MILLISECONDS), "the scheduler did not start");
        for (int i = 0; i < 50; i++) {
            a.send(b.address(), numbered(i));
        }
        assertTimeoutPreemptively(timeout(), b::close, "close() hung while datagrams were in flight");
        release.countDown();
        a.send(second(family), payload(20));
        Endpoint c = open(second(family));
        byte[] sentinel = payload(30);
        a.send(c.address(), sentinel);
        awaitBytes(c, sentinel);
        assertTrue(b.scheduler().drain(timeout().toMillis()), "the closed endpoint's scheduler did not drain");
        assertTrue(b.violations.isEmpty(), String.join("; ", b.violations));
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void closeInsideTheReceiverStopsDeliveryWithoutHanging(Family family) throws Exception {
        Endpoint a = open(first(family));
        Endpoint b = open(second(family));
        BlockingQueue<String> closed = new LinkedBlockingQueue<>();
        b.onReceive = r -> {
            try {
                b.close();
                closed.add("closed");
            } catch (RuntimeException e) {
                closed.add("close() inside the receiver threw " + e);
            }
        };
        for (int i = 0; i < 20; i++) {
            a.send(b.address(), numbered(i));
        }
        String outcome = closed.poll(timeout().toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(outcome, "the receiver never closed the endpoint (no datagram arrived, or close hung)");
        assertEquals("closed", outcome);
        assertTrue(b.scheduler().drain(timeout().toMillis()), "the scheduler did not drain after close");
        assertEquals(1, b.received.size(), "datagrams were delivered after close() returned inside the receiver");
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers for subclasses

    /** The factory under test. */
    protected final TransportFactory factory() {
        return under.factory();
    }

    /**
     * Opens an endpoint with a scheduler of its own; closed after the test.
     *
     * @param address where to attach
     * @return the endpoint
     * @throws SynackException if the factory refuses
     */
    protected final Endpoint open(InetAddress address) throws SynackException {
        return open(address, scheduler("endpoint " + address.getHostAddress()));
    }

    /**
     * Opens an endpoint delivering on {@code scheduler}; closed after the test.
     *
     * @param address where to attach
     * @param scheduler its scheduler
     * @return the endpoint
     * @throws SynackException if the factory refuses
     */
    protected final Endpoint open(InetAddress address, ThreadScheduler scheduler) throws SynackException {
        Endpoint e = new Endpoint(scheduler);
        endpoints.add(e);
        e.transport = under.factory().open(new TransportContext(address, e::receive, scheduler));
        assertNotNull(e.transport, "open() returned null");
        return e;
    }

    /**
     * A scheduler stopped after the test.
     *
     * @param name its thread's name
     * @return the scheduler
     */
    protected final ThreadScheduler scheduler(String name) {
        ThreadScheduler s = new ThreadScheduler("tck " + name);
        resources.push(s);
        return s;
    }

    /**
     * The next datagram {@code at} received, waiting at most {@link #timeout()}.
     *
     * @param at the receiving endpoint
     * @return the datagram
     * @throws InterruptedException if interrupted
     */
    protected final Received next(Endpoint at) throws InterruptedException {
        Received r = at.received.poll(timeout().toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            fail("no datagram arrived at " + at.address().getHostAddress() + " within " + timeout());
        }
        return r;
    }

    /**
     * Asserts that the next datagram at {@code at} came from {@code from} with exactly {@code bytes}.
     *
     * @param at the receiving endpoint
     * @param from the sending endpoint
     * @param bytes the payload expected
     * @throws InterruptedException if interrupted
     */
    protected final void assertArrival(Endpoint at, Endpoint from, byte[] bytes) throws InterruptedException {
        Received r = next(at);
        assertEquals(from.address(), r.source(), "source address");
        assertEquals(at.address(), r.destination(), "destination address");
        assertArrayEquals(bytes, r.bytes(), "datagram bytes");
        assertTrue(r.onSchedulerThread(), "delivered off the scheduler thread");
    }

    /**
     * Deterministic pseudo-random bytes (the TCK's generator is seeded, so a failure reproduces).
     *
     * @param length how many
     * @return the bytes
     */
    protected final byte[] payload(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * The first endpoint's address of {@code family}; aborts the test if the transport has no
     * IPv6, fails it if it claims IPv6 but the test gave no IPv6 addresses.
     *
     * @param family IPv4 or IPv6
     * @return the address
     */
    protected final InetAddress first(Family family) {
        return family == Family.IPV4 ? under.ipv4First() : ipv6().ipv6First();
    }

    /**
     * The second endpoint's address of {@code family} (see {@link #first}).
     *
     * @param family IPv4 or IPv6
     * @return the address
     */
    protected final InetAddress second(Family family) {
        return family == Family.IPV4 ? under.ipv4Second() : ipv6().ipv6Second();
    }

    /**
     * Waits for a datagram carrying exactly {@code bytes} at {@code at}, skipping others (used
     * where datagrams sent before {@code at} was opened may legitimately arrive first).
     */
    private Received awaitBytes(Endpoint at, byte[] bytes) throws InterruptedException {
        long deadline = System.nanoTime() + timeout().toNanos();
        while (true) {
            Received r = at.received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (r == null) {
                fail("the expected datagram did not arrive at " + at.address().getHostAddress() + " within " + timeout());
            }
            if (java.util.Arrays.equals(bytes, r.bytes())) {
                return r;
            }
        }
    }

    private TransportUnderTest ipv6() {
        Assumptions.assumeTrue(supportsIpv6(), "the transport does not support IPv6");
        assertTrue(under.hasIpv6(), "the factory supports IPv6 but newTransport() gave no IPv6 addresses");
        return under;
    }

    private boolean supportsIpv6() {
        return under.factory().supportsIpv6();
    }

    private boolean preservesOrder() {
        return under.factory().preservesOrder();
    }

    private void echoes(Endpoint a, Endpoint b) throws Exception {
        b.onReceive = r -> {
            try {
                b.send(r.source(), r.bytes());
            } catch (SynackException e) {
                throw new IllegalStateException("echo failed", e);
            }
        };
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] bytes = numbered(i);
            sent.add(bytes);
            a.send(b.address(), bytes);
        }
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            Received echo = next(a);
            assertEquals(b.address(), echo.source(), "echo source");
            assertEquals(a.address(), echo.destination(), "echo destination");
            numbers.add(number(echo.bytes()));
            assertArrayEquals(sent.get(number(echo.bytes())), echo.bytes(), "echo bytes");
        }
        if (!preservesOrder()) {
            numbers.sort(null);
        }
        assertEquals(java.util.stream.IntStream.range(0, sent.size()).boxed().toList(), numbers);
    }

    private byte[] numbered(int n) {
        byte[] bytes = payload(24);
        ByteBuffer.wrap(bytes).putInt(0, n);
        return bytes;
    }

    private static int number(byte[] bytes) {
        return ByteBuffer.wrap(bytes).getInt(0);
    }
}
