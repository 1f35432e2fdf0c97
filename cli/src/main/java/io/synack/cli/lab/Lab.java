package io.synack.cli.lab;

import io.synack.api.SynackException;
import io.synack.api.TcpStack;
import io.synack.core.capture.PcapWriter;
import io.synack.core.driver.EngineFactory;
import io.synack.core.driver.Simulation;
import io.synack.core.engine.EngineConfig;
import io.synack.core.engine.TcpEngine;
import io.synack.core.trace.Trace;
import io.synack.spi.DatagramRecorder;
import io.synack.transport.loopback.DelayDistribution;
import io.synack.transport.loopback.FaultModel;
import io.synack.transport.loopback.FaultPlan;
import io.synack.transport.loopback.LoopbackNetwork;
import io.synack.transport.loopback.LoopbackTransportFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;

/**
 * A client and a server stack on one simulated loopback network in virtual time, with every
 * datagram and state change recorded for a ladder diagram (and optionally a pcap file): the bench
 * on which {@code synack demo} and {@code synack explain} run their experiments. Everything random
 * flows from one seed.
 */
public final class Lab implements AutoCloseable {

    /** The client's address (drawn on the left). */
    public static final InetAddress CLIENT = literal("127.0.0.1");
    /** The server's address (drawn on the right). */
    public static final InetAddress SERVER = literal("127.0.0.2");
    /** The port the server listens on. */
    public static final int SERVER_PORT = 7;

    private final Simulation simulation;
    private final Trace trace = new Trace(CLIENT);
    private final PcapWriter pcap;
    private final TcpStack client;
    private final TcpStack server;

    /**
     * @param seed the run's seed
     * @param faults the network's fault model
     * @param clientConfig the client engine's settings
     * @param serverConfig the server engine's settings
     * @param pcapFile where to write a capture, or null
     * @throws SynackException if a stack cannot attach
     */
    public Lab(long seed, FaultModel faults, EngineConfig clientConfig, EngineConfig serverConfig, Path pcapFile)
            throws SynackException {
        this(seed, faults, (address, engineSeed) -> TcpEngine.create(address,
                address.equals(CLIENT) ? clientConfig : serverConfig, new SplittableRandom(engineSeed)), pcapFile);
    }

    /**
     * A lab whose engines come from {@code engines} (for experiments that pin ISNs or settings).
     *
     * @param seed the run's seed
     * @param faults the network's fault model
     * @param engines makes the client's and the server's engine (by address)
     * @param pcapFile where to write a capture, or null
     * @throws SynackException if a stack cannot attach
     */
    public Lab(long seed, FaultModel faults, EngineFactory engines, Path pcapFile) throws SynackException {
        try {
            this.pcap = pcapFile == null ? null : new PcapWriter(pcapFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + pcapFile + ": " + e.getMessage(), e);
        }
        LoopbackNetwork network = new LoopbackNetwork();
        DatagramRecorder recorder = pcap == null ? trace : (t, s, d, seg, fate, detail) -> {
            pcap.record(t, s, d, seg.duplicate(), fate, detail);
            trace.record(t, s, d, seg, fate, detail);
        };
        network.recorder(recorder);
        simulation = Simulation.create(seed, networkSeed -> new LoopbackTransportFactory(network, faults, networkSeed),
                engines);
        client = simulation.addStack(CLIENT);
        server = simulation.addStack(SERVER);
        client.addEventListener(trace);
        server.addEventListener(trace);
    }

    /**
     * The network model of an experiment: the faults given on the command line (on top of a fixed
     * one-way {@code latency}), else those of the configuration ({@code synack.loopback.*}), else
     * just the latency, so that a ladder diagram shows time passing.
     *
     * @param commandLine the {@code --faults} text, or null
     * @param configured the model the configuration gives
     * @param latency the one-way delay when no delay is set
     * @return the model
     */
    public static FaultModel faultModel(String commandLine, FaultModel configured, Duration latency) {
        FaultPlan base = FaultPlan.builder().delay(DelayDistribution.fixed(latency)).build();
        if (commandLine != null) {
            return FaultModel.parse(commandLine, base);
        }
        return configured.isNone() ? FaultModel.of(base) : configured;
    }

    /**
     * Prints every state transition of both stacks, with its cause, as it happens ({@code -v}).
     *
     * @param err where to print
     */
    public void logTransitions(java.io.PrintWriter err) {
        io.synack.api.ConnectionEventListener log = event -> {
            if (event instanceof io.synack.api.ConnectionEvent.StateChanged s) {
                err.printf(java.util.Locale.ROOT, "%10.3f ms  %-22s %s => %s  (%s)%n", event.timeNanos() / 1e6,
                        s.connection().local().getAddress().getHostAddress() + ":" + s.connection().local().getPort(),
                        s.from(), s.to(), s.cause());
                err.flush();
            }
        };
        client.addEventListener(log);
        server.addEventListener(log);
    }

    /** The client stack. */
    public TcpStack client() {
        return client;
    }

    /** The server stack. */
    public TcpStack server() {
        return server;
    }

    /** What was recorded so far. */
    public Trace trace() {
        return trace;
    }

    /** The simulation (virtual time, seed). */
    public Simulation simulation() {
        return simulation;
    }

    /**
     * Runs virtual time until {@code stage} completes.
     *
     * @param stage what to wait for
     * @param limit the most virtual time to run
     * @param <T> its result
     * @return its result
     * @throws SynackException if it completed exceptionally with one
     */
    public <T> T await(CompletionStage<T> stage, Duration limit) throws SynackException {
        return simulation.await(stage, limit);
    }

    /** Runs until no event is pending (every timer expired): TIME-WAIT ends here. */
    public void runUntilIdle() {
        simulation.runUntilIdle();
    }

    @Override
    public void close() {
        simulation.close();
        if (pcap != null) {
            try {
                pcap.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static InetAddress literal(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
