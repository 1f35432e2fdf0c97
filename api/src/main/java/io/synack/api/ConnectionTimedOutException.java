package io.synack.api;

/** Retransmissions or the user timeout gave up (RFC 9293 §3.8.3, threshold R2; MUST-20). */
public class ConnectionTimedOutException extends SynackException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, naming the connection */
    public ConnectionTimedOutException(String message) {
        super(message);
    }
}
