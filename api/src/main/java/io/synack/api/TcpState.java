package io.synack.api;

/**
 * The eleven connection states of RFC 9293 §3.3.2. {@link #toString()} returns the RFC's name
 * ({@code SYN-SENT}, {@code TIME-WAIT}), which is what every log line, diagram and error shows.
 */
public enum TcpState {
    /** No connection state at all (RFC 9293 §3.3.2: "fictional because it represents the state when there is no TCB"). */
    CLOSED("CLOSED"),
    /** Waiting for a connection request from any remote TCP and port. */
    LISTEN("LISTEN"),
    /** Waiting for a matching connection request after having sent one. */
    SYN_SENT("SYN-SENT"),
    /** Waiting for a confirming acknowledgment after having both received and sent a connection request. */
    SYN_RECEIVED("SYN-RECEIVED"),
    /** An open connection: data received can be delivered to the user. */
    ESTABLISHED("ESTABLISHED"),
    /** Waiting for a termination request from the remote TCP, or an acknowledgment of the one sent. */
    FIN_WAIT_1("FIN-WAIT-1"),
    /** Waiting for a termination request from the remote TCP. */
    FIN_WAIT_2("FIN-WAIT-2"),
    /** Waiting for a termination request from the local user. */
    CLOSE_WAIT("CLOSE-WAIT"),
    /** Waiting for a termination request acknowledgment from the remote TCP (simultaneous close). */
    CLOSING("CLOSING"),
    /** Waiting for an acknowledgment of the termination request previously sent to the remote TCP. */
    LAST_ACK("LAST-ACK"),
    /** Waiting for enough time (2×MSL) to pass to be sure the remote TCP received the acknowledgment of its termination request. */
    TIME_WAIT("TIME-WAIT");

    private final String rfcName;

    TcpState(String rfcName) {
        this.rfcName = rfcName;
    }

    /** The state's name as RFC 9293 writes it, e.g. {@code SYN-RECEIVED}. */
    public String rfcName() {
        return rfcName;
    }

    /**
     * Whether the connection is synchronized (RFC 9293 §3.10.7.4: ESTABLISHED, FIN-WAIT-1,
     * FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT).
     */
    public boolean isSynchronized() {
        return ordinal() >= ESTABLISHED.ordinal();
    }

    /** Parses an RFC name ({@code "FIN-WAIT-1"}) or a Java constant name ({@code "FIN_WAIT_1"}). */
    public static TcpState fromRfcName(String name) {
        for (TcpState s : values()) {
            if (s.rfcName.equalsIgnoreCase(name) || s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown TCP state '" + name + "'; allowed: CLOSED, LISTEN, SYN-SENT, "
                + "SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT");
    }

    @Override
    public String toString() {
        return rfcName;
    }
}
