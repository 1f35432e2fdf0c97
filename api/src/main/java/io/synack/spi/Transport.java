package io.synack.spi;

import io.synack.api.SynackException;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * An open transport endpoint: it moves IP-level datagrams — source address, destination address,
 * TCP segment bytes — and nothing else. It knows no TCP: it neither parses nor checksums segments
 * (the engine computes the TCP checksum over the pseudo-header).
 */
public interface Transport extends AutoCloseable {

    /** The local IP address datagrams are sent from and received at. */
    InetAddress localAddress();

    /**
     * Sends one datagram from {@link #localAddress()} to {@code destination}. The bytes are consumed
     * (copied or written) before this returns, so the caller may reuse the buffer. Delivery is
     * best effort, as IP's is: a datagram may be lost without an error.
     *
     * @param destination the IP destination; same family as the local address
     * @param segment the TCP segment, from position to limit; position is advanced to limit
     * @throws TransportClosedException if this transport was closed
     * @throws SynackException if the segment is larger than {@link #maxSegmentSize()} or the
     *     destination's family differs from the local address's
     */
    void send(InetAddress destination, ByteBuffer segment) throws SynackException;

    /** The largest TCP segment (header and payload) one datagram carries. */
    int maxSegmentSize();

    /** Releases the endpoint: no datagram is delivered after this returns. Idempotent. */
    @Override
    void close();
}
