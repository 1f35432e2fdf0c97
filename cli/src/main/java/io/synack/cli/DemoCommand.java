package io.synack.cli;

import io.synack.api.CloseReason;
import io.synack.api.ConnectionStatistics;
import io.synack.api.StackStatistics;
import io.synack.api.SynackException;
import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import io.synack.cli.lab.Lab;
import io.synack.cli.lab.StreamPumps;
import io.synack.cli.lab.StreamPumps.Received;
import io.synack.core.SynackRuntime;
import io.synack.core.engine.EngineConfig;
import io.synack.core.trace.LadderDiagram;
import io.synack.core.trace.MermaidDiagram;
import io.synack.core.trace.TraceEntry;
import io.synack.spi.Setting;
import io.synack.transport.loopback.FaultModel;
import io.synack.transport.loopback.LoopbackSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code synack demo}: the main job on the embedded default. A client and a server in one process
 * on the loopback network, in virtual time: the three-way handshake, a message each way (or
 * {@code --bytes} each way, checked end to end), the four-way teardown and TIME-WAIT to CLOSED,
 * drawn as a ladder diagram. Exit 0 only if both applications saw all their data and a graceful
 * close.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run a client and a server on the loopback network: handshake, data each way, teardown, "
                + "TIME-WAIT. Prints a ladder diagram and a summary; exit 0 only if every byte arrived and both "
                + "sides closed gracefully."})
final class DemoCommand implements Callable<Integer> {

    static final byte[] REQUEST = "hello from the client".getBytes(StandardCharsets.US_ASCII);
    static final byte[] RESPONSE = "hello from the server".getBytes(StandardCharsets.US_ASCII);

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Option(names = "--faults", paramLabel = "SPEC",
            description = "Network faults, e.g. loss=0.2,dup=0.05,reorder=0.1,delay=5ms..800ms,corrupt=0.01 "
                    + "(overrides synack.loopback.*).")
    String faults;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of every random choice (printed on every run; default: random).")
    Long seed;

    @Option(names = "--bytes", paramLabel = "SIZE",
            description = "Send SIZE bytes each way (e.g. 64MiB) instead of a short message, checked end to end.")
    String bytes;

    @Option(names = "--pcap", paramLabel = "FILE", description = "Write every segment to FILE (pcap, opens in Wireshark).")
    Path pcap;

    @Option(names = "--mermaid", paramLabel = "FILE", description = "Write the exchange as a Mermaid sequence diagram.")
    Path mermaid;

    @Option(names = "--real-time", description = "Run on two real-time event loops (wall-clock time) instead of "
            + "virtual time, with a short MSL (1s) unless synack.tcp.msl is set; add -v to watch the transitions.")
    boolean realTime;

    static final Duration REAL_TIME_MSL = Duration.ofSeconds(1);

    @Option(names = "--no-color", description = "No ANSI colour (also when the output is not a terminal).")
    boolean noColor;

    @Option(names = "--absolute", description = "Print raw sequence numbers instead of relative ones.")
    boolean absolute;

    @Option(names = "--latency", paramLabel = "DURATION", defaultValue = "1ms",
            description = "One-way delay of the network when no delay fault is set (default ${DEFAULT-VALUE}).")
    String latency;

    @Option(names = "--time-limit", paramLabel = "DURATION", defaultValue = "30m",
            description = "Most virtual time the run may take (default ${DEFAULT-VALUE}).")
    String timeLimit;

    @Override
    public Integer call() throws SynackException {
        PrintWriter out = spec.commandLine().getOut();
        long total = bytes == null ? 0 : parse("--bytes", bytes, Setting::parseSize);
        Duration limit = parse("--time-limit", timeLimit, Setting::parseDuration);
        SynackRuntime runtime = Composition.runtime(global);
        Duration oneWay = parse("--latency", latency, Setting::parseDuration);
        FaultModel model = Lab.faultModel(faults == null ? null : parse("--faults", faults, text -> {
            FaultModel.parse(text);
            return text;
        }), LoopbackSettings.faultModel(runtime.settings()), oneWay);
        EngineConfig config = EngineConfig.from(runtime.settings());
        if (realTime && runtime.settings().sourceOf("synack.tcp.msl").layer()
                == io.synack.core.config.ValueSource.Layer.DEFAULT) {
            config = config.withMsl(REAL_TIME_MSL); // watchable: TIME-WAIT lasts 2 s, not a minute
        }
        long runSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000);

        out.printf("synack demo: seed %d, loopback network in %s, network: %s%n", runSeed,
                realTime ? "real time (MSL " + Setting.formatDuration(Duration.ofNanos(config.mslNanos())) + ")"
                        : "virtual time", model);
        out.printf("replay: %s%n%n", replayCommand(runSeed));
        out.flush();

        List<String> failures = new ArrayList<>();
        EngineConfig engine = config;
        try (Lab lab = realTime
                ? Lab.realTime(runSeed, model, (address, s) -> io.synack.core.engine.TcpEngine.create(address, engine, s), pcap)
                : new Lab(runSeed, model, config, config, pcap)) {
            if (global.verbose) {
                lab.logTransitions(spec.commandLine().getErr());
            }
            Outcome outcome = run(lab, total, limit, Duration.ofNanos(2 * config.mslNanos()).plusSeconds(10), failures);
            List<TraceEntry> entries = total > 0 ? lab.trace().summarised(4) : lab.trace().entries();
            String left = "client " + Lab.CLIENT.getHostAddress() + ":" + outcome.clientPort;
            String right = "server " + Lab.SERVER.getHostAddress() + ":" + Lab.SERVER_PORT;
            out.print(new LadderDiagram(color(), absolute).render(left, right, entries));
            out.println();
            summary(out, lab, outcome, total, failures);
            if (mermaid != null) {
                writeMermaid(entries);
                out.println("mermaid: " + mermaid);
            }
        }
        if (pcap != null) {
            out.println("pcap: " + pcap + " (open with: tshark -r " + pcap + ")");
        }
        if (!failures.isEmpty()) {
            out.println();
            failures.forEach(f -> out.println("FAILED: " + f));
            out.println("replay: " + replayCommand(runSeed));
        }
        out.flush();
        return failures.isEmpty() ? 0 : 1;
    }

    private static final class Outcome {
        int clientPort;
        Received atServer;
        Received atClient;
        CloseReason clientClose;
        CloseReason serverClose;
        ConnectionStatistics clientStats;
        ConnectionStatistics serverStats;
    }

    private Outcome run(Lab lab, long total, Duration limit, Duration idle, List<String> failures) {
        Outcome o = new Outcome();
        try {
            TcpListener listener = lab.server().listen(Lab.SERVER_PORT, 16);
            CompletableFuture<TcpConnection> accepted = listener.acceptAsync().toCompletableFuture();
            TcpConnection client = lab.await(lab.client().connectAsync(new InetSocketAddress(Lab.SERVER, Lab.SERVER_PORT)), limit);
            o.clientPort = client.id().local().getPort();
            TcpConnection server = lab.await(accepted, limit);
            if (total == 0) {
                // The seed's exchange: a request, a response, then the client closes first.
                lab.await(StreamPumps.write(client, REQUEST, false), limit);
                o.atServer = lab.await(StreamPumps.read(server, REQUEST.length), limit);
                lab.await(StreamPumps.write(server, RESPONSE, false), limit);
                o.atClient = lab.await(StreamPumps.read(client, RESPONSE.length), limit);
                client.close();
                Received eof = lab.await(StreamPumps.read(server, Long.MAX_VALUE), limit);
                if (eof.bytes() != 0) {
                    failures.add("the server read " + eof.bytes() + " bytes after the request instead of end of stream");
                }
                server.close();
                check(failures, "server received", o.atServer, REQUEST.length, crc(REQUEST));
                check(failures, "client received", o.atClient, RESPONSE.length, crc(RESPONSE));
            } else {
                // Both directions at once; each side sends FIN after its last byte and reads to the peer's FIN.
                long clientStream = lab.deriveSeed("client-data");
                long serverStream = lab.deriveSeed("server-data");
                CompletableFuture<Void> cw = StreamPumps.write(client, clientStream, total, true);
                CompletableFuture<Void> sw = StreamPumps.write(server, serverStream, total, true);
                CompletableFuture<Received> cr = StreamPumps.read(client, Long.MAX_VALUE);
                CompletableFuture<Received> sr = StreamPumps.read(server, Long.MAX_VALUE);
                lab.await(CompletableFuture.allOf(cw, sw, cr, sr), limit);
                o.atServer = sr.join();
                o.atClient = cr.join();
                client.close();
                server.close();
                check(failures, "server received", o.atServer, total, StreamPumps.expectedCrc(clientStream, total));
                check(failures, "client received", o.atClient, total, StreamPumps.expectedCrc(serverStream, total));
            }
            o.clientClose = lab.await(client.closeFuture(), limit);
            o.serverClose = lab.await(server.closeFuture(), limit);
            o.clientStats = client.statistics();
            o.serverStats = server.statistics();
            listener.close();
            lab.runUntilIdle(idle);
            if (o.clientClose != CloseReason.GRACEFUL) {
                failures.add("the client's connection ended " + o.clientClose + ", not GRACEFUL");
            }
            if (o.serverClose != CloseReason.GRACEFUL) {
                failures.add("the server's connection ended " + o.serverClose + ", not GRACEFUL");
            }
        } catch (SynackException | RuntimeException e) {
            failures.add(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return o;
    }

    private void summary(PrintWriter out, Lab lab, Outcome o, long total, List<String> failures) {
        StackStatistics c = lab.client().statistics();
        StackStatistics s = lab.server().statistics();
        out.printf(Locale.ROOT, "%s: %.3f ms%n", realTime ? "elapsed" : "virtual time", lab.now() / 1e6);
        out.printf("segments: client sent %d, server sent %d; retransmissions: client %d, server %d%n",
                c.segmentsOut(), s.segmentsOut(), c.retransmissions(), s.retransmissions());
        if (o.atServer != null && o.atClient != null) {
            out.printf("data: client -> server %d bytes, server -> client %d bytes%s%n", o.atServer.bytes(),
                    o.atClient.bytes(), total > 0 ? " (CRC-32C checked end to end)" : "");
        }
        if (total == 0 && o.atServer != null && o.atClient != null) {
            out.printf("server read: \"%s\"; client read: \"%s\"%n",
                    new String(o.atServer.prefix(), StandardCharsets.US_ASCII),
                    new String(o.atClient.prefix(), StandardCharsets.US_ASCII));
        }
        if (!c.drops().isEmpty() || !s.drops().isEmpty()) {
            out.printf("dropped by the stacks: client %s, server %s%n", c.drops(), s.drops());
        }
        out.printf("close: client %s, server %s; connections left: client %d, server %d%n",
                o.clientClose, o.serverClose, live(c), live(s));
        out.println(failures.isEmpty() ? "result: ok" : "result: FAILED");
    }

    private static int live(StackStatistics s) {
        return s.connectionsByState().values().stream().mapToInt(Integer::intValue).sum();
    }

    private static void check(List<String> failures, String what, Received r, long length, long crc) {
        if (r.bytes() != length) {
            failures.add(what + " " + r.bytes() + " bytes, expected " + length);
        } else if (r.crc() != crc) {
            failures.add(what + " corrupted data: CRC-32C " + Long.toHexString(r.crc()) + ", expected " + Long.toHexString(crc));
        }
    }

    private static long crc(byte[] bytes) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes);
        return crc.getValue();
    }

    private void writeMermaid(List<TraceEntry> entries) {
        try {
            Files.writeString(mermaid, new MermaidDiagram(absolute).render("Client", "Server", entries));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + mermaid + ": " + e.getMessage(), e);
        }
    }

    private String replayCommand(long runSeed) {
        StringBuilder b = new StringBuilder("./synack demo --seed ").append(runSeed);
        if (realTime) {
            b.append(" --real-time");
        }
        if (faults != null) {
            b.append(" --faults '").append(faults).append('\'');
        }
        if (bytes != null) {
            b.append(" --bytes ").append(bytes);
        }
        global.sets.forEach(set -> b.append(" -s ").append(set));
        if (global.configFile != null) {
            b.append(" -c ").append(global.configFile);
        }
        return b.toString();
    }

    private boolean color() {
        return !noColor && System.console() != null && System.getenv("NO_COLOR") == null;
    }

    private <T> T parse(String option, String text, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '" + option + "': '" + text + "': " + e.getMessage());
        }
    }
}
