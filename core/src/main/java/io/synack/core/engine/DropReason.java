package io.synack.core.engine;

/** The keys under which the engine counts dropped segments in {@code StackStatistics.drops()}. */
public final class DropReason {
    private DropReason() {}

    /** A SYN found the listener's SYN queue or accept queue full. */
    public static final String BACKLOG_FULL = "backlog-full";
    /** The handshake-completing ACK found the accept queue full (Linux ListenOverflows). */
    public static final String ACCEPT_QUEUE_FULL = "accept-queue-full";
    /** A segment failed the RFC 9293 §3.10.7.4 acceptability test. */
    public static final String OUT_OF_WINDOW = "out-of-window";
    /** An RST that was not acceptable (RFC 5961 §3.2 / RFC 9293 §3.10.7). */
    public static final String BAD_RST = "bad-rst";
    /** An ACK acknowledging something not yet sent, or too old (RFC 5961 §5.2). */
    public static final String BAD_ACK = "bad-ack";
    /** A segment without ACK in a synchronized state (RFC 9293 §3.10.7.4, fifth step). */
    public static final String NO_ACK = "no-ack";
    /** A segment that no connection and no listener wants, answered by RST or not (§3.10.7.1). */
    public static final String NO_CONNECTION = "no-connection";
    /** Out-of-order text not kept: it would need more held ranges than {@link OutOfOrderRanges#MAX_RANGES}. */
    public static final String OUT_OF_ORDER = "out-of-order";
    /** A SYN carrying FIN in LISTEN (Linux drops these). */
    public static final String SYN_FIN = "syn-fin";
    /** A segment with port 0 or other impossible header values. */
    public static final String BAD_HEADER = "bad-header";
    /** A segment with neither SYN, RST nor ACK where one is required. */
    public static final String NO_CONTROL = "no-control";
    /** A SYN in a synchronized state (RFC 5961 §4), answered by a challenge ACK or not. */
    public static final String SYN_IN_WINDOW = "syn-in-synchronized-state";
    /** A challenge ACK suppressed by the rate limit (RFC 5961 §7). */
    public static final String CHALLENGE_ACK_LIMITED = "challenge-ack-rate-limited";
    /** A segment addressed to a multicast or broadcast address (MUST-57). */
    public static final String NOT_UNICAST = "not-unicast";
    /** A SYN from a multicast or unspecified source address. */
    public static final String BAD_ADDRESS = "bad-address";
    /** A segment with a timestamp older than TS.Recent (RFC 7323 §5 PAWS), answered by an ACK. */
    public static final String PAWS = "paws";
    /** Data arriving after the application closed the receiving direction (answered by RST, as Linux). */
    public static final String DATA_AFTER_CLOSE = "data-after-close";
}
