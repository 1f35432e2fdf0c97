package io.synack.core.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.SynackException;
import io.synack.api.TcpStack;
import io.synack.core.wire.Segment;
import io.synack.transport.loopback.LoopbackNetwork;
import io.synack.transport.loopback.LoopbackTransportFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The simulation harness, with scripted engines on the loopback network. */
class SimulationTest {

    private static final InetAddress A = StackDriverTest.address("10.0.0.1");
    private static final InetAddress B = StackDriverTest.address("10.0.0.2");

    private final Map<InetAddress, Long> seedsGiven = new LinkedHashMap<>();
    private final Map<InetAddress, ScriptedEngine> engines = new LinkedHashMap<>();

    private Simulation simulation(long seed) {
        return Simulation.create(seed, new LoopbackTransportFactory(new LoopbackNetwork()), (address, s) -> {
            seedsGiven.put(address, s);
            ScriptedEngine engine = new ScriptedEngine(address);
            engines.put(address, engine);
            return engine;
        }, new FakeCodec());
    }

    @Test
    void eachEngineGetsItsOwnSeedDerivedFromTheRunsSeed() throws SynackException {
        Simulation sim = simulation(42);
        sim.addStack(A);
        sim.addStack("10.0.0.2");

        assertEquals(sim.deriveSeed("engine/10.0.0.1"), seedsGiven.get(A));
        assertEquals(Simulation.deriveSeed(42, "engine/10.0.0.2"), seedsGiven.get(B));
        assertNotEquals(seedsGiven.get(A), seedsGiven.get(B));
        assertEquals(List.of(A, B), sim.stacks().stream().map(TcpStack::localAddress).toList());
        assertSame(sim.driver(A).stack(), sim.stacks().get(0));
    }

    /** Property: derived seeds are a function of (seed, purpose) and do not collide across purposes and seeds. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {0, 1, -1, 42, Long.MAX_VALUE, Long.MIN_VALUE})
    void derivedSeedsAreStableAndDistinct(long seed) {
        Set<Long> seen = new HashSet<>();
        for (String purpose : List.of("network", "engine/10.0.0.1", "engine/10.0.0.2", "engine/fd00::1", "", "n")) {
            long derived = Simulation.deriveSeed(seed, purpose);
            assertEquals(derived, Simulation.deriveSeed(seed, purpose));
            assertTrue(seen.add(derived), "seed " + seed + " purpose '" + purpose + "' collided");
            assertNotEquals(derived, Simulation.deriveSeed(seed + 1, purpose));
        }
    }

    @Test
    void theNetworkBuilderReceivesTheDerivedNetworkSeed() {
        List<Long> networkSeeds = new ArrayList<>();
        Simulation.create(7, s -> {
            networkSeeds.add(s);
            return new LoopbackTransportFactory(new LoopbackNetwork());
        }, (address, s) -> new ScriptedEngine(address), new FakeCodec());

        assertEquals(List.of(Simulation.deriveSeed(7, "network")), networkSeeds);
    }

    @Test
    void twoStacksExchangeSegmentsThroughTheNetworkOnVirtualTime() throws SynackException {
        Simulation sim = simulation(1);
        TcpStack a = sim.addStack(A);
        sim.addStack(B);
        // B answers every segment 5 ms after it arrives, by moving its timer deadline there.
        engines.get(B).onSegment = (e, r, s, now) -> e.deadline = now + 5_000_000;

        CompletableFuture<?> pending = a.connectAsync(new InetSocketAddress(B, 80)).toCompletableFuture();
        sim.runUntilIdle();

        assertEquals(List.of("segment from 10.0.0.1 seq 1000 flags " + Segment.SYN + " at 0", "timeout at 5000000"),
                engines.get(B).log);
        assertEquals(5_000_000, sim.now());
        assertFalse(pending.isDone());
    }

    @Test
    void awaitRunsTheWorldUntilTheStageCompletesAndNamesTheSeedWhenItDoesNot() throws SynackException {
        Simulation sim = simulation(99);
        sim.addStack(A);
        CompletableFuture<String> later = new CompletableFuture<>();
        sim.scheduler().schedule(Duration.ofSeconds(2).toNanos(), () -> later.complete("done"));

        assertEquals("done", sim.await(later, Duration.ofSeconds(3)));
        assertEquals(Duration.ofSeconds(2).toNanos(), sim.now());

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> sim.await(new CompletableFuture<>(), Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("seed 99"), e.getMessage());
    }

    @Test
    void aSecondStackAtTheSameAddressIsRefused() throws SynackException {
        Simulation sim = simulation(3);
        sim.addStack(A);

        assertThrows(IllegalArgumentException.class, () -> sim.addStack(A));
        assertThrows(IllegalArgumentException.class, () -> sim.addStack("host.example"));
    }

    @Test
    void closeAbortsEveryStacksConnectionsAndReleasesTheAddresses() throws SynackException {
        LoopbackNetwork network = new LoopbackNetwork();
        Simulation sim = Simulation.create(5, new LoopbackTransportFactory(network),
                (address, s) -> new ScriptedEngine(address), new FakeCodec());
        sim.addStack(A);
        sim.addStack(B);

        sim.close();

        assertFalse(network.isAttached(A));
        assertFalse(network.isAttached(B));
        assertTrue(sim.driver(A).isClosed());
    }
}
