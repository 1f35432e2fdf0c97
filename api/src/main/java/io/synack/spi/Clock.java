package io.synack.spi;

/**
 * The time source of a stack: wall-clock in the real-time driver, virtual in simulation. The
 * engine never reads a clock itself; drivers pass {@code now} in.
 */
@FunctionalInterface
public interface Clock {
    /** Monotonic time in nanoseconds; only differences are meaningful. */
    long nanoTime();
}
