package io.synack.core.engine;

/**
 * RFC 5961 §7 ACK throttling: at most {@code limit} challenge ACKs per one-second interval for the
 * whole stack (Linux {@code tcp_challenge_ack_limit}). Only challenge ACKs pass through here; ACKs
 * of data and of out-of-window segments are never limited, or lost ACKs could not be recovered.
 */
final class ChallengeAckLimiter {
    private static final long SECOND = 1_000_000_000L;
    private final int limit;
    private long intervalStart = Long.MIN_VALUE;
    private int sent;

    ChallengeAckLimiter(int limit) {
        this.limit = limit;
    }

    /** Whether one more challenge ACK may be sent at {@code now}; counts it if so. */
    boolean tryAcquire(long now) {
        if (intervalStart == Long.MIN_VALUE || now - intervalStart >= SECOND) {
            intervalStart = now;
            sent = 0;
        }
        if (sent >= limit) {
            return false;
        }
        sent++;
        return true;
    }
}
