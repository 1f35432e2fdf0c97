package io.synack.api;

/** The peer reset an established connection with an acceptable RST (RFC 9293 §3.10.7.4; RFC 5961 §3.2). */
public class ConnectionResetException extends SynackException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, naming the connection */
    public ConnectionResetException(String message) {
        super(message);
    }
}
