package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.synack.api.AddressInUseException;
import io.synack.api.SynackException;
import io.synack.spi.Scheduler;
import io.synack.spi.TransportContext;
import io.synack.transport.rawsocket.Endpoints.Endpoint;
import io.synack.transport.rawsocket.Endpoints.Received;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The raw-socket endpoint against the real kernel, inside private network namespaces: datagrams
 * in both directions over {@code lo} and over a veth pair, IPv4 and IPv6, protocol 253 and tcp;
 * the mark seen by the kernel's firewall; the device binding; the maximum segment size read from
 * the interface; errors with their errno; and a close that leaves no descriptor and no thread.
 */
class RawSocketEndpointTest {

    private static final long SEED = 0x5359_0006L;

    private static InetAddress first(Namespaces n, boolean ipv6) {
        return ipv6 ? n.ipv6First : n.ipv4First;
    }

    private static InetAddress second(Namespaces n, boolean ipv6) {
        return ipv6 ? n.ipv6Second : n.ipv4Second;
    }

    @ParameterizedTest(name = "{0} IPv6={1} protocol {2}")
    @CsvSource({
        "LOOPBACK, false, 253", "LOOPBACK, true, 253", "VETH, false, 253", "VETH, true, 253",
        "LOOPBACK, false, 6", "LOOPBACK, true, 6", "VETH, false, 6", "VETH, true, 6",
    })
    void datagramsTravelBothWaysWithExactAddressesAndBytes(Namespaces.Path path, boolean ipv6, int protocol)
            throws Exception {
        RawSocketConfiguration config = RawSocketConfiguration.defaults().withProtocol(protocol);
        try (Namespaces n = Namespaces.create(path); Endpoints endpoints = new Endpoints()) {
            Endpoint a = endpoints.open(n.first, first(n, ipv6), config);
            Endpoint b = endpoints.open(n.second, second(n, ipv6), config);
            Random random = new Random(SEED);
            for (int round = 0; round < 3; round++) {
                byte[] ab = payload(protocol, a.address(), b.address(), random);
                byte[] ba = payload(protocol, b.address(), a.address(), random);
                a.send(b.address(), ab);
                b.send(a.address(), ba);
                assertArrival(b.next(), a.address(), b.address(), ab);
                assertArrival(a.next(), b.address(), a.address(), ba);
            }
            assertTrue(b.scheduler.drain(Endpoints.TIMEOUT.toMillis()));
            RawSocketStatistics s = b.transport.statistics();
            assertEquals(3, s.sent());
            assertEquals(3, s.delivered());
            assertEquals(0, s.sendDropped() + s.malformed() + s.foreignDestination() + s.truncated() + s.overruns()
                    + s.receiveErrors(), "nothing dropped: " + s);
        }
    }

    private static void assertArrival(Received r, InetAddress source, InetAddress destination, byte[] bytes) {
        assertEquals(source, r.source(), "source");
        assertEquals(destination, r.destination(), "destination");
        assertArrayEquals(bytes, r.bytes(), "bytes");
    }

    /**
     * Protocol 253 carries any bytes; over tcp the bytes are a RST with a valid checksum, which the
     * receiving kernel's TCP silently discards (RFC 9293 §3.10.7.1: a RST is never answered).
     */
    private static byte[] payload(int protocol, InetAddress from, InetAddress to, Random random) {
        if (protocol == RawSocketSettings.IPPROTO_TCP) {
            return TcpSegments.segment(from, to, 40000 + random.nextInt(1000), 5000 + random.nextInt(1000),
                    random.nextInt() & 0xffffffffL, 0, TcpSegments.RST);
        }
        byte[] bytes = new byte[1 + random.nextInt(1200)];
        random.nextBytes(bytes);
        return bytes;
    }

    @ParameterizedTest(name = "IPv6={0}")
    @ValueSource(booleans = {false, true})
    void theMarkIsOnTheSocketAndOnEveryDatagramTheFirewallSees(boolean ipv6) throws Exception {
        try (Namespaces n = Namespaces.create(Namespaces.Path.LOOPBACK); Endpoints endpoints = new Endpoints()) {
            Prerequisites.requireCommand("nft", "nftables");
            n.first.execWithInput("""
                    table inet marks {
                        chain out {
                            type filter hook output priority filter; policy accept;
                            meta l4proto 253 meta mark 0x5359 counter
                            meta l4proto 253 meta mark != 0x5359 counter
                        }
                    }
                    """, "nft", "-f", "-");
            Endpoint marked = endpoints.open(n.first, first(n, ipv6), RawSocketConfiguration.defaults());
            Endpoint unmarked = endpoints.open(n.first, second(n, ipv6), RawSocketConfiguration.defaults().withMark(0));
            assertEquals(0x5359, marked.transport.socket().intOption(Linux.SOL_SOCKET, Linux.SO_MARK));
            assertEquals(0, unmarked.transport.socket().intOption(Linux.SOL_SOCKET, Linux.SO_MARK));
            for (int i = 0; i < 3; i++) {
                marked.send(unmarked.address(), new byte[] {(byte) i});
                unmarked.next();
            }
            unmarked.send(marked.address(), new byte[] {9});
            marked.next();
            String ruleset = n.first.exec("nft", "list", "table", "inet", "marks");
            assertEquals(3, packets(ruleset, "meta mark 0x00005359"), ruleset);
            assertEquals(1, packets(ruleset, "meta mark != 0x00005359"), ruleset);
        }
    }

    private static long packets(String ruleset, String rule) {
        Matcher m = Pattern.compile(Pattern.quote(rule) + " counter packets (\\d+)").matcher(ruleset);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    @Test
    void aSocketBoundToADeviceReportsItAndStillCarriesDatagrams() throws Exception {
        try (Namespaces n = Namespaces.create(Namespaces.Path.VETH); Endpoints endpoints = new Endpoints()) {
            Endpoint a = endpoints.open(n.first, n.ipv4First,
                    RawSocketConfiguration.defaults().withInterface(n.veth.deviceA()));
            Endpoint b = endpoints.open(n.second, n.ipv4Second, RawSocketConfiguration.defaults());
            assertEquals(n.veth.deviceA(), a.transport.socket().boundDevice());
            assertEquals("", b.transport.socket().boundDevice());
            a.send(b.address(), new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, b.next().bytes());
            b.send(a.address(), new byte[] {4});
            assertArrayEquals(new byte[] {4}, a.next().bytes());
        }
    }

    @Test
    void anUnknownDeviceIsRefusedWithTheErrnoAndWhatToCheck() throws Exception {
        try (Namespaces n = Namespaces.create(Namespaces.Path.LOOPBACK); Endpoints endpoints = new Endpoints()) {
            SynackException e = assertThrows(SynackException.class, () -> endpoints.open(n.first, n.ipv4First,
                    RawSocketConfiguration.defaults().withInterface("nosuchdev0")));
            assertEquals("setsockopt(SO_BINDTODEVICE, nosuchdev0) failed: ENODEV (No such device): there is no "
                    + "network device of that name here; check synack.rawsocket.interface against `ip link`",
                    e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.18.200.1", "fd00:5959::99"})
    void anAddressNotConfiguredHereIsRefusedWithTheErrno(String address) throws Exception {
        try (Namespaces n = Namespaces.create(Namespaces.Path.LOOPBACK); Endpoints endpoints = new Endpoints()) {
            InetAddress a = InetAddress.getByName(address);
            SynackException e = assertThrows(SynackException.class,
                    () -> endpoints.open(n.first, a, RawSocketConfiguration.defaults()));
            assertEquals("bind(" + a.getHostAddress() + ") failed: EADDRNOTAVAIL (Cannot assign requested address): "
                    + "the address is not configured on any interface in this network namespace", e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "224.0.0.1"})
    void aWildcardOrMulticastAddressIsRefused(String address) throws Exception {
        try (Namespaces n = Namespaces.create(Namespaces.Path.LOOPBACK); Endpoints endpoints = new Endpoints()) {
            InetAddress a = InetAddress.getByName(address);
            SynackException e = assertThrows(SynackException.class,
                    () -> endpoints.open(n.first, a, RawSocketConfiguration.defaults()));
            assertEquals("a raw-socket endpoint needs a unicast address of this host, not " + a.getHostAddress(),
                    e.getMessage());
        }
    }

    @Test
    void oneFactoryRefusesASecondEndpointOnAnAddressInOneNamespaceOnly() throws Exception {
        try (Namespaces n = Namespaces.create(Namespaces.Path.VETH); Endpoints endpoints = new Endpoints()) {
            RawSocketTransportFactory factory = new RawSocketTransportFactory(RawSocketConfiguration.defaults());
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            Endpoint a = endpoints.open(n.first, loopback, factory);
            AddressInUseException e = assertThrows(AddressInUseException.class,
                    () -> endpoints.open(n.first, loopback, factory));
            assertEquals("a raw-socket endpoint is already open at 127.0.0.1 in this network namespace",
                    e.getMessage());
            endpoints.open(n.second, loopback, factory).transport.close();
            a.transport.close();
            endpoints.open(n.first, loopback, factory);
        }
    }

    @ParameterizedTest(name = "{0} IPv6={1}")
    @CsvSource({"LOOPBACK, false, 65536, 65515", "LOOPBACK, true, 65536, 65496", "VETH, false, 1500, 1480",
        "VETH, true, 1500, 1460", "VETH, false, 1400, 1380", "VETH, true, 1400, 1360"})
    void theMaximumSegmentSizeIsTheInterfaceMtuLessTheIpHeader(Namespaces.Path path, boolean ipv6, int mtu,
            int expected) throws Exception {
        try (Namespaces n = Namespaces.create(path); Endpoints endpoints = new Endpoints()) {
            if (path == Namespaces.Path.VETH) {
                n.first.ip("link", "set", n.veth.deviceA(), "mtu", String.valueOf(mtu));
            }
            Endpoint a = endpoints.open(n.first, first(n, ipv6), RawSocketConfiguration.defaults());
            assertEquals(mtu, a.transport.mtu());
            assertEquals(expected, a.transport.maxSegmentSize());
        }
    }

    @Test
    void closeLeavesNoDescriptorAndNoThreadBehind() throws Exception {
        try (Namespaces n = Namespaces.create(Namespaces.Path.LOOPBACK)) {
            // Warm up: JNA's library and classes load, the loggers initialise.
            try (Endpoints warm = new Endpoints()) {
                warm.open(n.first, n.ipv4First, RawSocketConfiguration.defaults());
            }
            long before = descriptors();
            try (Endpoints endpoints = new Endpoints()) {
                Endpoint a = endpoints.open(n.first, n.ipv4First, RawSocketConfiguration.defaults());
                Endpoint b = endpoints.open(n.first, n.ipv6First, RawSocketConfiguration.defaults());
                assertEquals(before + 4, descriptors(), "each endpoint holds a raw socket and an eventfd");
                Thread ta = a.transport.receiveThread();
                Thread tb = b.transport.receiveThread();
                assertTrue(ta.isAlive() && ta.isDaemon() && ta.getName().startsWith("synack-rawsocket-rx-"),
                        ta.getName());
                a.transport.close();
                b.transport.close();
                assertFalse(ta.isAlive(), "the receive thread outlived close()");
                assertFalse(tb.isAlive(), "the receive thread outlived close()");
                assertEquals(before, descriptors(), "close() left a descriptor open");
                assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t == ta || t == tb));
                a.transport.close();
                assertEquals(before, descriptors(), "a second close() changed something");
            }
        }
    }

    /** Holds every task until told to run them: a stack whose event loop is busy. */
    private static final class HoldingScheduler implements Scheduler {
        final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void execute(Runnable task) {
            held.add(task);
        }

        @Override
        public void schedule(long deadlineNanos, Runnable task) {
            held.add(task);
        }

        @Override
        public boolean inSchedulerThread() {
            return false;
        }
    }

    @Test
    void aStackThatFallsBehindLosesTheExcessAndItIsCounted() throws Exception {
        try (Namespaces n = Namespaces.create(Namespaces.Path.LOOPBACK); Endpoints endpoints = new Endpoints()) {
            Endpoint a = endpoints.open(n.first, n.ipv4First, RawSocketConfiguration.defaults());
            HoldingScheduler busy = new HoldingScheduler();
            List<Integer> delivered = new ArrayList<>();
            RawSocketTransportFactory factory = new RawSocketTransportFactory(RawSocketConfiguration.defaults());
            try (RawSocketTransport b = n.first.call(() -> (RawSocketTransport) factory.open(
                    new TransportContext(n.ipv4Second, (s, d, seg) -> delivered.add(seg.getInt()), busy)))) {
                int sent = RawSocketTransport.DELIVERIES_IN_FLIGHT + 44;
                for (int i = 0; i < sent; i++) {
                    a.send(b.localAddress(), ByteBuffer.allocate(4).putInt(0, i).array());
                }
                awaitCondition(() -> b.statistics().overruns() == 44 && busy.held.size() == RawSocketTransport.DELIVERIES_IN_FLIGHT,
                        () -> "overruns " + b.statistics() + ", held " + busy.held.size());
                for (Runnable task = busy.held.poll(); task != null; task = busy.held.poll()) {
                    task.run();
                }
                assertEquals(IntStream.range(0, RawSocketTransport.DELIVERIES_IN_FLIGHT).boxed().toList(),
                        delivered, "the first 256 arrive in order, the excess is lost");
                a.send(b.localAddress(), ByteBuffer.allocate(4).putInt(0, 9999).array());
                awaitCondition(() -> busy.held.size() == 1, () -> "held " + busy.held.size());
                busy.held.poll().run();
                assertEquals(9999, delivered.get(delivered.size() - 1), "the pool refilled once the stack caught up");
                RawSocketStatistics s = b.statistics();
                assertEquals(RawSocketTransport.DELIVERIES_IN_FLIGHT + 1, s.delivered());
                assertEquals(44, s.overruns());
            }
        }
    }

    private static void awaitCondition(BooleanSupplier condition,
            Supplier<String> state) {
        long deadline = System.nanoTime() + Endpoints.TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not reached within " + Endpoints.TIMEOUT + ": " + state.get());
            }
            Thread.onSpinWait();
        }
    }

    private static long descriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
