package io.synack.cli.lab;

import io.synack.api.SynackException;
import io.synack.api.TcpStack;
import io.synack.core.capture.PcapWriter;
import io.synack.core.driver.DriverOptions;
import io.synack.core.driver.EngineFactory;
import io.synack.core.driver.StackDriver;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

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

    /** The simulation in virtual time, or null when the lab runs in real time. */
    private final Simulation simulation;
    private final long seed;
    private final long startNanos = System.nanoTime();
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
        this(seed, faults, engines, pcapFile, false);
    }

    /**
     * A lab in real time: each stack on its own event-loop thread, the same fault model scheduled
     * on wall-clock time, waits bounded in wall-clock time. Not reproducible segment for segment.
     *
     * @param seed the run's seed (faults)
     * @param faults the network's fault model
     * @param engines makes the client's and the server's engine
     * @param pcapFile where to write a capture, or null
     * @return the lab
     * @throws SynackException if a stack cannot attach
     */
    public static Lab realTime(long seed, FaultModel faults, EngineFactory engines, Path pcapFile) throws SynackException {
        return new Lab(seed, faults, engines, pcapFile, true);
    }

    private Lab(long seed, FaultModel faults, EngineFactory engines, Path pcapFile, boolean realTime)
            throws SynackException {
        this.seed = seed;
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
        if (realTime) {
            simulation = null;
            LoopbackTransportFactory factory = new LoopbackTransportFactory(network, faults,
                    Simulation.deriveSeed(seed, "network"));
            client = StackDriver.openRealTime(CLIENT, factory, "loopback", engines, DriverOptions.DEFAULT).stack();
            TcpStack s;
            try {
                s = StackDriver.openRealTime(SERVER, factory, "loopback", engines, DriverOptions.DEFAULT).stack();
            } catch (SynackException | RuntimeException e) {
                client.close();
                throw e;
            }
            server = s;
        } else {
            simulation = Simulation.create(seed, networkSeed -> new LoopbackTransportFactory(network, faults, networkSeed),
                    engines);
            client = simulation.addStack(CLIENT);
            server = simulation.addStack(SERVER);
        }
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
                long at = event.timeNanos() - (simulation == null ? startNanos : 0);
                err.printf(java.util.Locale.ROOT, "%10.3f ms  %-22s %s => %s  (%s)%n", at / 1e6,
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

    /**
     * The simulation (virtual time, seed).
     *
     * @throws IllegalStateException in a real-time lab
     */
    public Simulation simulation() {
        if (simulation == null) {
            throw new IllegalStateException("this lab runs in real time");
        }
        return simulation;
    }

    /** Nanoseconds since the lab started: virtual or wall-clock. */
    public long now() {
        return simulation != null ? simulation.now() : System.nanoTime() - startNanos;
    }

    /**
     * A seed for one purpose, derived from the run's seed.
     *
     * @param purpose what it is for
     * @return the seed
     */
    public long deriveSeed(String purpose) {
        return Simulation.deriveSeed(seed, purpose);
    }

    /**
     * Runs (virtual time) or waits (real time) until {@code stage} completes.
     *
     * @param stage what to wait for
     * @param limit the most time to run or wait
     * @param <T> its result
     * @return its result
     * @throws SynackException if it completed exceptionally with one
     */
    public <T> T await(CompletionStage<T> stage, Duration limit) throws SynackException {
        if (simulation != null) {
            return simulation.await(stage, limit);
        }
        try {
            return stage.toCompletableFuture().get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SynackException s) {
                throw s;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("not completed within " + limit + " (real time, seed " + seed + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /**
     * Runs until no event is pending (virtual time), or waits until neither stack has a
     * connection left, TIME-WAIT included (real time, at most {@code limit}): TIME-WAIT ends here.
     *
     * @param limit the most wall-clock time to wait in real time
     */
    public void runUntilIdle(Duration limit) {
        if (simulation != null) {
            simulation.runUntilIdle();
            return;
        }
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline && (live(client) > 0 || live(server) > 0)) {
            LockSupport.parkNanos(20_000_000L);
        }
    }

    /** Runs until no event is pending: TIME-WAIT ends here (virtual time). */
    public void runUntilIdle() {
        simulation().runUntilIdle();
    }

    private static int live(TcpStack stack) {
        return stack.statistics().connectionsByState().values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public void close() {
        if (simulation != null) {
            simulation.close();
        } else {
            client.close();
            server.close();
        }
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
