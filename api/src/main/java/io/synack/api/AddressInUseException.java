package io.synack.api;

/** The local address and port are already bound by a listener or a connection with the same 4-tuple. */
public class AddressInUseException extends SynackException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, naming the connection */
    public AddressInUseException(String message) {
        super(message);
    }
}
