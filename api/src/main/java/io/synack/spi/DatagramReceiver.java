package io.synack.spi;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Where a transport hands the datagrams it receives. Called on the stack's {@link Scheduler}
 * thread.
 */
@FunctionalInterface
public interface DatagramReceiver {
    /**
     * One IP datagram's payload arrived.
     *
     * @param source the IP source address
     * @param destination the IP destination address (one of the transport's local addresses)
     * @param segment the TCP segment bytes, from position to limit; valid only during this call
     *     (the transport may reuse the buffer afterwards)
     */
    void receive(InetAddress source, InetAddress destination, ByteBuffer segment);
}
