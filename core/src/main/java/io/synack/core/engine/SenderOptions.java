package io.synack.core.engine;

import io.synack.spi.Settings;

/**
 * The sender's configuration: the congestion control algorithm (RFC 5681) and keepalive (RFC 9293
 * §3.8.4), read from {@link EngineSettings}.
 *
 * @param congestionControl the algorithm's name ({@code synack.tcp.congestion-control})
 * @param keepAlive keepalive on for new connections (MUST-24: off by default)
 * @param keepAliveIdleNanos idle time before the first probe (MUST-25: default at least 2 hours)
 * @param keepAliveIntervalNanos time between unanswered probes
 * @param keepAliveCount unanswered probes after which the connection times out
 */
public record SenderOptions(String congestionControl, boolean keepAlive, long keepAliveIdleNanos,
        long keepAliveIntervalNanos, int keepAliveCount) {

    /** Checks values that a single setting cannot. */
    public SenderOptions {
        CongestionControl.named(congestionControl); // throws for an unknown name
        if (keepAliveIdleNanos <= 0 || keepAliveIntervalNanos <= 0 || keepAliveCount <= 0) {
            throw new IllegalArgumentException("keepalive idle, interval and count must be positive");
        }
    }

    /** The built-in defaults. */
    public static SenderOptions defaults() {
        return new SenderOptions(EngineSettings.CONGESTION_CONTROL.defaultValue(), EngineSettings.KEEPALIVE.defaultValue(),
                EngineSettings.KEEPALIVE_IDLE.defaultValue().toNanos(),
                EngineSettings.KEEPALIVE_INTERVAL.defaultValue().toNanos(), EngineSettings.KEEPALIVE_COUNT.defaultValue());
    }

    static SenderOptions from(Settings s) {
        return new SenderOptions(s.get(EngineSettings.CONGESTION_CONTROL), s.get(EngineSettings.KEEPALIVE),
                s.get(EngineSettings.KEEPALIVE_IDLE).toNanos(), s.get(EngineSettings.KEEPALIVE_INTERVAL).toNanos(),
                s.get(EngineSettings.KEEPALIVE_COUNT));
    }
}
