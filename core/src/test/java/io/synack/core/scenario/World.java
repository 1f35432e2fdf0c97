package io.synack.core.scenario;

import io.synack.api.ConnectionEvent;
import io.synack.api.SynackException;
import io.synack.api.TcpState;
import io.synack.core.driver.DrivenStack;
import io.synack.core.driver.Simulation;
import io.synack.core.engine.EngineConfig;
import io.synack.core.engine.TcpEngine;
import io.synack.transport.loopback.LoopbackNetwork;
import io.synack.transport.loopback.LoopbackTransportFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The seed's two hosts in simulation: a client at 10.0.0.1 and a server at 10.0.0.2 running
 * {@link TcpEngine}s on one loopback network, every segment recorded, targeted faults scriptable.
 */
final class World {

    static final InetAddress CLIENT = address("10.0.0.1");
    static final InetAddress SERVER = address("10.0.0.2");
    static final int PORT = 80;
    static final InetSocketAddress SERVER_PORT = new InetSocketAddress(SERVER, PORT);

    final Simulation sim;
    final LoopbackNetwork network = new LoopbackNetwork();
    final SegmentTrace trace = new SegmentTrace();
    final FaultScript faults;
    final Map<InetAddress, TcpEngine> engines = new HashMap<>();
    final DrivenStack client;
    final DrivenStack server;
    final List<ConnectionEvent.StateChanged> transitions = new ArrayList<>();

    World(long seed) throws SynackException {
        this(seed, EngineConfig.defaults());
    }

    World(long seed, EngineConfig config) throws SynackException {
        network.recorder(trace);
        faults = new FaultScript(new LoopbackTransportFactory(network), trace);
        sim = Simulation.create(seed, faults, (address, engineSeed) -> {
            TcpEngine engine = TcpEngine.create(address, config, new SplittableRandom(engineSeed));
            engines.put(address, engine);
            return engine;
        });
        client = sim.addStack(CLIENT);
        server = sim.addStack(SERVER);
        client.addEventListener(this::onEvent);
        server.addEventListener(this::onEvent);
    }

    private void onEvent(ConnectionEvent e) {
        if (e instanceof ConnectionEvent.StateChanged s) {
            transitions.add(s);
        }
    }

    /** The states {@code host}'s connections went through, as "FROM => TO" in order. */
    List<String> transitionsOf(InetAddress host) {
        return transitions.stream().filter(t -> t.connection().local().getAddress().equals(host))
                .map(t -> t.from() + " => " + t.to()).toList();
    }

    /** When {@code host}'s connection entered {@code state} (the last time), or -1. */
    long enteredAt(InetAddress host, TcpState state) {
        long at = -1;
        for (ConnectionEvent.StateChanged t : transitions) {
            if (t.connection().local().getAddress().equals(host) && t.to() == state) {
                at = t.timeNanos();
            }
        }
        return at;
    }

    TcpEngine engine(InetAddress host) {
        return engines.get(host);
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
