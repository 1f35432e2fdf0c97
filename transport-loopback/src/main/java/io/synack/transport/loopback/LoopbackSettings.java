package io.synack.transport.loopback;

import io.synack.spi.Setting;
import io.synack.spi.Settings;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code synack.loopback.*} settings: the fault model of the loopback network, applied to
 * every path (one direction between two addresses). The single keys set the default plan; the
 * compact {@code synack.loopback.faults} form is applied on top of them and may give per-path
 * overrides ({@code SRC>DST:items}, see {@link FaultModel}). With every key at its default the
 * network has no faults and the fault injector is not even constructed.
 */
public final class LoopbackSettings {

    /** Independent loss probability. */
    public static final Setting<Double> LOSS = Setting.decimal("synack.loopback.loss",
            "probability that a datagram is lost", 0.0, 0.0, 1.0);

    /** Bursty (Gilbert–Elliott) loss. */
    public static final Setting<GilbertElliott> BURST = Setting.custom("synack.loopback.burst",
            "bursty Gilbert-Elliott loss: GOOD->BAD probability p, BAD->GOOD r, loss in BAD h", GilbertElliott.OFF,
            "off, or P:R or P:R:H with probabilities (e.g. 0.01:0.3 for bursts of 3.3 datagrams on average)",
            GilbertElliott::parse, GilbertElliott::toString);

    /** Duplication probability. */
    public static final Setting<Double> DUPLICATE = Setting.decimal("synack.loopback.duplicate",
            "probability that a datagram is delivered twice", 0.0, 0.0, 1.0);

    /** Reordering probability. */
    public static final Setting<Double> REORDER = Setting.decimal("synack.loopback.reorder",
            "probability that a datagram is held back so that later ones overtake it", 0.0, 0.0, 1.0);

    /** How long a reordered datagram is held back. */
    public static final Setting<Duration> REORDER_DELAY = Setting.duration("synack.loopback.reorder-delay",
            "how long a reordered datagram is held back", FaultPlan.DEFAULT_REORDER_DELAY,
            Duration.ofNanos(1), Duration.ofMinutes(10));

    /** The per-datagram delay distribution. */
    public static final Setting<DelayDistribution> DELAY = Setting.custom("synack.loopback.delay",
            "delay of each datagram, drawn independently", DelayDistribution.NONE,
            "a delay distribution: 0, 10ms (fixed), fixed:10ms, 5ms..800ms (uniform) or pareto:SCALE:SHAPE[:CAP]",
            DelayDistribution::parse, DelayDistribution::toString);

    /** Corruption probability. */
    public static final Setting<Double> CORRUPT = Setting.decimal("synack.loopback.corrupt",
            "probability that bits of a datagram are flipped (the TCP checksum catches it)", 0.0, 0.0, 1.0);

    /** The most bits flipped in a corrupted datagram. */
    public static final Setting<Integer> CORRUPT_BITS = Setting.integer("synack.loopback.corrupt-bits",
            "the most bits flipped in a corrupted datagram (1 to this many)", 1, 1, 64);

    /** Link rate. */
    public static final Setting<Long> RATE = Setting.size("synack.loopback.rate",
            "link rate in bytes per second (serialisation delay); 0 for unlimited", 0, 0, 1L << 40);

    /** IP MTU. */
    public static final Setting<Integer> MTU = Setting.custom("synack.loopback.mtu",
            "IP MTU: larger datagrams (segment + IP header) are dropped; 0 for none", 0,
            "0 (none) or a whole number from 68 to 65575",
            text -> {
                int v = Integer.parseInt(text);
                FaultPlan.builder().mtu(v);
                return v;
            }, String::valueOf);

    /** Partition windows. */
    public static final Setting<List<PartitionWindow>> PARTITION = Setting.custom("synack.loopback.partition",
            "time windows (from the first endpoint's opening) in which every path is cut", List.of(),
            "none, or windows FROM..TO separated by '+', e.g. 2s..5s+10s..12s",
            text -> text.equals("none") || text.isEmpty() ? List.of()
                    : Arrays.stream(text.split("\\+")).map(String::trim).map(PartitionWindow::parse).toList(),
            v -> v.isEmpty() ? "none" : String.join("+", v.stream().map(PartitionWindow::toString).toList()));

    /** The compact form, applied on top of the single keys. */
    public static final Setting<String> FAULTS = Setting.custom("synack.loopback.faults",
            "the fault model in compact form, applied on top of the single synack.loopback.* keys", "none",
            "fault items such as loss=0.2,dup=0.05,reorder=0.1,delay=5ms..800ms,corrupt=0.01, with optional "
                    + "';'-separated SRC>DST:items sections",
            text -> {
                FaultModel.parse(text);
                return text;
            }, v -> v);

    /** The seed of every random fault choice. */
    public static final Setting<Long> SEED = Setting.custom("synack.loopback.seed",
            "the seed every random fault choice derives from; the same seed replays the same fates", 1L,
            "a whole number (64-bit)", Long::valueOf, String::valueOf);

    /** Every loopback setting, as {@link LoopbackPlugin#settings()} declares them. */
    public static final List<Setting<?>> ALL = List.of(LOSS, BURST, DUPLICATE, REORDER, REORDER_DELAY, DELAY,
            CORRUPT, CORRUPT_BITS, RATE, MTU, PARTITION, FAULTS, SEED);

    private LoopbackSettings() {
    }

    /**
     * The fault model the settings describe.
     *
     * @param settings the validated settings
     * @return the model; {@link FaultModel#isNone()} when no fault is set
     */
    public static FaultModel faultModel(Settings settings) {
        FaultPlan.Builder base = FaultPlan.builder()
                .loss(settings.get(LOSS))
                .burst(settings.get(BURST))
                .duplicate(settings.get(DUPLICATE))
                .delay(settings.get(DELAY))
                .corrupt(settings.get(CORRUPT), settings.get(CORRUPT_BITS))
                .rate(settings.get(RATE))
                .mtu(settings.get(MTU));
        base.reorder(settings.get(REORDER), settings.get(REORDER_DELAY));
        settings.get(PARTITION).forEach(base::partition);
        return FaultModel.parse(settings.get(FAULTS), base.build());
    }
}
