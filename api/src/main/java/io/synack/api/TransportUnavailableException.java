package io.synack.api;

/**
 * The configured transport cannot run on this machine (for example raw sockets without
 * {@code CAP_NET_RAW}). The message says why and what to do instead.
 */
public class TransportUnavailableException extends SynackException {
    private static final long serialVersionUID = 1L;

    private final String transport;

    /**
     * @param transport the transport's plugin name, e.g. {@code rawsocket}
     * @param cause a sentence saying why it cannot run and what to do about it
     */
    public TransportUnavailableException(String transport, String cause) {
        super("transport '" + transport + "' is not available here: " + cause);
        this.transport = transport;
    }

    /** The transport's plugin name. */
    public String transport() {
        return transport;
    }
}
