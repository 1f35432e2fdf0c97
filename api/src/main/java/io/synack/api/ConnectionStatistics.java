package io.synack.api;

/**
 * A snapshot of one connection's counters.
 *
 * @param segmentsSent segments transmitted, retransmissions included
 * @param segmentsReceived segments accepted for this connection
 * @param retransmissions segments retransmitted (RFC 6298 timeouts and fast retransmits)
 * @param bytesSent payload bytes handed to the transport, first transmissions only
 * @param bytesReceived payload bytes delivered in order to the receive buffer
 * @param smoothedRttNanos SRTT of RFC 6298 §2, or -1 before the first measurement
 * @param retransmissionTimeoutNanos the current RTO
 * @param peerMss the MSS the peer announced (or the RFC 9293 default, MUST-15)
 * @param sendWindow the peer's current window (SND.WND), scaled
 * @param receiveWindow the window we currently advertise (RCV.WND)
 */
public record ConnectionStatistics(
        long segmentsSent,
        long segmentsReceived,
        long retransmissions,
        long bytesSent,
        long bytesReceived,
        long smoothedRttNanos,
        long retransmissionTimeoutNanos,
        int peerMss,
        long sendWindow,
        long receiveWindow) {}
