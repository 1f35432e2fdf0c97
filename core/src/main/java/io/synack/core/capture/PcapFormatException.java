package io.synack.core.capture;

import java.io.IOException;

/** A pcap file that is not one, is of an unsupported kind, or ends in the middle of a record. */
public final class PcapFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, and where */
    public PcapFormatException(String message) {
        super(message);
    }
}
