package io.synack.core.architecture.violations.engine;

import java.io.IOException;
import java.nio.channels.DatagramChannel;

/** Opens a channel: I/O. */
public class ChannelEngine {
    /** @return a channel */
    public DatagramChannel open() throws IOException {
        return DatagramChannel.open();
    }
}
