package io.synack.transport.loopback;

import io.synack.spi.Setting;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * How long the network holds a datagram, drawn per datagram. Each datagram's delay is drawn
 * independently, so a datagram may overtake an earlier one when the distribution is not fixed
 * (as on a multipath network); a {@linkplain #fixed fixed} delay keeps the order.
 *
 * <p>Written as {@code 0}, {@code 10ms} or {@code fixed:10ms}, {@code 5ms..800ms} or
 * {@code uniform:5ms..800ms}, and {@code pareto:10ms:1.2} or {@code pareto:10ms:1.2:10m}.
 */
public sealed interface DelayDistribution {

    /** No delay. */
    DelayDistribution NONE = new Fixed(0);

    /**
     * Draws one delay.
     *
     * @param random the path's random stream
     * @return nanoseconds, at least 0
     */
    long sampleNanos(SplittableRandom random);

    /** Whether every sample is 0. */
    default boolean isNone() {
        return this instanceof Fixed f && f.nanos == 0;
    }

    /**
     * Always the same delay.
     *
     * @param delay how long, not negative
     * @return the distribution
     */
    static DelayDistribution fixed(Duration delay) {
        return new Fixed(nonNegative(delay, "delay").toNanos());
    }

    /**
     * Uniform from {@code min} to {@code max}, both included.
     *
     * @param min shortest
     * @param max longest, not shorter than {@code min}
     * @return the distribution
     */
    static DelayDistribution uniform(Duration min, Duration max) {
        if (nonNegative(max, "maximum delay").compareTo(nonNegative(min, "minimum delay")) < 0) {
            throw new IllegalArgumentException("the maximum delay " + Setting.formatDuration(max)
                    + " is shorter than the minimum " + Setting.formatDuration(min));
        }
        return new Uniform(min.toNanos(), max.toNanos());
    }

    /**
     * A Pareto (power-law) tail: {@code scale / U^(1/shape)} for uniform {@code U}, at least
     * {@code scale}, capped at {@code cap}. With shape near 1 a few datagrams linger for minutes,
     * beyond the 2-minute MSL (RFC 9293 §3.4.2), like the seed's "request that lingers in the
     * network".
     *
     * @param scale the smallest delay (the distribution's x_m), positive
     * @param shape the tail index alpha, positive; smaller is heavier
     * @param cap the largest delay drawn, not shorter than {@code scale}
     * @return the distribution
     */
    static DelayDistribution pareto(Duration scale, double shape, Duration cap) {
        if (scale.isNegative() || scale.isZero()) {
            throw new IllegalArgumentException("the Pareto scale must be positive, not " + Setting.formatDuration(scale));
        }
        if (!(shape > 0) || Double.isInfinite(shape)) {
            throw new IllegalArgumentException("the Pareto shape must be a positive number, not " + shape);
        }
        if (cap.compareTo(scale) < 0) {
            throw new IllegalArgumentException("the Pareto cap " + Setting.formatDuration(cap)
                    + " is below its scale " + Setting.formatDuration(scale));
        }
        return new Pareto(scale.toNanos(), shape, cap.toNanos());
    }

    /**
     * Reads the text form (see the type's description).
     *
     * @param text e.g. {@code 5ms..800ms}
     * @return the distribution
     * @throws IllegalArgumentException naming what is wrong
     */
    static DelayDistribution parse(String text) {
        String t = text.trim();
        try {
            if (t.startsWith("fixed:")) {
                return fixed(Setting.parseDuration(t.substring(6)));
            }
            if (t.startsWith("uniform:")) {
                t = t.substring(8);
            }
            if (t.startsWith("pareto:")) {
                String[] p = t.substring(7).split(":");
                if (p.length < 2 || p.length > 3) {
                    throw new IllegalArgumentException("expected pareto:SCALE:SHAPE[:CAP]");
                }
                Duration cap = p.length == 3 ? Setting.parseDuration(p[2]) : Pareto.DEFAULT_CAP;
                return pareto(Setting.parseDuration(p[0]), Double.parseDouble(p[1]), cap);
            }
            int range = t.indexOf("..");
            if (range >= 0) {
                return uniform(Setting.parseDuration(t.substring(0, range)), Setting.parseDuration(t.substring(range + 2)));
            }
            return fixed(Setting.parseDuration(t));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("delay '" + text + "' is not a delay distribution ("
                    + e.getMessage() + "); write 10ms, fixed:10ms, 5ms..800ms or pareto:10ms:1.2[:10m]", e);
        }
    }

    private static Duration nonNegative(Duration d, String what) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("the " + what + " must not be negative: " + d);
        }
        return d;
    }

    /**
     * The same delay for every datagram.
     *
     * @param nanos the delay
     */
    record Fixed(long nanos) implements DelayDistribution {
        @Override
        public long sampleNanos(SplittableRandom random) {
            return nanos;
        }

        @Override
        public String toString() {
            return "fixed:" + Setting.formatDuration(Duration.ofNanos(nanos));
        }
    }

    /**
     * A delay uniform between two bounds, both included.
     *
     * @param minNanos shortest
     * @param maxNanos longest
     */
    record Uniform(long minNanos, long maxNanos) implements DelayDistribution {
        @Override
        public long sampleNanos(SplittableRandom random) {
            return minNanos == maxNanos ? minNanos : random.nextLong(minNanos, maxNanos + 1);
        }

        @Override
        public String toString() {
            return Setting.formatDuration(Duration.ofNanos(minNanos)) + ".." + Setting.formatDuration(Duration.ofNanos(maxNanos));
        }
    }

    /**
     * A Pareto delay, capped.
     *
     * @param scaleNanos x_m
     * @param shape alpha
     * @param capNanos the largest value drawn
     */
    record Pareto(long scaleNanos, double shape, long capNanos) implements DelayDistribution {
        /** The cap when none is written: ten minutes, well beyond any MSL. */
        static final Duration DEFAULT_CAP = Duration.ofMinutes(10);

        @Override
        public long sampleNanos(SplittableRandom random) {
            // Inverse transform: U in (0, 1], X = x_m / U^(1/alpha) >= x_m.
            double u = 1.0 - random.nextDouble();
            double x = scaleNanos / Math.pow(u, 1.0 / shape);
            return x >= capNanos ? capNanos : (long) x;
        }

        @Override
        public String toString() {
            return "pareto:" + Setting.formatDuration(Duration.ofNanos(scaleNanos)) + ":" + shape + ":"
                    + Setting.formatDuration(Duration.ofNanos(capNanos));
        }
    }
}
