package io.synack.spi;

import io.synack.api.SynackException;

/** An operation was attempted on a transport endpoint that was closed. */
public class TransportClosedException extends SynackException {
    private static final long serialVersionUID = 1L;

    /** @param message which endpoint, and what was attempted */
    public TransportClosedException(String message) {
        super(message);
    }
}
