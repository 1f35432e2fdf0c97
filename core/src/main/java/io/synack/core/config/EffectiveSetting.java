package io.synack.core.config;

/**
 * One row of the effective configuration: a known key, the value that won, where it came from and
 * what the setting does.
 *
 * @param key the full key, e.g. {@code synack.tcp.msl}
 * @param value the effective value, formatted as the setting reads it back ({@code 30s})
 * @param source where the value came from
 * @param description one line saying what the setting does
 * @param allowed what values the setting accepts
 */
public record EffectiveSetting(String key, String value, ValueSource source, String description,
        String allowed) {}
