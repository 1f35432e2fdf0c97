package io.synack.api;

/** An operation was attempted on a connection whose relevant direction is already closed (RFC 9293 §3.10.2: "connection closing"). */
public class ConnectionClosedException extends SynackException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, naming the connection */
    public ConnectionClosedException(String message) {
        super(message);
    }
}
