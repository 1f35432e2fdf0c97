package io.synack.core.engine;

import io.synack.api.InvalidConfigurationException;
import io.synack.spi.Settings;
import java.time.Duration;

/**
 * The engine's validated, immutable configuration, all durations in nanoseconds.
 *
 * @param mslNanos Maximum Segment Lifetime (TIME-WAIT is twice this; 0 disables TIME-WAIT, unsafe)
 * @param rtoInitialNanos RTO before the first RTT sample (RFC 6298 §2.1)
 * @param rtoMinNanos lower bound of the RTO
 * @param rtoMaxNanos upper bound of the RTO
 * @param synR2Nanos give-up time of an active open (MUST-23)
 * @param synAckRetries SYN-ACK retransmissions before a passive half-open child expires
 * @param r1 retransmissions of a segment after which the path is suspect
 * @param r2Nanos give-up time for unacknowledged data or FIN (MUST-20)
 * @param finTimeoutNanos FIN-WAIT-2 limit of a connection the application closed
 * @param userTimeoutNanos user timeout, 0 for none (RFC 5482)
 * @param rfc1337 ignore RST in TIME-WAIT
 * @param challengeAckLimit challenge ACKs per second per stack
 * @param mss the MSS we announce
 * @param sendBuffer send buffer bytes per connection
 * @param receiveBuffer receive buffer bytes per connection
 * @param noDelay Nagle off by default
 * @param isnSecret 32 hex digits or empty
 * @param ephemeralLow lowest ephemeral port
 * @param ephemeralHigh highest ephemeral port
 * @param unsafeTwoWayHandshake UNSAFE: passive opens are ESTABLISHED on sending SYN,ACK
 * @param unsafeCloseOnFirstFin UNSAFE: a received FIN closes both directions
 * @param windowScaling offer the RFC 7323 window scale option
 * @param sack offer RFC 2018 SACK-permitted (and send SACK blocks when the peer offered it too)
 * @param timestamps offer the RFC 7323 timestamps option
 * @param delayedAck delay ACKs of in-order data (RFC 9293 §3.8.6.3)
 * @param delayedAckTimeoutNanos longest ACK delay (MUST-40: below 0.5 s)
 * @param sender congestion control and keepalive
 */
public record EngineConfig(
        long mslNanos,
        long rtoInitialNanos,
        long rtoMinNanos,
        long rtoMaxNanos,
        long synR2Nanos,
        int synAckRetries,
        int r1,
        long r2Nanos,
        long finTimeoutNanos,
        long userTimeoutNanos,
        boolean rfc1337,
        int challengeAckLimit,
        int mss,
        int sendBuffer,
        int receiveBuffer,
        boolean noDelay,
        String isnSecret,
        int ephemeralLow,
        int ephemeralHigh,
        boolean unsafeTwoWayHandshake,
        boolean unsafeCloseOnFirstFin,
        boolean windowScaling,
        boolean sack,
        boolean timestamps,
        boolean delayedAck,
        long delayedAckTimeoutNanos,
        SenderOptions sender) {

    /** Checks the relations between values that single settings cannot check. */
    public EngineConfig {
        if (rtoMinNanos > rtoMaxNanos) {
            throw new IllegalArgumentException("synack.tcp.rto.min (" + Duration.ofNanos(rtoMinNanos)
                    + ") must not exceed synack.tcp.rto.max (" + Duration.ofNanos(rtoMaxNanos) + ")");
        }
        if (ephemeralLow > ephemeralHigh) {
            throw new IllegalArgumentException("synack.tcp.ephemeral.low (" + ephemeralLow
                    + ") must not exceed synack.tcp.ephemeral.high (" + ephemeralHigh + ")");
        }
        if (sendBuffer <= 0 || receiveBuffer <= 0) {
            throw new IllegalArgumentException("buffer sizes must be positive");
        }
    }

    /** The built-in defaults of {@link EngineSettings}. */
    public static EngineConfig defaults() {
        return from(new Settings() {
            @Override
            public <T> T get(io.synack.spi.Setting<T> setting) {
                return setting.defaultValue();
            }
        });
    }

    /**
     * Reads every {@link EngineSettings} key.
     *
     * @param s validated settings
     * @return the configuration
     * @throws InvalidConfigurationException if values contradict each other
     */
    public static EngineConfig from(Settings s) {
        try {
            return new EngineConfig(
                    s.get(EngineSettings.MSL).toNanos(),
                    s.get(EngineSettings.RTO_INITIAL).toNanos(),
                    s.get(EngineSettings.RTO_MIN).toNanos(),
                    s.get(EngineSettings.RTO_MAX).toNanos(),
                    s.get(EngineSettings.SYN_R2).toNanos(),
                    s.get(EngineSettings.SYNACK_RETRIES),
                    s.get(EngineSettings.R1),
                    s.get(EngineSettings.R2).toNanos(),
                    s.get(EngineSettings.FIN_TIMEOUT).toNanos(),
                    s.get(EngineSettings.USER_TIMEOUT).toNanos(),
                    s.get(EngineSettings.RFC1337),
                    s.get(EngineSettings.CHALLENGE_ACK_LIMIT),
                    s.get(EngineSettings.MSS),
                    (int) Math.min(Integer.MAX_VALUE - 8, s.get(EngineSettings.SEND_BUFFER)),
                    (int) Math.min(Integer.MAX_VALUE - 8, s.get(EngineSettings.RECEIVE_BUFFER)),
                    s.get(EngineSettings.NODELAY),
                    s.get(EngineSettings.ISN_SECRET),
                    s.get(EngineSettings.EPHEMERAL_LOW),
                    s.get(EngineSettings.EPHEMERAL_HIGH),
                    s.get(EngineSettings.UNSAFE_TWO_WAY_HANDSHAKE),
                    s.get(EngineSettings.UNSAFE_CLOSE_ON_FIRST_FIN),
                    s.get(EngineSettings.WINDOW_SCALING),
                    s.get(EngineSettings.SACK),
                    s.get(EngineSettings.TIMESTAMPS),
                    s.get(EngineSettings.DELAYED_ACK),
                    s.get(EngineSettings.DELAYED_ACK_TIMEOUT).toNanos(),
                    SenderOptions.from(s));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    /** A copy with another MSL (tests, experiments). */
    public EngineConfig withMsl(Duration msl) {
        return new EngineConfig(msl.toNanos(), rtoInitialNanos, rtoMinNanos, rtoMaxNanos, synR2Nanos, synAckRetries,
                r1, r2Nanos, finTimeoutNanos, userTimeoutNanos, rfc1337, challengeAckLimit, mss, sendBuffer,
                receiveBuffer, noDelay, isnSecret, ephemeralLow, ephemeralHigh, unsafeTwoWayHandshake,
                unsafeCloseOnFirstFin, windowScaling, sack, timestamps, delayedAck,
                delayedAckTimeoutNanos, sender);
    }

    /** A copy with RFC 1337 protection switched. */
    public EngineConfig withRfc1337(boolean on) {
        return new EngineConfig(mslNanos, rtoInitialNanos, rtoMinNanos, rtoMaxNanos, synR2Nanos, synAckRetries,
                r1, r2Nanos, finTimeoutNanos, userTimeoutNanos, on, challengeAckLimit, mss, sendBuffer,
                receiveBuffer, noDelay, isnSecret, ephemeralLow, ephemeralHigh, unsafeTwoWayHandshake,
                unsafeCloseOnFirstFin, windowScaling, sack, timestamps, delayedAck,
                delayedAckTimeoutNanos, sender);
    }

    /** A copy with another challenge-ACK limit. */
    public EngineConfig withChallengeAckLimit(int limit) {
        return new EngineConfig(mslNanos, rtoInitialNanos, rtoMinNanos, rtoMaxNanos, synR2Nanos, synAckRetries,
                r1, r2Nanos, finTimeoutNanos, userTimeoutNanos, rfc1337, limit, mss, sendBuffer,
                receiveBuffer, noDelay, isnSecret, ephemeralLow, ephemeralHigh, unsafeTwoWayHandshake,
                unsafeCloseOnFirstFin, windowScaling, sack, timestamps, delayedAck,
                delayedAckTimeoutNanos, sender);
    }

    /** A copy with other buffer sizes. */
    public EngineConfig withBuffers(int send, int receive) {
        return new EngineConfig(mslNanos, rtoInitialNanos, rtoMinNanos, rtoMaxNanos, synR2Nanos, synAckRetries,
                r1, r2Nanos, finTimeoutNanos, userTimeoutNanos, rfc1337, challengeAckLimit, mss, send,
                receive, noDelay, isnSecret, ephemeralLow, ephemeralHigh, unsafeTwoWayHandshake,
                unsafeCloseOnFirstFin, windowScaling, sack, timestamps, delayedAck,
                delayedAckTimeoutNanos, sender);
    }

    /** A copy with another user timeout (0 = none). */
    public EngineConfig withUserTimeout(Duration timeout) {
        return new EngineConfig(mslNanos, rtoInitialNanos, rtoMinNanos, rtoMaxNanos, synR2Nanos, synAckRetries,
                r1, r2Nanos, finTimeoutNanos, timeout.toNanos(), rfc1337, challengeAckLimit, mss, sendBuffer,
                receiveBuffer, noDelay, isnSecret, ephemeralLow, ephemeralHigh, unsafeTwoWayHandshake,
                unsafeCloseOnFirstFin, windowScaling, sack, timestamps, delayedAck,
                delayedAckTimeoutNanos, sender);
    }

    /** A copy with the unsafe experiment switches set (the seed's "why three?" and "why four?"). */
    public EngineConfig withUnsafe(boolean twoWayHandshake, boolean closeOnFirstFin) {
        return new EngineConfig(mslNanos, rtoInitialNanos, rtoMinNanos, rtoMaxNanos, synR2Nanos, synAckRetries,
                r1, r2Nanos, finTimeoutNanos, userTimeoutNanos, rfc1337, challengeAckLimit, mss, sendBuffer,
                receiveBuffer, noDelay, isnSecret, ephemeralLow, ephemeralHigh, twoWayHandshake, closeOnFirstFin, windowScaling, sack, timestamps, delayedAck,
                delayedAckTimeoutNanos, sender);
    }

    /**
     * A copy with the RFC 7323 / RFC 2018 options switched (all off gives the RFC 9293 baseline:
     * MSS only, windows of at most 65535).
     */
    public EngineConfig withOptions(boolean windowScaling, boolean sack, boolean timestamps) {
        return new EngineConfig(mslNanos, rtoInitialNanos, rtoMinNanos, rtoMaxNanos, synR2Nanos, synAckRetries,
                r1, r2Nanos, finTimeoutNanos, userTimeoutNanos, rfc1337, challengeAckLimit, mss, sendBuffer,
                receiveBuffer, noDelay, isnSecret, ephemeralLow, ephemeralHigh, unsafeTwoWayHandshake,
                unsafeCloseOnFirstFin, windowScaling, sack, timestamps, delayedAck, delayedAckTimeoutNanos, sender);
    }

    /** A copy with delayed ACK switched and its timeout. */
    public EngineConfig withDelayedAck(boolean on, Duration timeout) {
        return new EngineConfig(mslNanos, rtoInitialNanos, rtoMinNanos, rtoMaxNanos, synR2Nanos, synAckRetries,
                r1, r2Nanos, finTimeoutNanos, userTimeoutNanos, rfc1337, challengeAckLimit, mss, sendBuffer,
                receiveBuffer, noDelay, isnSecret, ephemeralLow, ephemeralHigh, unsafeTwoWayHandshake,
                unsafeCloseOnFirstFin, windowScaling, sack, timestamps, on, timeout.toNanos(), sender);
    }

    /** A copy with other congestion control and keepalive settings. */
    public EngineConfig withSender(SenderOptions options) {
        return new EngineConfig(mslNanos, rtoInitialNanos, rtoMinNanos, rtoMaxNanos, synR2Nanos, synAckRetries,
                r1, r2Nanos, finTimeoutNanos, userTimeoutNanos, rfc1337, challengeAckLimit, mss, sendBuffer,
                receiveBuffer, noDelay, isnSecret, ephemeralLow, ephemeralHigh, unsafeTwoWayHandshake,
                unsafeCloseOnFirstFin, windowScaling, sack, timestamps, delayedAck, delayedAckTimeoutNanos, options);
    }

    /** A copy with keepalive switched on or off for new connections, with its timing. */
    public EngineConfig withKeepAlive(boolean on, Duration idle, Duration interval, int count) {
        return withSender(new SenderOptions(sender.congestionControl(), on, idle.toNanos(), interval.toNanos(), count));
    }
}
