package io.synack.core.architecture.violations.engine;

import java.io.IOException;
import java.net.DatagramSocket;

/** Opens a socket: I/O. */
public class SocketEngine {
    /** @return a socket */
    public DatagramSocket open() throws IOException {
        return new DatagramSocket();
    }
}
