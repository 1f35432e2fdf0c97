package io.synack.transport.loopback;

import io.synack.spi.Setting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The faults of one path (one direction between two addresses): an immutable value, built with
 * {@link #builder()} or read from the compact text form with {@link #parse(String)}.
 *
 * <p>A datagram meets the faults in this order, the first drop deciding its fate:
 * <ol>
 *   <li>scripted rules ({@link ScriptedRule}): drop ({@code script}) or hold until a time;
 *   <li>a partition window containing now ({@code partition});
 *   <li>the MTU: an IP datagram (segment + 20 bytes for IPv4, 40 for IPv6) larger than it
 *       ({@code mtu});
 *   <li>bursty loss ({@link GilbertElliott}, {@code burst-loss}), then independent loss
 *       ({@code loss});
 *   <li>corruption: 1 to {@code corruptBits} bits flipped, chosen so that the 16-bit one's
 *       complement sum of the segment changes, i.e. the TCP checksum (RFC 9293 §3.1) catches it;
 *   <li>the link: serialisation at {@code rate} bytes/s behind the datagrams before it, then the
 *       delay drawn from {@code delay}, plus {@code reorderDelay} for a datagram picked for
 *       reordering (so the ones after it overtake it);
 *   <li>duplication: an extra copy, with its own delay.
 * </ol>
 *
 * <p>Text form, comma separated: {@code loss=0.2}, {@code burst=P:R[:H]}, {@code dup=0.05},
 * {@code reorder=0.1} or {@code reorder=0.1:20ms}, {@code delay=5ms..800ms} (see
 * {@link DelayDistribution}), {@code corrupt=0.01} or {@code corrupt=0.01:3}, {@code rate=1MiB}
 * (bytes per second), {@code mtu=1500}, {@code partition=2s..5s} (repeatable), {@code drop=3}
 * (the 3rd datagram; repeatable), {@code drop=FIN} (the first segment with these TCP flags, e.g.
 * {@code SYN+ACK}), {@code hold=2@5s} (the 2nd datagram until 5s; repeatable), {@code hold=SYN@5s}.
 * Times are measured from the injector's epoch.
 */
public final class FaultPlan {

    /** The extra delay of a reordered datagram when none is given. */
    public static final Duration DEFAULT_REORDER_DELAY = Duration.ofMillis(10);

    /** No faults at all. */
    public static final FaultPlan NONE = builder().build();

    final double loss;
    final GilbertElliott burst;
    final double duplicate;
    final double reorder;
    final Duration reorderDelay;
    final DelayDistribution delay;
    final double corrupt;
    final int corruptBits;
    final long rateBytesPerSecond;
    final int mtu;
    final List<PartitionWindow> partitions;
    final List<ScriptedRule> scripted;

    private FaultPlan(Builder b) {
        loss = b.loss;
        burst = b.burst;
        duplicate = b.duplicate;
        reorder = b.reorder;
        reorderDelay = b.reorderDelay;
        delay = b.delay;
        corrupt = b.corrupt;
        corruptBits = b.corruptBits;
        rateBytesPerSecond = b.rateBytesPerSecond;
        mtu = b.mtu;
        partitions = List.copyOf(b.partitions);
        scripted = List.copyOf(b.scripted);
    }

    /** A builder with no faults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this plan. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.loss = loss;
        b.burst = burst;
        b.duplicate = duplicate;
        b.reorder = reorder;
        b.reorderDelay = reorderDelay;
        b.delay = delay;
        b.corrupt = corrupt;
        b.corruptBits = corruptBits;
        b.rateBytesPerSecond = rateBytesPerSecond;
        b.mtu = mtu;
        b.partitions.addAll(partitions);
        b.scripted.addAll(scripted);
        return b;
    }

    /** Whether this plan leaves every datagram alone. */
    public boolean isNone() {
        return loss == 0 && burst == null && duplicate == 0 && reorder == 0 && delay.isNone() && corrupt == 0
                && rateBytesPerSecond == 0 && mtu == 0 && partitions.isEmpty() && scripted.isEmpty();
    }

    /** Independent loss probability. */
    public double loss() {
        return loss;
    }

    /** Bursty loss, or null. */
    public GilbertElliott burst() {
        return burst;
    }

    /** Duplication probability. */
    public double duplicate() {
        return duplicate;
    }

    /** Probability that a datagram is held back by {@link #reorderDelay()}. */
    public double reorder() {
        return reorder;
    }

    /** The extra delay of a reordered datagram. */
    public Duration reorderDelay() {
        return reorderDelay;
    }

    /** The per-datagram delay. */
    public DelayDistribution delay() {
        return delay;
    }

    /** Corruption probability. */
    public double corrupt() {
        return corrupt;
    }

    /** The most bits flipped in a corrupted datagram (at least 1 are). */
    public int corruptBits() {
        return corruptBits;
    }

    /** Link rate in bytes per second; 0 for unlimited. */
    public long rateBytesPerSecond() {
        return rateBytesPerSecond;
    }

    /** IP MTU in bytes; 0 for none. */
    public int mtu() {
        return mtu;
    }

    /** Partition windows. */
    public List<PartitionWindow> partitions() {
        return partitions;
    }

    /** Scripted rules, in the order checked. */
    public List<ScriptedRule> scripted() {
        return scripted;
    }

    /**
     * Reads the compact text form.
     *
     * @param text e.g. {@code loss=0.2,dup=0.05,reorder=0.1,delay=5ms..800ms,corrupt=0.01}
     * @return the plan
     * @throws IllegalArgumentException naming the bad item and what is allowed
     */
    public static FaultPlan parse(String text) {
        return builder().apply(text).build();
    }

    /** The compact text form ({@link #parse} reads it back, except predicate rules). */
    @Override
    public String toString() {
        List<String> items = new ArrayList<>();
        if (loss != 0) {
            items.add("loss=" + loss);
        }
        if (burst != null) {
            items.add("burst=" + burst);
        }
        if (duplicate != 0) {
            items.add("dup=" + duplicate);
        }
        if (reorder != 0) {
            items.add("reorder=" + reorder + ":" + Setting.formatDuration(reorderDelay));
        }
        if (!delay.isNone()) {
            items.add("delay=" + delay);
        }
        if (corrupt != 0) {
            items.add("corrupt=" + corrupt + ":" + corruptBits);
        }
        if (rateBytesPerSecond != 0) {
            items.add("rate=" + Setting.formatSize(rateBytesPerSecond));
        }
        if (mtu != 0) {
            items.add("mtu=" + mtu);
        }
        partitions.forEach(w -> items.add("partition=" + w));
        scripted.forEach(r -> items.add(r.description()));
        return items.isEmpty() ? "none" : String.join(",", items);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FaultPlan other && toString().equals(other.toString()) && scripted.equals(other.scripted);
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    static double requireProbability(String what, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(what + " must be a probability from 0 to 1, not " + value);
        }
        return value;
    }

    /** Builds a {@link FaultPlan}; every setter checks its value. */
    public static final class Builder {
        private double loss;
        private GilbertElliott burst;
        private double duplicate;
        private double reorder;
        private Duration reorderDelay = DEFAULT_REORDER_DELAY;
        private DelayDistribution delay = DelayDistribution.NONE;
        private double corrupt;
        private int corruptBits = 1;
        private long rateBytesPerSecond;
        private int mtu;
        private final List<PartitionWindow> partitions = new ArrayList<>();
        private final List<ScriptedRule> scripted = new ArrayList<>();

        private Builder() {
        }

        /** @param probability independent loss, 0 to 1 @return this */
        public Builder loss(double probability) {
            loss = requireProbability("loss", probability);
            return this;
        }

        /** @param model bursty loss, or null or {@link GilbertElliott#OFF} for none @return this */
        public Builder burst(GilbertElliott model) {
            burst = model == null || model.isOff() ? null : model;
            return this;
        }

        /** @param probability duplication, 0 to 1 @return this */
        public Builder duplicate(double probability) {
            duplicate = requireProbability("dup", probability);
            return this;
        }

        /**
         * @param probability that a datagram is held back, 0 to 1
         * @param extraDelay how long it is held back, positive
         * @return this
         */
        public Builder reorder(double probability, Duration extraDelay) {
            if (extraDelay.isNegative() || extraDelay.isZero()) {
                throw new IllegalArgumentException("the reorder delay must be positive, not " + extraDelay);
            }
            reorder = requireProbability("reorder", probability);
            reorderDelay = extraDelay;
            return this;
        }

        /** @param distribution the per-datagram delay @return this */
        public Builder delay(DelayDistribution distribution) {
            delay = Objects.requireNonNull(distribution);
            return this;
        }

        /**
         * @param probability that a datagram is corrupted, 0 to 1
         * @param maxBits the most bits flipped, 1 to 64
         * @return this
         */
        public Builder corrupt(double probability, int maxBits) {
            if (maxBits < 1 || maxBits > 64) {
                throw new IllegalArgumentException("corrupt bits must be from 1 to 64, not " + maxBits);
            }
            corrupt = requireProbability("corrupt", probability);
            corruptBits = maxBits;
            return this;
        }

        /** @param bytesPerSecond link rate, 0 for unlimited @return this */
        public Builder rate(long bytesPerSecond) {
            if (bytesPerSecond < 0) {
                throw new IllegalArgumentException("rate must not be negative: " + bytesPerSecond);
            }
            rateBytesPerSecond = bytesPerSecond;
            return this;
        }

        /** @param bytes IP MTU, 0 for none, otherwise 68 to 65575 @return this */
        public Builder mtu(int bytes) {
            if (bytes != 0 && (bytes < 68 || bytes > 65_575)) {
                throw new IllegalArgumentException("mtu must be 0 (none) or from 68 (RFC 791) to 65575, not " + bytes);
            }
            mtu = bytes;
            return this;
        }

        /** @param window a partition window to add @return this */
        public Builder partition(PartitionWindow window) {
            partitions.add(Objects.requireNonNull(window));
            return this;
        }

        /** @param rule a scripted rule to add after those already given @return this */
        public Builder script(ScriptedRule rule) {
            scripted.add(Objects.requireNonNull(rule));
            return this;
        }

        /**
         * Applies the items of the compact text form on top of what is set.
         *
         * @param text items, comma separated; empty or {@code none} for nothing
         * @return this
         * @throws IllegalArgumentException naming the bad item
         */
        public Builder apply(String text) {
            String t = text.trim();
            if (t.isEmpty() || t.equals("none")) {
                return this;
            }
            for (String raw : t.split(",")) {
                String item = raw.trim();
                int eq = item.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("fault item '" + item + "' must be NAME=VALUE; names: " + NAMES);
                }
                String name = item.substring(0, eq).trim();
                String value = item.substring(eq + 1).trim();
                try {
                    applyItem(name, value);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("fault item '" + item + "': " + e.getMessage(), e);
                }
            }
            return this;
        }

        private static final String NAMES =
                "loss, burst, dup, reorder, delay, corrupt, rate, mtu, partition, drop, hold";

        private void applyItem(String name, String value) {
            switch (name) {
                case "loss" -> loss(Double.parseDouble(value));
                case "burst" -> burst(GilbertElliott.parse(value));
                case "dup", "duplicate" -> duplicate(Double.parseDouble(value));
                case "reorder" -> {
                    int colon = value.indexOf(':');
                    reorder(Double.parseDouble(colon < 0 ? value : value.substring(0, colon)),
                            colon < 0 ? reorderDelay : Setting.parseDuration(value.substring(colon + 1)));
                }
                case "delay" -> delay(DelayDistribution.parse(value));
                case "corrupt" -> {
                    int colon = value.indexOf(':');
                    corrupt(Double.parseDouble(colon < 0 ? value : value.substring(0, colon)),
                            colon < 0 ? corruptBits : Integer.parseInt(value.substring(colon + 1)));
                }
                case "rate" -> rate(Setting.parseSize(value));
                case "mtu" -> mtu(Integer.parseInt(value));
                case "partition" -> partition(PartitionWindow.parse(value));
                case "drop" -> script(isNumber(value) ? ScriptedRule.dropNth(Integer.parseInt(value))
                        : ScriptedRule.dropFirstWithFlags(value));
                case "hold" -> {
                    int at = value.indexOf('@');
                    if (at < 0) {
                        throw new IllegalArgumentException("hold must be N@TIME or FLAGS@TIME, e.g. hold=2@5s or hold=SYN@5s");
                    }
                    String which = value.substring(0, at);
                    Duration until = Setting.parseDuration(value.substring(at + 1));
                    script(isNumber(which) ? ScriptedRule.holdNth(Integer.parseInt(which), until)
                            : ScriptedRule.holdFirstWithFlags(which, until));
                }
                default -> throw new IllegalArgumentException("unknown fault '" + name + "'; known: " + NAMES);
            }
        }

        private static boolean isNumber(String text) {
            return !text.isEmpty() && text.chars().allMatch(c -> c == '-' || Character.isDigit(c));
        }

        /** The immutable plan. */
        public FaultPlan build() {
            return new FaultPlan(this);
        }
    }
}
