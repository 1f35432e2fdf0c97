package io.synack.transport.loopback;

import io.synack.spi.Setting;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A staged fault on one path: pick a datagram — the Nth (counting from 1) on the path, or the
 * first {@code times} datagrams whose raw bytes match a predicate — and drop it or hold it until a
 * given time after the injector's epoch. Rules are checked in the order given; the first that picks
 * a datagram decides. Counting is per (source, destination) pair.
 *
 * <p>Example: drop the first segment with the FIN bit (TCP flags byte 13, FIN = 0x01):
 * {@code ScriptedRule.drop(b -> b.remaining() > 13 && (b.get(b.position() + 13) & 1) != 0, "first FIN", 1)}.
 */
public final class ScriptedRule {

    private final int nth;
    private final Predicate<ByteBuffer> matcher;
    private final int times;
    private final Duration holdUntil;
    private final String description;
    private final boolean textual;

    private ScriptedRule(int nth, Predicate<ByteBuffer> matcher, int times, Duration holdUntil, String description,
            boolean textual) {
        this.nth = nth;
        this.matcher = matcher;
        this.times = times;
        this.holdUntil = holdUntil;
        this.description = description;
        this.textual = textual;
    }

    /** TCP header flag bits by name (RFC 9293 §3.1; CWR and ECE from RFC 3168), at byte offset 13. */
    private static final String[] FLAG_NAMES = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};

    /**
     * Drops the first datagram of each path whose TCP flags include all of {@code flags}.
     *
     * @param flags flag names joined by {@code +}, e.g. {@code FIN} or {@code SYN+ACK}
     * @return the rule, written {@code drop=FLAGS}
     */
    public static ScriptedRule dropFirstWithFlags(String flags) {
        return new ScriptedRule(0, flagMatcher(flags), 1, null, "drop=" + flags, true);
    }

    /**
     * Holds the first datagram of each path whose TCP flags include all of {@code flags} until
     * {@code until} after the epoch.
     *
     * @param flags flag names joined by {@code +}, e.g. {@code SYN}
     * @param until time after the injector's epoch
     * @return the rule, written {@code hold=FLAGS@TIME}
     */
    public static ScriptedRule holdFirstWithFlags(String flags, Duration until) {
        return new ScriptedRule(0, flagMatcher(flags), 1, notNegative(until),
                "hold=" + flags + "@" + Setting.formatDuration(until), true);
    }

    /**
     * A predicate on a TCP segment's flags byte (offset 13): the fault model knows no TCP beyond
     * this, so that a scenario can name "the first FIN" without the engine's codec.
     */
    private static Predicate<ByteBuffer> flagMatcher(String flags) {
        int mask = 0;
        for (String name : flags.split("\\+")) {
            int bit = java.util.Arrays.asList(FLAG_NAMES).indexOf(name.trim().toUpperCase(java.util.Locale.ROOT));
            if (bit < 0) {
                throw new IllegalArgumentException("'" + name + "' is not a TCP flag; flags: "
                        + String.join(", ", FLAG_NAMES));
            }
            mask |= 1 << bit;
        }
        int wanted = mask;
        return b -> b.remaining() >= 20 && (b.get(b.position() + 13) & wanted) == wanted;
    }

    /**
     * Drops exactly the {@code n}th datagram of each path.
     *
     * @param n from 1
     * @return the rule
     */
    public static ScriptedRule dropNth(int n) {
        return new ScriptedRule(positive(n), null, 1, null, "drop=" + n, true);
    }

    /**
     * Holds the {@code n}th datagram of each path until {@code until} after the epoch (delivered
     * then, or at once if that time has passed).
     *
     * @param n from 1
     * @param until time after the injector's epoch
     * @return the rule
     */
    public static ScriptedRule holdNth(int n, Duration until) {
        return new ScriptedRule(positive(n), null, 1, notNegative(until), "hold=" + n + "@" + Setting.formatDuration(until),
                true);
    }

    /**
     * Drops the first {@code times} datagrams of each path whose bytes match.
     *
     * @param matcher looks at the segment bytes from position to limit; must not move them
     * @param description what it matches, for records and {@code toString}
     * @param times how many to drop; {@link Integer#MAX_VALUE} for all
     * @return the rule
     */
    public static ScriptedRule drop(Predicate<ByteBuffer> matcher, String description, int times) {
        return new ScriptedRule(0, Objects.requireNonNull(matcher), positive(times), null, description, false);
    }

    /**
     * Holds the first {@code times} datagrams of each path whose bytes match until {@code until}
     * after the epoch.
     *
     * @param matcher looks at the segment bytes from position to limit; must not move them
     * @param description what it matches
     * @param times how many to hold
     * @param until time after the injector's epoch
     * @return the rule
     */
    public static ScriptedRule hold(Predicate<ByteBuffer> matcher, String description, int times, Duration until) {
        return new ScriptedRule(0, Objects.requireNonNull(matcher), positive(times), notNegative(until), description,
                false);
    }

    /**
     * Whether this rule picks the datagram.
     *
     * @param index the datagram's number on its path, from 1
     * @param bytes its bytes (read through a duplicate)
     * @param picked how many datagrams this rule already picked on this path
     * @return true to apply the rule
     */
    boolean picks(long index, ByteBuffer bytes, int picked) {
        if (picked >= times) {
            return false;
        }
        return matcher == null ? index == nth : matcher.test(bytes.duplicate());
    }

    /** Whether the rule drops (otherwise it holds). */
    boolean drops() {
        return holdUntil == null;
    }

    /** For a hold: until when after the epoch. */
    Duration holdUntil() {
        return holdUntil;
    }

    /** What the rule does, e.g. {@code drop=3} or the predicate's description. */
    public String description() {
        return description;
    }


    @Override
    public String toString() {
        return description;
    }

    /** Rules from the text form are equal when they read the same; predicate rules only to themselves. */
    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof ScriptedRule other && textual && other.textual
                && description.equals(other.description));
    }

    @Override
    public int hashCode() {
        return description.hashCode();
    }

    private static int positive(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("datagrams are counted from 1, not " + n);
        }
        return n;
    }

    private static Duration notNegative(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a hold time must not be negative: " + d);
        }
        return d;
    }
}
