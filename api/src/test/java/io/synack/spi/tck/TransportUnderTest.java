package io.synack.spi.tck;

import io.synack.spi.TransportFactory;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * What a transport's test hands the {@link TransportContractTest}: the factory under test, two
 * distinct IPv4 addresses two endpoints can attach to and reach each other at, optionally two
 * distinct IPv6 addresses (required when the factory {@linkplain TransportFactory#supportsIpv6()
 * supports IPv6}), and what to release when the test is over (e.g. a network namespace).
 *
 * <pre>{@code
 * TransportUnderTest.of(factory, ip("127.0.0.1"), ip("127.0.0.2"))
 *         .withIpv6(ip("fd00::1"), ip("fd00::2"))
 *         .onClose(namespace::close);
 * }</pre>
 */
@SuppressWarnings("try") // close() runs the caller's AutoCloseable, which may throw anything
public final class TransportUnderTest implements AutoCloseable {

    private final TransportFactory factory;
    private final InetAddress ipv4First;
    private final InetAddress ipv4Second;
    private final InetAddress ipv6First;
    private final InetAddress ipv6Second;
    private final AutoCloseable cleanup;

    private TransportUnderTest(TransportFactory factory, InetAddress ipv4First, InetAddress ipv4Second,
            InetAddress ipv6First, InetAddress ipv6Second, AutoCloseable cleanup) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.ipv4First = ipv4First;
        this.ipv4Second = ipv4Second;
        this.ipv6First = ipv6First;
        this.ipv6Second = ipv6Second;
        this.cleanup = cleanup;
    }

    /**
     * A transport reachable over IPv4 only (until {@link #withIpv6} adds IPv6 addresses).
     *
     * @param factory the factory under test
     * @param first the first endpoint's IPv4 address
     * @param second the second endpoint's IPv4 address, distinct from the first
     * @return the description
     */
    public static TransportUnderTest of(TransportFactory factory, InetAddress first, InetAddress second) {
        requirePair(first, second, Inet4Address.class);
        return new TransportUnderTest(factory, first, second, null, null, null);
    }

    /**
     * Adds the two IPv6 addresses the IPv6 tests attach to.
     *
     * @param first the first endpoint's IPv6 address
     * @param second the second endpoint's IPv6 address, distinct from the first
     * @return a copy with IPv6 addresses
     */
    public TransportUnderTest withIpv6(InetAddress first, InetAddress second) {
        requirePair(first, second, Inet6Address.class);
        return new TransportUnderTest(factory, ipv4First, ipv4Second, first, second, cleanup);
    }

    /**
     * Adds what to release after each test, after every endpoint was closed.
     *
     * @param cleanup e.g. removing a network namespace
     * @return a copy with the cleanup
     */
    public TransportUnderTest onClose(AutoCloseable cleanup) {
        return new TransportUnderTest(factory, ipv4First, ipv4Second, ipv6First, ipv6Second,
                Objects.requireNonNull(cleanup, "cleanup"));
    }

    /** The factory under test. */
    public TransportFactory factory() {
        return factory;
    }

    /** The first IPv4 address. */
    public InetAddress ipv4First() {
        return ipv4First;
    }

    /** The second IPv4 address. */
    public InetAddress ipv4Second() {
        return ipv4Second;
    }

    /** Whether IPv6 addresses were given. */
    public boolean hasIpv6() {
        return ipv6First != null;
    }

    /** The first IPv6 address, or null. */
    public InetAddress ipv6First() {
        return ipv6First;
    }

    /** The second IPv6 address, or null. */
    public InetAddress ipv6Second() {
        return ipv6Second;
    }

    /** Runs the cleanup, if any. */
    @Override
    public void close() throws Exception {
        if (cleanup != null) {
            cleanup.close();
        }
    }

    private static void requirePair(InetAddress first, InetAddress second, Class<? extends InetAddress> family) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        if (!family.isInstance(first) || !family.isInstance(second)) {
            throw new IllegalArgumentException("expected two " + family.getSimpleName() + " addresses, got "
                    + first + " and " + second);
        }
        if (first.equals(second)) {
            throw new IllegalArgumentException("the two addresses must differ: " + first);
        }
    }
}
