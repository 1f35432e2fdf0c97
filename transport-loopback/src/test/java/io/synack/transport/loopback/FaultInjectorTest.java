package io.synack.transport.loopback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.spi.DatagramFate;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fault model in virtual time. Rates are checked over many datagrams within a tolerance of
 * about four standard deviations; as every run is seeded, the counts are exactly reproducible, and
 * several seeds show the tolerance is not tuned to one.
 */
class FaultInjectorTest {

    private static final long MS = 1_000_000L;
    private static final int N = 10_000;

    // ---------------------------------------------------------------------------------------------
    // Loss

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 0x5EED})
    void independentLossDropsAboutTheConfiguredFraction(long seed) throws Exception {
        FaultHarness h = new FaultHarness("loss=0.2", seed);
        h.sendNumbered(N, 40, MS);
        long lost = h.fates.count(DatagramFate.DROPPED, "loss");
        assertWithin(0.2 * N, 4 * Math.sqrt(N * 0.2 * 0.8), lost, "datagrams lost");
        assertEquals(N - lost, h.atB.size(), "every datagram not lost arrives");
        assertEquals(N - lost, h.fates.with(DatagramFate.DELIVERED).size());
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8, 9})
    void gilbertElliottLossComesInBurstsOfTheExpectedMeanLength(long seed) throws Exception {
        GilbertElliott ge = new GilbertElliott(0.05, 0.25, 1.0);
        int n = 20_000;
        List<Boolean> lostBursty = lossPattern(FaultPlan.builder().burst(ge).build(), seed, n);
        List<Boolean> lostIndependent = lossPattern(FaultPlan.builder().loss(ge.meanLossRate()).build(), seed, n);

        double rate = lostBursty.stream().filter(x -> x).count() / (double) n;
        // Tolerances are about 4 standard errors; the chain's correlation (1 - p - r = 0.7) widens
        // the rate's by sqrt((1 + 0.7) / (1 - 0.7)).
        assertWithin(ge.meanLossRate(), 0.025, rate, "long-run loss rate p/(p+r)");
        // In BAD for 1/r = 4 datagrams on average, all lost (h = 1).
        assertWithin(ge.meanBadRun(), 0.5, meanRun(lostBursty), "mean burst length");
        // Independent loss at the same rate: runs of 1/(1-rate) = 1.2.
        assertWithin(1 / (1 - ge.meanLossRate()), 0.1, meanRun(lostIndependent), "mean run of independent loss");
    }

    private static List<Boolean> lossPattern(FaultPlan plan, long seed, int n) throws Exception {
        FaultHarness h = new FaultHarness(FaultModel.of(plan), seed, "10.0.0.1", "10.0.0.2");
        h.sendNumbered(n, 20, MS);
        boolean[] arrived = new boolean[n];
        h.atB.forEach(x -> arrived[x.number()] = true);
        List<Boolean> lost = new ArrayList<>();
        for (boolean x : arrived) {
            lost.add(!x);
        }
        long reasons = h.fates.count(DatagramFate.DROPPED, plan.burst() != null ? "burst-loss" : "loss");
        assertEquals(lost.stream().filter(x -> x).count(), reasons, "every loss is recorded with its reason");
        return lost;
    }

    private static double meanRun(List<Boolean> lost) {
        int runs = 0;
        int total = 0;
        for (int i = 0; i < lost.size(); i++) {
            if (lost.get(i)) {
                total++;
                if (i == 0 || !lost.get(i - 1)) {
                    runs++;
                }
            }
        }
        return total / (double) runs;
    }

    // ---------------------------------------------------------------------------------------------
    // Reproducibility

    private static final String MIX = "loss=0.1,burst=0.02:0.3,dup=0.05,reorder=0.1:7ms,delay=1ms..40ms,corrupt=0.02:3,rate=1MiB";

    @Test
    void theSameSeedReproducesTheSameFatesAndArrivalsExactly() throws Exception {
        FaultHarness first = mixedRun(42);
        FaultHarness second = mixedRun(42);
        assertEquals(first.fates.lines(), second.fates.lines());
        assertEquals(arrivalLines(first), arrivalLines(second));
        for (DatagramFate fate : List.of(DatagramFate.DROPPED, DatagramFate.DUPLICATED, DatagramFate.DELAYED,
                DatagramFate.CORRUPTED)) {
            assertTrue(!first.fates.with(fate).isEmpty(), "the mix should produce " + fate);
        }
    }

    @Test
    void aDifferentSeedGivesDifferentFates() throws Exception {
        assertNotEquals(mixedRun(42).fates.lines(), mixedRun(43).fates.lines());
    }

    private static FaultHarness mixedRun(long seed) throws Exception {
        FaultHarness h = new FaultHarness(MIX, seed);
        for (int i = 0; i < 2000; i++) {
            h.scheduler.runUntil(i * MS / 2);
            h.a.send(h.addressB, FaultHarness.numbered(i, 100));
            h.b.send(h.addressA, FaultHarness.numbered(i, 60));
        }
        h.scheduler.runAll();
        return h;
    }

    private static List<String> arrivalLines(FaultHarness h) {
        List<String> lines = new ArrayList<>();
        for (List<FaultHarness.Arrival> side : List.of(h.atA, h.atB)) {
            side.forEach(x -> lines.add(x.time() + " " + x.source() + " " + java.util.Arrays.toString(x.bytes())));
        }
        return lines;
    }

    @ParameterizedTest
    @ValueSource(longs = {101, 102, 103, 104, 105, 106, 107, 108})
    void underAnyRandomMixEveryDatagramIsAccountedFor(long seed) throws Exception {
        java.util.Random random = new java.util.Random(seed);
        FaultPlan plan = FaultPlan.builder()
                .loss(random.nextDouble() * 0.3)
                .burst(random.nextBoolean() ? new GilbertElliott(random.nextDouble() * 0.1, 0.2 + random.nextDouble() * 0.8, 1) : null)
                .duplicate(random.nextDouble() * 0.2)
                .reorder(random.nextDouble() * 0.2, Duration.ofMillis(1 + random.nextInt(20)))
                .delay(DelayDistribution.uniform(Duration.ZERO, Duration.ofMillis(random.nextInt(100))))
                .corrupt(random.nextDouble() * 0.1, 1 + random.nextInt(4))
                .rate(random.nextBoolean() ? 0 : 100_000 + random.nextInt(10_000_000))
                .build();
        FaultHarness h = new FaultHarness(FaultModel.of(plan), seed, "10.0.0.1", "10.0.0.2");
        int n = 500;
        h.sendNumbered(n, 100, MS);
        long dropped = h.fates.with(DatagramFate.DROPPED).size();
        long duplicated = h.fates.with(DatagramFate.DUPLICATED).size();
        // Conservation: what the stack sent = what the faults dropped + what entered the network
        // (less the extra copies); everything that entered the network arrived, once.
        assertEquals(n - dropped + duplicated, h.fates.with(DatagramFate.SENT).size(), plan.toString());
        assertEquals(n - dropped + duplicated, h.atB.size(), plan.toString());
        assertEquals(h.atB.size(), h.fates.with(DatagramFate.DELIVERED).size());
        assertEquals(0, h.scheduler.pending(), "nothing is held forever");
        for (var drop : h.fates.with(DatagramFate.DROPPED)) {
            assertTrue(Set.of("loss", "burst-loss").contains(drop.detail()), drop.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Duplication, reordering, corruption

    @Test
    void duplicationDeliversExtraCopies() throws Exception {
        FaultHarness h = new FaultHarness("dup=0.1", 11);
        h.sendNumbered(N, 30, MS);
        int copies = h.fates.with(DatagramFate.DUPLICATED).size();
        assertWithin(0.1 * N, 4 * Math.sqrt(N * 0.1 * 0.9), copies, "duplicates");
        assertEquals(N + copies, h.atB.size());
        assertEquals(N, h.atB.stream().map(FaultHarness.Arrival::number).distinct().count(), "every datagram arrives");
    }

    @Test
    void reorderingLetsLaterDatagramsOvertake() throws Exception {
        FaultHarness h = new FaultHarness("reorder=0.1:10ms", 12);
        h.sendNumbered(N, 30, MS);
        List<Integer> order = h.atB.stream().map(FaultHarness.Arrival::number).toList();
        assertEquals(IntStream.range(0, N).boxed().toList(), order.stream().sorted().toList(), "none lost or duplicated");
        long reordered = h.fates.with(DatagramFate.DELAYED).stream().filter(e -> e.detail().contains("(reordered)")).count();
        assertWithin(0.1 * N, 4 * Math.sqrt(N * 0.1 * 0.9), reordered, "datagrams held back");
        int inversions = 0;
        for (int i = 1; i < order.size(); i++) {
            if (order.get(i) < order.get(i - 1)) {
                inversions++;
            }
        }
        assertTrue(inversions > 0.05 * N, "later datagrams should overtake held ones; inversions: " + inversions);
        // Held back 10ms while one datagram leaves each 1ms: each held datagram arrives 10ms late.
        for (FaultHarness.Arrival x : h.atB) {
            long late = x.time() - x.number() * MS;
            assertTrue(late == 0 || late == 10 * MS, "datagram " + x.number() + " arrived " + late + "ns late");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 20, 41, 1460})
    void corruptionFlipsOneToNBitsThatTheChecksumCatches(int size) throws Exception {
        FaultHarness h = new FaultHarness("corrupt=1:3", size);
        java.util.Random random = new java.util.Random(size);
        List<byte[]> sentAll = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            sentAll.add(bytes);
            h.a.send(h.addressB, ByteBuffer.wrap(bytes.clone()));
        }
        h.scheduler.runAll();
        assertEquals(500, h.atB.size());
        assertEquals(500, h.fates.with(DatagramFate.CORRUPTED).size());
        Set<Integer> flipCounts = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            byte[] sent = sentAll.get(i);
            byte[] got = h.atB.get(i).bytes();
            int flipped = 0;
            for (int k = 0; k < size; k++) {
                flipped += Integer.bitCount((sent[k] ^ got[k]) & 0xff);
            }
            assertTrue(flipped >= 1 && flipped <= 3, "datagram " + i + " has " + flipped + " bits flipped");
            flipCounts.add(flipped);
            assertNotEquals(onesComplementSum(sent), onesComplementSum(got),
                    "datagram " + i + ": the flips cancel in the checksum");
        }
        if (size >= 2) {
            assertEquals(Set.of(1, 2, 3), flipCounts, "1 to 3 bits are flipped");
        }
    }

    /** The 16-bit one's complement sum of RFC 1071, with 0xFFFF and 0 the same (negative) zero. */
    private static int onesComplementSum(byte[] bytes) {
        long sum = 0;
        for (int i = 0; i < bytes.length; i += 2) {
            int hi = bytes[i] & 0xff;
            int lo = i + 1 < bytes.length ? bytes[i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return sum == 0xffff ? 0 : (int) sum;
    }

    // ---------------------------------------------------------------------------------------------
    // Delay, rate, MTU

    @Test
    void aFixedDelayHoldsEveryDatagramExactlyThatLongAndKeepsTheOrder() throws Exception {
        FaultHarness h = new FaultHarness("delay=fixed:25ms", 13);
        h.sendNumbered(100, 20, MS);
        for (int i = 0; i < 100; i++) {
            assertEquals(i, h.atB.get(i).number());
            assertEquals(i * MS + 25 * MS, h.atB.get(i).time());
        }
        assertEquals("until " + 25 * MS + "ns (+25ms)", h.fates.with(DatagramFate.DELAYED).get(0).detail());
    }

    @Test
    void aUniformDelayStaysWithinItsBoundsAndAveragesTheMidpoint() throws Exception {
        FaultHarness h = new FaultHarness("delay=5ms..800ms", 14);
        int n = N / 2;
        h.sendNumbered(n, 20, MS);
        double sum = 0;
        for (FaultHarness.Arrival x : h.atB) {
            long delay = x.time() - x.number() * MS;
            assertTrue(delay >= 5 * MS && delay <= 800 * MS, "delay " + delay + " out of 5ms..800ms");
            sum += delay;
        }
        assertEquals(n, h.atB.size());
        double sd = 795 * MS / Math.sqrt(12);
        assertWithin(402.5 * MS, 4 * sd / Math.sqrt(n), sum / n, "mean delay");
    }

    @Test
    void aParetoDelayHasAHeavyTailThatOutlastsTheMsl() throws Exception {
        FaultHarness h = new FaultHarness("delay=pareto:10ms:0.5:10m", 15);
        h.sendNumbered(N, 20, MS);
        List<Long> delays = new ArrayList<>();
        for (FaultHarness.Arrival x : h.atB) {
            delays.add(x.time() - x.number() * MS);
        }
        delays.sort(null);
        assertTrue(delays.get(0) >= 10 * MS, "the scale is the least delay");
        assertTrue(delays.get(delays.size() - 1) <= Duration.ofMinutes(10).toNanos(), "the cap is the most");
        // Median of Pareto(x_m, alpha) is x_m * 2^(1/alpha) = 40ms.
        assertWithin(40 * MS, 4 * MS, delays.get(N / 2), "median delay");
        long beyondMsl = delays.stream().filter(d -> d > Duration.ofMinutes(2).toNanos()).count();
        // P(X > 2min) = (10ms / 120s)^0.5 ≈ 0.0091.
        assertWithin(0.0091 * N, 4 * Math.sqrt(N * 0.0091), beyondMsl, "datagrams held beyond the 2-minute MSL");
    }

    @Test
    void theLinkRateSerialisesDatagramsBehindEachOther() throws Exception {
        // 100 000 bytes/s; 980-byte segments + 20-byte IPv4 header = 1000 bytes = 10ms each.
        FaultHarness h = new FaultHarness("rate=100000", 16);
        for (int i = 0; i < 10; i++) {
            h.a.send(h.addressB, FaultHarness.numbered(i, 980));
        }
        h.scheduler.runAll();
        for (int i = 0; i < 10; i++) {
            assertEquals(i, h.atB.get(i).number());
            assertEquals((i + 1) * 10 * MS, h.atB.get(i).time());
        }
    }

    @Test
    void theMtuDropsDatagramsLargerThanItCountingTheIpHeader() throws Exception {
        FaultHarness v4 = new FaultHarness("mtu=576", 17);
        v4.a.send(v4.addressB, ByteBuffer.allocate(556));
        v4.a.send(v4.addressB, ByteBuffer.allocate(557));
        v4.scheduler.runAll();
        assertEquals(List.of(556), v4.atB.stream().map(x -> x.bytes().length).toList());
        assertEquals(1, v4.fates.count(DatagramFate.DROPPED, "mtu"));

        FaultHarness v6 = new FaultHarness(FaultModel.parse("mtu=1280"), 17, "fd00::1", "fd00::2");
        v6.a.send(v6.addressB, ByteBuffer.allocate(1240));
        v6.a.send(v6.addressB, ByteBuffer.allocate(1241));
        v6.scheduler.runAll();
        assertEquals(List.of(1240), v6.atB.stream().map(x -> x.bytes().length).toList());
        assertEquals(1, v6.fates.count(DatagramFate.DROPPED, "mtu"));
    }

    // ---------------------------------------------------------------------------------------------
    // Partitions and scripts

    @Test
    void aPartitionDropsEverythingBetweenItsOpeningAndHealing() throws Exception {
        FaultHarness h = new FaultHarness("partition=1s..2s", 18);
        h.sendNumbered(30, 20, 100 * MS);
        List<Integer> arrived = h.atB.stream().map(FaultHarness.Arrival::number).toList();
        List<Integer> expected = IntStream.range(0, 30).filter(i -> i < 10 || i >= 20).boxed().toList();
        assertEquals(expected, arrived);
        assertEquals(10, h.fates.count(DatagramFate.DROPPED, "partition"));
    }

    @Test
    void dropNthDropsExactlyThatDatagramOfEachDirection() throws Exception {
        FaultHarness h = new FaultHarness("drop=3", 19);
        for (int i = 0; i < 6; i++) {
            h.a.send(h.addressB, FaultHarness.numbered(i, 20));
            h.b.send(h.addressA, FaultHarness.numbered(100 + i, 20));
        }
        h.scheduler.runAll();
        assertEquals(List.of(0, 1, 3, 4, 5), h.atB.stream().map(FaultHarness.Arrival::number).toList());
        assertEquals(List.of(100, 101, 103, 104, 105), h.atA.stream().map(FaultHarness.Arrival::number).toList());
        assertEquals(2, h.fates.count(DatagramFate.DROPPED, "script: drop=3"));
    }

    @Test
    void aPathOverrideAppliesToOneDirectionOnly() throws Exception {
        FaultHarness h = new FaultHarness("10.0.0.2>10.0.0.1:drop=1", 20);
        h.a.send(h.addressB, FaultHarness.numbered(0, 20));
        h.b.send(h.addressA, FaultHarness.numbered(100, 20));
        h.b.send(h.addressA, FaultHarness.numbered(101, 20));
        h.scheduler.runAll();
        assertEquals(List.of(0), h.atB.stream().map(FaultHarness.Arrival::number).toList());
        assertEquals(List.of(101), h.atA.stream().map(FaultHarness.Arrival::number).toList());
    }

    @Test
    void holdKeepsTheNthDatagramUntilTheGivenTime() throws Exception {
        FaultHarness h = new FaultHarness("hold=2@5s", 21);
        h.sendNumbered(4, 20, MS);
        assertEquals(List.of(0, 2, 3, 1), h.atB.stream().map(FaultHarness.Arrival::number).toList());
        assertEquals(5_000 * MS, h.atB.get(3).time());
        assertTrue(h.fates.with(DatagramFate.DELAYED).get(0).detail().endsWith("(script: hold=2@5s)"));
    }

    @Test
    void aPredicateRuleDropsTheFirstSegmentWithTheFinBit() throws Exception {
        ScriptedRule firstFin = ScriptedRule.drop(b -> b.remaining() > 13 && (b.get(b.position() + 13) & 0x01) != 0,
                "first FIN", 1);
        FaultHarness h = new FaultHarness(FaultModel.of(FaultPlan.builder().script(firstFin).build()), 22,
                "10.0.0.1", "10.0.0.2");
        for (int i = 0; i < 4; i++) {
            ByteBuffer segment = FaultHarness.numbered(i, 20);
            segment.put(13, (byte) (i >= 1 ? 0x11 : 0x10)); // ACK, and FIN from the second on
            h.a.send(h.addressB, segment);
        }
        h.scheduler.runAll();
        assertEquals(List.of(0, 2, 3), h.atB.stream().map(FaultHarness.Arrival::number).toList());
        assertEquals(1, h.fates.count(DatagramFate.DROPPED, "script: first FIN"));
    }

    @Test
    void theTextFormNamesSegmentsByTheirTcpFlags() throws Exception {
        FaultHarness h = new FaultHarness("drop=FIN,hold=SYN+ACK@2s", 27);
        byte[] flags = {0x02, 0x12, 0x10, 0x11, 0x11, 0x12}; // SYN, SYN-ACK, ACK, FIN-ACK, FIN-ACK, SYN-ACK
        for (int i = 0; i < flags.length; i++) {
            ByteBuffer segment = FaultHarness.numbered(i, 20);
            segment.put(13, flags[i]);
            h.a.send(h.addressB, segment);
        }
        h.scheduler.runAll();
        // The first FIN is dropped, the first SYN-ACK held until 2s; the second of each passes.
        assertEquals(List.of(0, 2, 4, 5, 1), h.atB.stream().map(FaultHarness.Arrival::number).toList());
        assertEquals(2_000 * MS, h.atB.get(4).time());
        assertEquals(1, h.fates.count(DatagramFate.DROPPED, "script: drop=FIN"));
    }

    // ---------------------------------------------------------------------------------------------
    // Where faults apply, and closing

    @Test
    void aDatagramBetweenTwoWrappedEndpointsMeetsItsFaultsOnce() throws Exception {
        FaultHarness h = new FaultHarness("drop=1", 23);
        h.a.send(h.addressB, FaultHarness.numbered(0, 20));
        h.a.send(h.addressB, FaultHarness.numbered(1, 20));
        h.scheduler.runAll();
        assertEquals(List.of(1), h.atB.stream().map(FaultHarness.Arrival::number).toList(),
                "had the inbound side counted again, datagram 1 would have been dropped too");
    }

    @Test
    void datagramsFromAnUnwrappedSourceMeetTheirFaultsOnTheWayIn() throws Exception {
        FaultHarness h = new FaultHarness("drop=1,delay=fixed:3ms", 24);
        var foreign = h.network.attach(LoopbackNetworkTest.ip("10.0.0.9"), (s, d, seg) -> { }, h.scheduler);
        foreign.send(h.addressB, FaultHarness.numbered(0, 20));
        foreign.send(h.addressB, FaultHarness.numbered(1, 20));
        h.scheduler.runAll();
        assertEquals(List.of(1), h.atB.stream().map(FaultHarness.Arrival::number).toList());
        assertEquals(3 * MS, h.atB.get(0).time());
    }

    @Test
    void closingDropsDelayedDatagramsInsteadOfDeliveringThem() throws Exception {
        FaultHarness h = new FaultHarness("delay=fixed:10ms", 25);
        h.a.send(h.addressB, FaultHarness.numbered(0, 20));
        h.a.close();
        h.scheduler.runAll();
        assertEquals(List.of(), h.atB);
        assertEquals(1, h.fates.count(DatagramFate.DROPPED, "endpoint-closed"));
    }

    @Test
    void theRecordedBytesOfACorruptedDatagramAreTheCorruptedOnes() throws Exception {
        FaultHarness h = new FaultHarness("corrupt=1", 26);
        h.a.send(h.addressB, FaultHarness.numbered(7, 40));
        h.scheduler.runAll();
        assertArrayEquals(h.atB.get(0).bytes(), h.fates.with(DatagramFate.CORRUPTED).get(0).bytes());
        assertEquals("1 bit flipped", h.fates.with(DatagramFate.CORRUPTED).get(0).detail());
    }

    static void assertWithin(double expected, double tolerance, double actual, String what) {
        assertTrue(Math.abs(actual - expected) <= tolerance,
                what + ": expected " + expected + " ± " + tolerance + ", got " + actual);
    }
}
