package io.synack.core.wire;

/**
 * The outcome of {@link TcpCodec#decode}: {@link #OK}, or why the datagram is malformed and must be
 * dropped (RFC 9293 §3.10.7: a segment that cannot be parsed is not processed further). Each
 * failure has a stable {@link #reason()} used as the key of the "drops by reason" statistics.
 */
public enum DecodeStatus {
    /** The segment was decoded. */
    OK("ok"),
    /** Fewer than {@value TcpCodec#MIN_HEADER_LENGTH} bytes: not even a fixed header (RFC 9293 §3.1). */
    SHORT_HEADER("short-header"),
    /** Data Offset below 5 words or beyond the end of the datagram (RFC 9293 §3.1 "Data Offset"). */
    BAD_DATA_OFFSET("bad-data-offset"),
    /**
     * An option whose length octet is 0 or 1, or that runs past the end of the header
     * (RFC 9293 §3.2, MUST-7: "TCP implementations MUST be prepared to handle an illegal option
     * length (e.g., zero); a suggested procedure is to reset the connection and log the error
     * cause" — we drop and count instead, as Linux does, so that a forged segment cannot reset
     * anything).
     */
    BAD_OPTION_LENGTH("bad-option-length"),
    /** The checksum over the pseudo-header, header and data is wrong (RFC 9293 §3.1, MUST-2/MUST-3). */
    BAD_CHECKSUM("bad-checksum");

    private final String reason;

    DecodeStatus(String reason) {
        this.reason = reason;
    }

    /** The statistics key: {@code ok}, {@code short-header}, {@code bad-data-offset}, {@code bad-option-length}, {@code bad-checksum}. */
    public String reason() {
        return reason;
    }
}
