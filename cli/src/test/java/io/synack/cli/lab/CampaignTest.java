package io.synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.TcpState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The simulation campaign of issue 5 as a test: a bounded slice of seeds in CI, the long campaign
 * with {@code -Dsynack.campaign.runs=100000} (or {@code synack simulate}; results in cli/campaign/RESULTS.md).
 * Each failure names the invariant, the connection, the seed and the replay command. The tests at
 * the end show that each invariant can fail.
 */
class CampaignTest {

    /** Runs in CI (the issue asks for at least 2,000); override with -Dsynack.campaign.runs. */
    static final int RUNS = Integer.getInteger("synack.campaign.runs", 2000);
    static final long FIRST_SEED = Long.getLong("synack.campaign.seed", 1);
    /**
     * Small transfers keep a run cheap (the 2,000 seeds take seconds); the CLI's default is
     * 256 KiB. The long campaign (see cli/campaign/RESULTS.md) runs larger ones.
     */
    static final long MAX_BYTES = Long.getLong("synack.campaign.maxBytes", 4096);

    /** The CI slice draws mixes with loss up to the 30 % ({@link Campaign#drawFaults}). */
    static final double MAX_LOSS = Double.parseDouble(System.getProperty("synack.campaign.maxLoss", "0.3"));

    @Test
    void everyInvariantHoldsOnEverySeedOverRandomFaultMixes() {
        Campaign campaign = new Campaign(MAX_BYTES, 8, 0, System.getProperty("synack.campaign.faults"), MAX_LOSS);
        List<String> failures = new ArrayList<>();
        Campaign.SynCounts syns = Campaign.SynCounts.NONE;
        int reopened = 0;
        for (int i = 0; i < RUNS; i++) {
            Campaign.Result result = campaign.run(FIRST_SEED + i);
            syns = syns.plus(result.syns());
            reopened += result.reopened();
            if (!result.passed()) {
                failures.add("seed " + result.seed() + " [" + result.faults() + ", " + result.clients() + " clients]: "
                        + result.violations() + "\n  replay: " + result.replay());
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + RUNS + " runs failed:\n" + String.join("\n", failures));
        if (RUNS >= 1000 && System.getProperty("synack.campaign.faults") == null) {
            // Invariant 3 is only tested if old SYNs reach the server: the drawn mixes (held SYNs,
            // long-tail delays, duplication) must produce all three kinds, by the hundred.
            assertTrue(syns.duplicates() > 100 && syns.afterEstablished() > 100 && syns.olderThanMsl() > 100,
                    "too few old SYNs to test invariant 3: " + syns);
            // ... and its second half only if 4-tuples are reused while old segments may linger.
            assertTrue(reopened > RUNS / 4, "too few reopened 4-tuples: " + reopened);
        }
    }

    /**
     * Larger transfers need the whole of the send and receive paths under loss (reassembly, SACK,
     * NewReno, RTTM): a slice of 64 KiB runs over the same mixes. Before the receive path, 124 of
     * 1,000 such seeds stalled (cli/campaign/RESULTS.md, finding 4).
     */
    @Test
    void largerTransfersKeepEveryInvariantToo() {
        Campaign campaign = new Campaign(64 * 1024, 8, 0, null, MAX_LOSS);
        List<String> failures = new ArrayList<>();
        for (long seed = 1; seed <= LARGE_RUNS; seed++) {
            Campaign.Result result = campaign.run(seed);
            if (!result.passed()) {
                failures.add("seed " + seed + " [" + result.faults() + "]: " + result.violations() + "\n  replay: "
                        + result.replay());
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + LARGE_RUNS + " runs failed:\n" + String.join("\n", failures));
    }

    /** Runs of {@link #largerTransfersKeepEveryInvariantToo}; override with -Dsynack.campaign.largeRuns. */
    static final int LARGE_RUNS = Integer.getInteger("synack.campaign.largeRuns", 200);

    /**
     * Mixes that reach every part of the fault model the drawn mixes use, each on its own: the
     * campaign passes under each.
     */
    @ParameterizedTest
    @ValueSource(strings = {"loss=0.3", "burst=0.02:0.25", "dup=0.2", "reorder=0.3:50ms", "delay=pareto:5ms:0.7:2m",
            "corrupt=0.05:3", "rate=64KiB", "partition=200ms..15s", "hold=SYN@45s,dup=0.1",
            "mtu=1500,delay=10ms", "drop=3,drop=FIN,hold=4@2s"})
    void eachFaultAloneKeepsEveryInvariant(String faults) {
        Campaign campaign = new Campaign(16 * 1024, 4, 0, faults, 0.3);
        for (long seed = 1; seed <= 20; seed++) {
            Campaign.Result result = campaign.run(seed);
            assertTrue(result.passed(), result.violations() + "\n  replay: " + result.replay());
        }
    }

    // Each invariant can fail: a run that violates it, and the campaign reports it.

    @Test
    void invariant1CatchesDataLostToTheUnsafeCloseOnFirstFin() {
        // The side that waits for the peer's FIN before writing can then write nothing (its FIN
        // follows the peer's at once): its peer reads end of stream early, and nobody is told.
        Map<String, String> unsafe = Map.of("synack.tcp.unsafe.close-on-first-fin", "true");
        List<String> violations = violations(new Campaign(4096, 1, 1, "none", 0.3, unsafe), 1, 10);
        assertTrue(violations.stream().anyMatch(v -> v.startsWith("invariant 1 (exactly once, in order)")), violations.toString());
        assertTrue(violations(new Campaign(4096, 1, 1, "none", 0.3), 1, 10).isEmpty(), "the safe engine passes");
    }

    @Test
    void invariant2CatchesAConnectionThatOutlivesTheBound() {
        // The network is cut right after the handshake: with R2 = 15 min both sides time out and
        // are told (the run passes); with R2 = 2 h (a legal setting) they still retransmit when the
        // bound of one virtual hour is reached.
        String cut = "delay=10ms,partition=25ms..3h";
        assertTrue(violations(new Campaign(4096, 1, 1, cut, 0.3), 1, 3).isEmpty(), "R2 = 15 min passes");
        List<String> violations = violations(new Campaign(4096, 1, 1, cut, 0.3, Map.of("synack.tcp.r2", "2h")), 1, 3);
        assertTrue(violations.stream().anyMatch(v -> v.startsWith("invariant 2 (ends within PT1H)")), violations.toString());
    }

    @Test
    void invariant3CatchesAConnectionOpenedByAStaleSynWithTheUnsafeTwoWayHandshake() {
        // Each client's first SYN is duplicated and the original is held 45 s, beyond MSL: it
        // reaches the server after the connection ended. The three-way handshake refuses it (the
        // client answers the SYN,ACK with RST or an ACK of TIME-WAIT); the two-way one accepts a
        // connection nobody asked for (RFC 9293 §3.5, Figure 8).
        String stale = "127.0.0.10>127.0.0.1:hold=SYN@45s,dup=1";
        Campaign safe = new Campaign(1024, 1, 1, stale, 0.3);
        assertTrue(violations(safe, 1, 5).isEmpty(), "the three-way handshake passes");
        assertTrue(safe.run(1).syns().olderThanMsl() >= 1, "the stale SYN reached the server: " + safe.run(1).syns());
        List<String> violations = violations(new Campaign(1024, 1, 1, stale, 0.3,
                Map.of("synack.tcp.unsafe.two-way-handshake", "true")), 1, 5);
        assertTrue(violations.stream().anyMatch(v -> v.startsWith("invariant 3 (no stale SYN)")), violations.toString());
    }

    @Test
    void invariant4CatchesATransitionOutsideTheTable() {
        // No engine setting leaves RFC 9293's diagram; a table without ESTABLISHED -> FIN-WAIT-1 and
        // ESTABLISHED -> CLOSE-WAIT (one of which every closing connection takes) shows that each
        // transition of each run goes through the check.
        Campaign campaign = new Campaign(1024, 1, 1, "none", 0.3).checkingTransitionsWith((from, to) ->
                !(from == TcpState.ESTABLISHED && (to == TcpState.FIN_WAIT_1 || to == TcpState.CLOSE_WAIT))
                        && TransitionTable.allows(from, to));
        List<String> violations = violations(campaign, 1, 1);
        assertTrue(violations.stream().anyMatch(v -> v.startsWith("invariant 4 (RFC 9293 state diagram)")
                && v.contains("ESTABLISHED -> ")), violations.toString());
    }

    private static List<String> violations(Campaign campaign, long firstSeed, int runs) {
        List<String> all = new ArrayList<>();
        for (long seed = firstSeed; seed < firstSeed + runs; seed++) {
            all.addAll(campaign.run(seed).violations());
        }
        return all;
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        Campaign campaign = new Campaign(MAX_BYTES, 8, 0, null);
        assertEquals(campaign.run(42), campaign.run(42));
        assertEquals(Campaign.drawFaults(7), Campaign.drawFaults(7));
    }

    @Test
    void theTransitionTableRejectsWhatTheDiagramDoesNotAllow() {
        assertFalse(TransitionTable.allows(TcpState.LISTEN, TcpState.ESTABLISHED));
        assertFalse(TransitionTable.allows(TcpState.CLOSED, TcpState.ESTABLISHED));
        assertFalse(TransitionTable.allows(TcpState.TIME_WAIT, TcpState.ESTABLISHED));
        assertFalse(TransitionTable.allows(TcpState.FIN_WAIT_2, TcpState.FIN_WAIT_1));
        assertFalse(TransitionTable.allows(TcpState.CLOSE_WAIT, TcpState.TIME_WAIT));
        assertTrue(TransitionTable.allows(TcpState.SYN_RECEIVED, TcpState.LISTEN));
        assertTrue(TransitionTable.allows(TcpState.FIN_WAIT_1, TcpState.TIME_WAIT));
        for (TcpState s : TcpState.values()) {
            if (s != TcpState.CLOSED) {
                assertTrue(TransitionTable.allows(s, TcpState.CLOSED), s + " -> CLOSED on RST/timeout/abort");
            }
        }
    }

    @Test
    void theBoundGrowsWithTheTransferAndTheReplayNamesItOnlyWhenNotTheDefault() {
        assertEquals(java.time.Duration.ofHours(1), Campaign.defaultTimeBound(0));
        assertEquals(java.time.Duration.ofHours(1), Campaign.defaultTimeBound(65_536));
        assertEquals(java.time.Duration.ofHours(2), Campaign.defaultTimeBound(65_537));
        assertEquals(java.time.Duration.ofHours(4), Campaign.defaultTimeBound(256 * 1024));
        assertEquals("./synack simulate --runs 1 --seed 3 --faults 'none' --max-bytes 1000",
                new Campaign(1000, 1, 0, "none", 0.3).run(3).replay());
        assertEquals("./synack simulate --runs 1 --seed 3 --faults 'none' --max-bytes 1000 --time-bound 90m",
                new Campaign(1000, 1, 0, "none", 0.3).withTimeBound(java.time.Duration.ofMinutes(90)).run(3).replay());
    }

    @Test
    void theReplayCommandNamesTheSeedAndTheFixedFaults() {
        assertEquals("./synack simulate --runs 1 --seed 5", Campaign.replayCommand(5, null, 0));
        assertEquals("./synack simulate --runs 1 --seed 5 --faults 'loss=0.1' --clients 3",
                Campaign.replayCommand(5, "loss=0.1", 3));
    }
}
