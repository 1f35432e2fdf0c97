package io.synack.api;

import java.util.Map;

/**
 * A snapshot of a stack's counters.
 *
 * @param segmentsIn segments received from the transport (valid or not)
 * @param segmentsOut segments handed to the transport
 * @param retransmissions segments retransmitted
 * @param challengeAcks challenge ACKs sent (RFC 5961 §3.2, §4.2, §5.2)
 * @param resetsSent RSTs sent
 * @param drops dropped segments by reason ({@code "bad-checksum"}, {@code "out-of-window"},
 *     {@code "backlog-full"}, ...)
 * @param transitions state transitions by {@code "FROM => TO"}
 * @param connectionsByState live connections by state, TIME-WAIT included
 */
public record StackStatistics(
        long segmentsIn,
        long segmentsOut,
        long retransmissions,
        long challengeAcks,
        long resetsSent,
        Map<String, Long> drops,
        Map<String, Long> transitions,
        Map<TcpState, Integer> connectionsByState) {

    /** Live connections in {@code state}. */
    public int connectionsIn(TcpState state) {
        return connectionsByState.getOrDefault(state, 0);
    }

    /** Segments dropped for {@code reason}. */
    public long dropped(String reason) {
        return drops.getOrDefault(reason, 0L);
    }
}
