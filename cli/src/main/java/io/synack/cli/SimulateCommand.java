package io.synack.cli;

import io.synack.cli.lab.Campaign;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code synack simulate}: the simulation campaign. Runs N seeds of many clients against one server
 * over a faulty loopback network in virtual time, checks the four invariants on each, prints one
 * line per failing run with the command that replays it, then {@code N passed, N failed}.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run the simulation campaign: many clients, random transfers, half-closes, closes and aborts "
                + "over random faults; checks delivery, teardown, stale SYNs and RFC 9293 transitions. "
                + "Exit 0 iff every run passed."})
final class SimulateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Set one engine setting (synack.tcp.*) for every stack, e.g. -s synack.tcp.msl=0 "
                    + "(repeatable); the replay commands repeat them.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--runs", paramLabel = "N", defaultValue = "100", description = "How many seeds (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seed", paramLabel = "S", description = "First seed; runs use S, S+1, ... (default: random, printed).")
    Long seed;

    @Option(names = "--faults", paramLabel = "SPEC",
            description = "A fixed fault mix (e.g. loss=0.2,dup=0.05,reorder=0.1,delay=5ms..800ms,corrupt=0.01) "
                    + "instead of one drawn from each seed.")
    String faults;

    @Option(names = "--clients", paramLabel = "K", defaultValue = "0",
            description = "Concurrent clients per run (default: 1..8 drawn from the seed).")
    int clients;

    @Option(names = "--max-bytes", paramLabel = "BYTES", defaultValue = "262144",
            description = "Most bytes each side sends (drawn 0..BYTES per direction; default ${DEFAULT-VALUE}).")
    long maxBytes;

    @Option(names = "--max-loss", paramLabel = "P", defaultValue = "0.3",
            description = "Highest loss rate of a mix drawn from the seed (default ${DEFAULT-VALUE}).")
    double maxLoss;

    @Option(names = "--time-bound", paramLabel = "DURATION",
            description = "Invariant 2: every connection ends CLOSED within this much virtual time "
                    + "(default: 1h per started 64 KiB of --max-bytes, at least 1h).")
    String timeBound;

    @Option(names = "--pcap", paramLabel = "FILE",
            description = "Write every datagram delivered in the run to FILE (pcap, as the receivers saw them); with --runs 1 only.")
    java.nio.file.Path pcap;

    @Override
    public Integer call() throws java.io.IOException {
        if (runs < 1) {
            throw new ParameterException(spec.commandLine(), "--runs must be at least 1, got " + runs);
        }
        if (clients < 0 || clients > 200) {
            throw new ParameterException(spec.commandLine(), "--clients must be 1..200, got " + clients);
        }
        if (maxBytes < 0) {
            throw new ParameterException(spec.commandLine(), "--max-bytes must be >= 0, got " + maxBytes);
        }
        Campaign campaign;
        Map<String, String> engine = new LinkedHashMap<>();
        for (String item : sets) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new ParameterException(spec.commandLine(),
                        "Invalid value for option '--set': '" + item + "' is not KEY=VALUE (e.g. -s synack.tcp.msl=0)");
            }
            engine.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        try {
            Campaign.engineConfig(engine);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "-s: only synack.tcp.* settings apply: " + e.getMessage());
        }
        try {
            campaign = new Campaign(maxBytes, 8, clients, faults, maxLoss, engine);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), (faults != null ? "--faults: " : "") + e.getMessage());
        }
        try {
            if (timeBound != null) {
                campaign.withTimeBound(io.synack.spi.Setting.parseDuration(timeBound));
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--time-bound: " + e.getMessage());
        }
        if (pcap != null && runs != 1) {
            throw new ParameterException(spec.commandLine(), "--pcap needs --runs 1");
        }
        io.synack.core.capture.PcapWriter writer = pcap == null ? null
                : new io.synack.core.capture.PcapWriter(pcap, io.synack.core.capture.PcapWriter.Options.DEFAULT
                        .withFates(io.synack.spi.DatagramFate.DELIVERED));
        if (writer != null) {
            campaign.recordingTo(writer);
        }
        try {
            return run(campaign);
        } finally {
            if (writer != null) {
                writer.close();
            }
        }
    }

    private int run(Campaign campaign) {
        PrintWriter out = spec.commandLine().getOut();
        long first = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000_000L);
        out.printf("synack simulate: %d runs from seed %d%n", runs, first);
        out.flush();
        int failed = 0;
        int gaveUp = 0;
        int reopened = 0;
        Campaign.SynCounts syns = Campaign.SynCounts.NONE;
        for (int i = 0; i < runs; i++) {
            Campaign.Result result = campaign.run(first + i);
            syns = syns.plus(result.syns());
            gaveUp += result.gaveUp();
            reopened += result.reopened();
            if (!result.passed()) {
                failed++;
                out.printf("FAIL seed %d (%d clients, %s): %s%n  replay: %s%n", result.seed(), result.clients(),
                        result.faults(), String.join("; ", result.violations()), result.replay());
                out.flush();
            }
        }
        out.printf("old SYNs handed to the server: %d duplicates, %d after ESTABLISHED, %d older than MSL; "
                + "connections reopened on a closed 4-tuple: %d; applications that gave up on a failed peer: %d%n",
                syns.duplicates(), syns.afterEstablished(), syns.olderThanMsl(), reopened, gaveUp);
        out.printf("%d passed, %d failed%n", runs - failed, failed);
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}
