package io.synack.spi;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configuration key under {@code synack.}: its name, default, and how a text value becomes a
 * typed one. Parsing failures say what is allowed, so that the configuration loader can report
 * {@code key = value (from source): must be ...}.
 *
 * @param <T> the value's type
 */
public final class Setting<T> {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|B|k|K|KB|KiB|m|M|MB|MiB|g|G|GB|GiB)");

    private final String key;
    private final String description;
    private final T defaultValue;
    private final String allowed;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;

    private Setting(String key, String description, T defaultValue, String allowed,
            Function<String, T> parser, Function<T, String> formatter) {
        if (!key.startsWith("synack.")) {
            throw new IllegalArgumentException("setting keys live under 'synack.': " + key);
        }
        this.key = key;
        this.description = Objects.requireNonNull(description);
        this.defaultValue = defaultValue;
        this.allowed = Objects.requireNonNull(allowed);
        this.parser = parser;
        this.formatter = formatter;
    }

    /** The full key, e.g. {@code synack.tcp.msl}. */
    public String key() {
        return key;
    }

    /** One line saying what the setting does. */
    public String description() {
        return description;
    }

    /** The built-in default. */
    public T defaultValue() {
        return defaultValue;
    }

    /** What values are allowed, as a phrase: {@code "a duration from 0s to 10m"}. */
    public String allowed() {
        return allowed;
    }

    /**
     * Parses a text value.
     *
     * @param text the value as written in a file, environment variable or flag
     * @return the typed value
     * @throws IllegalArgumentException whose message is "must be " + {@link #allowed()}
     */
    public T parse(String text) {
        T value;
        try {
            value = parser.apply(text.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("must be " + allowed, e);
        }
        if (value == null) {
            throw new IllegalArgumentException("must be " + allowed);
        }
        return value;
    }

    /** Formats a value the way {@link #parse} reads it back. */
    public String format(T value) {
        return formatter.apply(value);
    }

    @Override
    public String toString() {
        return key + " (default " + format(defaultValue) + ")";
    }

    /**
     * A duration written as {@code 30s}, {@code 200ms}, {@code 2m}, {@code 1.5s}, {@code 0}.
     *
     * @param key full key
     * @param description what it does
     * @param defaultValue the default
     * @param min smallest allowed
     * @param max largest allowed
     * @return the setting
     */
    public static Setting<Duration> duration(String key, String description, Duration defaultValue,
            Duration min, Duration max) {
        return new Setting<>(key, description, defaultValue,
                "a duration from " + formatDuration(min) + " to " + formatDuration(max) + " (e.g. 200ms, 30s, 2m)",
                text -> inRange(parseDuration(text), min, max), Setting::formatDuration);
    }

    /**
     * A whole number.
     *
     * @param key full key
     * @param description what it does
     * @param defaultValue the default
     * @param min smallest allowed
     * @param max largest allowed
     * @return the setting
     */
    public static Setting<Integer> integer(String key, String description, int defaultValue, int min, int max) {
        return new Setting<>(key, description, defaultValue, "a whole number from " + min + " to " + max,
                text -> inRange(Integer.valueOf(text), min, max), String::valueOf);
    }

    /**
     * A byte count written as {@code 65536}, {@code 64KiB}, {@code 4MiB} (K, M, G are powers of 1024).
     *
     * @param key full key
     * @param description what it does
     * @param defaultValue the default, in bytes
     * @param min smallest allowed
     * @param max largest allowed
     * @return the setting
     */
    public static Setting<Long> size(String key, String description, long defaultValue, long min, long max) {
        return new Setting<>(key, description, defaultValue,
                "a size from " + formatSize(min) + " to " + formatSize(max) + " (e.g. 65536, 64KiB, 4MiB)",
                text -> inRange(parseSize(text), min, max), Setting::formatSize);
    }

    /**
     * A decimal number, e.g. a probability from 0 to 1.
     *
     * @param key full key
     * @param description what it does
     * @param defaultValue the default
     * @param min smallest allowed
     * @param max largest allowed
     * @return the setting
     */
    public static Setting<Double> decimal(String key, String description, double defaultValue, double min, double max) {
        return new Setting<>(key, description, defaultValue, "a number from " + min + " to " + max,
                text -> {
                    double v = Double.parseDouble(text);
                    return Double.isNaN(v) ? null : inRange(v, min, max);
                }, String::valueOf);
    }

    /**
     * {@code true} or {@code false} (also {@code on}/{@code off}, {@code yes}/{@code no}).
     *
     * @param key full key
     * @param description what it does
     * @param defaultValue the default
     * @return the setting
     */
    public static Setting<Boolean> bool(String key, String description, boolean defaultValue) {
        return new Setting<>(key, description, defaultValue, "true or false",
                text -> switch (text.toLowerCase(Locale.ROOT)) {
                    case "true", "on", "yes" -> Boolean.TRUE;
                    case "false", "off", "no" -> Boolean.FALSE;
                    default -> null;
                }, String::valueOf);
    }

    /**
     * One word out of a fixed list (compared without case).
     *
     * @param key full key
     * @param description what it does
     * @param defaultValue the default, one of {@code allowed}
     * @param allowed the words allowed
     * @return the setting
     */
    public static Setting<String> oneOf(String key, String description, String defaultValue, String... allowed) {
        List<String> words = Arrays.asList(allowed);
        return new Setting<>(key, description, defaultValue, "one of " + String.join(", ", words),
                text -> words.stream().filter(w -> w.equalsIgnoreCase(text)).findFirst().orElse(null),
                String::valueOf);
    }

    /**
     * Free text, checked by {@code validator} (which returns null to reject).
     *
     * @param key full key
     * @param description what it does
     * @param defaultValue the default
     * @param allowed what is allowed, as a phrase
     * @param parser text to value, null or an exception to reject
     * @param formatter value to text
     * @param <T> value type
     * @return the setting
     */
    public static <T> Setting<T> custom(String key, String description, T defaultValue, String allowed,
            Function<String, T> parser, Function<T, String> formatter) {
        return new Setting<>(key, description, defaultValue, allowed, parser, formatter);
    }

    /** Parses {@code 30s}, {@code 200ms}, {@code 2m}, {@code 1h}, {@code 500us}, {@code 0}. */
    public static Duration parseDuration(String text) {
        String t = text.trim();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        double amount = Double.parseDouble(m.group(1));
        double nanosPerUnit = switch (m.group(2)) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
        };
        return Duration.ofNanos(Math.round(amount * nanosPerUnit));
    }

    /** Formats a duration in the largest unit that keeps it whole: {@code 60s}, {@code 200ms}. */
    public static String formatDuration(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        if (nanos % 60_000_000_000L == 0) {
            return nanos / 60_000_000_000L + "m";
        }
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        if (nanos % 1_000L == 0) {
            return nanos / 1_000L + "us";
        }
        return nanos + "ns";
    }

    /** Parses {@code 65536}, {@code 64KiB}, {@code 64K}, {@code 4MiB}, {@code 1G} (powers of 1024). */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: " + text);
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2).isEmpty() ? ' ' : Character.toUpperCase(m.group(2).charAt(0))) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 0;
        };
        if (Long.numberOfLeadingZeros(n) <= shift) {
            throw new IllegalArgumentException("size too large: " + text);
        }
        return n << shift;
    }

    /** Formats a byte count as {@code 64KiB} when it is a whole number of KiB/MiB/GiB. */
    public static String formatSize(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GiB";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MiB";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "KiB";
        }
        return String.valueOf(bytes);
    }

    private static <C extends Comparable<C>> C inRange(C value, C min, C max) {
        return value.compareTo(min) < 0 || value.compareTo(max) > 0 ? null : value;
    }
}
