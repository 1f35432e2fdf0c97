package io.synack.spi;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Sees every datagram that crosses a transport, with its fate: the source of ladder diagrams,
 * pcap files and test assertions. Called on the thread that moved the datagram.
 */
@FunctionalInterface
public interface DatagramRecorder {

    /** A recorder that records nothing. */
    DatagramRecorder NONE = (t, s, d, seg, f, detail) -> { };

    /**
     * @param timeNanos the scheduler's clock when it happened
     * @param source IP source
     * @param destination IP destination
     * @param segment the TCP segment bytes from position to limit; valid only during this call and
     *     not to be modified
     * @param fate what happened to it
     * @param detail why (for drops: the reason; for delays: until when), or empty
     */
    void record(long timeNanos, InetAddress source, InetAddress destination, ByteBuffer segment,
            DatagramFate fate, String detail);
}
