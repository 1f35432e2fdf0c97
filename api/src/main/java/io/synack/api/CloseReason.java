package io.synack.api;

/**
 * How a connection ended, so the application can tell a graceful close from an abort
 * (RFC 9293 §3.6, MUST-12: "the TCP implementation MUST inform the application whether the
 * connection was closed gracefully").
 */
public enum CloseReason {
    /** Both directions were closed with FIN and acknowledged. */
    GRACEFUL,
    /** The local application aborted the connection (RST sent). */
    ABORTED,
    /** The peer reset the connection (RST received in a synchronized state). */
    RESET,
    /** The peer answered the connection request with RST (RFC 9293 §3.10.7.3: "connection refused"). */
    REFUSED,
    /** Retransmissions or the user timeout gave up (RFC 9293 §3.8.3, R2). */
    TIMED_OUT,
    /** The local stack was shut down while the connection existed. */
    STACK_CLOSED
}
