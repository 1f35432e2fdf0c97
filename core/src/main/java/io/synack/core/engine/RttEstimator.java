package io.synack.core.engine;

/**
 * The retransmission timer's value per RFC 6298: SRTT and RTTVAR from RTT samples (§2), the RTO
 * bounded by a minimum and maximum (§2.4, §2.5), doubled on every expiry (§5.5), and Karn's
 * algorithm (§3: no sample from a retransmitted segment) applied by the caller, which only
 * samples segments it sent once.
 */
final class RttEstimator {
    /** Clock granularity G of RFC 6298 §2: 1 ms, as Linux's jiffy-based timer. */
    static final long GRANULARITY_NANOS = 1_000_000L;

    private final long minRto;
    private final long maxRto;
    private long srtt = -1;
    private long rttvar;
    private long rto;
    private int backoff;

    RttEstimator(long initialRto, long minRto, long maxRto) {
        this.minRto = minRto;
        this.maxRto = maxRto;
        this.rto = Math.min(Math.max(initialRto, minRto), maxRto);
    }

    /** RFC 6298 §2.2, §2.3 with alpha = 1/8, beta = 1/4. */
    void sample(long r) {
        if (r < 0) {
            return;
        }
        if (srtt < 0) {
            srtt = r;
            rttvar = r / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
            srtt = (7 * srtt + r) / 8;
        }
        backoff = 0;
        long raw = srtt + Math.max(GRANULARITY_NANOS, 4 * rttvar);
        rto = Math.min(Math.max(raw, minRto), maxRto);
    }

    /** RFC 6298 §5.5: back off the timer (RTO = RTO * 2), bounded by the maximum. */
    void backOff() {
        backoff++;
        rto = Math.min(rto * 2, maxRto);
    }

    /** RFC 6298 §5.7: after a SYN timed out, use at least 3 s once data transmission begins. */
    void fallBackAfterSynTimeout() {
        if (srtt < 0) {
            rto = Math.min(Math.max(3_000_000_000L, minRto), maxRto);
        }
    }

    long rto() {
        return rto;
    }

    long srtt() {
        return srtt;
    }

    int backoffs() {
        return backoff;
    }
}
