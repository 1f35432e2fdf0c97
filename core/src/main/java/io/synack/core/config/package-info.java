/**
 * Configuration: every {@code synack.*} value from five layers, validated once into an immutable
 * {@link io.synack.spi.Settings}.
 *
 * <p>Layers, lowest to highest precedence: built-in defaults (each {@link io.synack.spi.Setting}'s
 * own), a configuration file ({@code .properties}, {@code .yaml} or {@code .yml}, read with
 * Apache Commons Configuration), environment variables ({@code SYNACK_TCP_MSL}), Java system
 * properties ({@code -Dsynack.tcp.msl=10s}) and overrides set programmatically or on a command line.
 *
 * <p>Every value from every layer is checked, not only the winning one: a bad value shadowed by a
 * higher layer is still reported, because it would surprise its author the day the shadowing value
 * goes away. All problems are reported at once, each naming the key, the bad value, what is
 * allowed and where the value came from ({@link io.synack.core.config.ValueSource}).
 *
 * <p>Start at {@link io.synack.core.config.ConfigurationLoader}; read the result through
 * {@link io.synack.core.config.ValidatedSettings}.
 */
package io.synack.core.config;
