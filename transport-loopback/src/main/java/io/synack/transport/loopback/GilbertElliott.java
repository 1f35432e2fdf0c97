package io.synack.transport.loopback;

/**
 * Bursty loss: the Gilbert–Elliott two-state channel. The channel is GOOD or BAD; a datagram
 * crossing it in BAD is lost with probability {@code lossInBad} (in GOOD it is not lost by this
 * model). After each datagram the channel moves GOOD→BAD with probability {@code p} and
 * BAD→GOOD with probability {@code r}. It starts GOOD.
 *
 * <p>So the channel stays BAD for 1/r datagrams on average (the mean loss burst when
 * {@code lossInBad} is 1), and the long-run loss rate is {@code lossInBad * p / (p + r)}.
 * Written {@code P:R} or {@code P:R:H}, or {@code off}.
 *
 * @param p GOOD→BAD probability per datagram, 0 to 1
 * @param r BAD→GOOD probability per datagram, greater than 0, up to 1
 * @param lossInBad loss probability in BAD, 0 to 1
 */
public record GilbertElliott(double p, double r, double lossInBad) {

    /** No bursty loss (the channel never enters BAD); written {@code off}. */
    public static final GilbertElliott OFF = new GilbertElliott(0, 1, 0);

    /** Checks the probabilities. */
    public GilbertElliott {
        FaultPlan.requireProbability("burst p", p);
        FaultPlan.requireProbability("burst r", r);
        FaultPlan.requireProbability("burst loss-in-bad", lossInBad);
        if (r == 0) {
            throw new IllegalArgumentException("burst r must be greater than 0, or the channel never leaves BAD");
        }
    }

    /** Whether this model never loses a datagram. */
    public boolean isOff() {
        return p == 0 || lossInBad == 0;
    }

    /** The long-run fraction of datagrams lost. */
    public double meanLossRate() {
        return lossInBad * p / (p + r);
    }

    /** The mean number of consecutive datagrams that cross in BAD. */
    public double meanBadRun() {
        return 1 / r;
    }

    /**
     * Reads {@code P:R} or {@code P:R:H}.
     *
     * @param text the text
     * @return the model
     */
    public static GilbertElliott parse(String text) {
        if (text.trim().equals("off")) {
            return OFF;
        }
        String[] parts = text.trim().split(":");
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("burst '" + text + "' must be P:R or P:R:H (probabilities)");
        }
        return new GilbertElliott(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]),
                parts.length == 3 ? Double.parseDouble(parts[2]) : 1.0);
    }

    @Override
    public String toString() {
        return isOff() ? "off" : p + ":" + r + ":" + lossInBad;
    }
}
