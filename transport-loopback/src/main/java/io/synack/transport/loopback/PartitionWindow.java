package io.synack.transport.loopback;

import io.synack.spi.Setting;
import java.time.Duration;

/**
 * A time window, measured from the injector's epoch, in which a path is cut: the partition opens
 * at {@code from} and heals at {@code to} (exclusive). Written {@code 2s..5s}.
 *
 * @param from when the partition opens
 * @param to when it heals, after {@code from}
 */
public record PartitionWindow(Duration from, Duration to) {

    /** Checks the window. */
    public PartitionWindow {
        if (from.isNegative() || to.compareTo(from) <= 0) {
            throw new IllegalArgumentException("a partition must open at or after 0 and heal after it opens: "
                    + Setting.formatDuration(from) + ".." + Setting.formatDuration(to));
        }
    }

    /** Whether {@code sinceEpochNanos} falls in the window. */
    boolean contains(long sinceEpochNanos) {
        return sinceEpochNanos >= from.toNanos() && sinceEpochNanos < to.toNanos();
    }

    /**
     * Reads {@code FROM..TO}.
     *
     * @param text e.g. {@code 2s..5s}
     * @return the window
     */
    public static PartitionWindow parse(String text) {
        int range = text.indexOf("..");
        if (range < 0) {
            throw new IllegalArgumentException("partition '" + text + "' must be FROM..TO, e.g. 2s..5s");
        }
        return new PartitionWindow(Setting.parseDuration(text.substring(0, range)),
                Setting.parseDuration(text.substring(range + 2)));
    }

    @Override
    public String toString() {
        return Setting.formatDuration(from) + ".." + Setting.formatDuration(to);
    }
}
