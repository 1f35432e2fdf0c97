package io.synack.api;

import java.io.IOException;

/**
 * The base of every error a connection or stack reports to the application. It is an
 * {@link IOException} so that the blocking streams of a {@link TcpConnection} throw it directly.
 */
public class SynackException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, in words a user can act on */
    public SynackException(String message) {
        super(message);
    }

    /**
     * @param message what happened
     * @param cause the underlying error
     */
    public SynackException(String message, Throwable cause) {
        super(message, cause);
    }
}
