package io.synack.core.config;

import java.util.List;

/**
 * One row of the effective configuration: a known key, the value that won, where it came from and
 * what the setting does.
 *
 * @param key the full key, e.g. {@code synack.tcp.msl}
 * @param value the effective value, formatted as the setting reads it back ({@code 30s})
 * @param source where the value came from
 * @param overridden where the values it overrode came from, lowest layer first (a value set in a
 *     file and again on the command line lists the file here); empty when nothing else set it
 * @param description one line saying what the setting does
 * @param allowed what values the setting accepts
 */
public record EffectiveSetting(String key, String value, ValueSource source, List<ValueSource> overridden,
        String description, String allowed) {

    /** Copies the list. */
    public EffectiveSetting {
        overridden = List.copyOf(overridden);
    }
}
