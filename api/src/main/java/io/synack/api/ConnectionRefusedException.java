package io.synack.api;

/** The peer answered the SYN with RST: nobody listens on that port (RFC 9293 §3.10.7.3, SYN-SENT). */
public class ConnectionRefusedException extends SynackException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, naming the connection */
    public ConnectionRefusedException(String message) {
        super(message);
    }
}
