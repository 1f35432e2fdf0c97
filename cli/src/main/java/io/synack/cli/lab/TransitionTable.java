package io.synack.cli.lab;

import io.synack.api.TcpState;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The state transitions RFC 9293's connection state diagram (Figure 5, §3.3.2) allows, plus the
 * edges its event processing adds: any state to CLOSED on RST, user timeout or ABORT
 * (§3.10.7.4 "second, check the RST bit", §3.10.8, §3.10.4), and SYN-RECEIVED back to LISTEN when
 * a passively opened connection is reset (§3.10.7.4, "If this connection was initiated with a
 * passive OPEN ... return this connection to LISTEN state").
 */
public final class TransitionTable {

    private static final Map<TcpState, Set<TcpState>> ALLOWED = new EnumMap<>(TcpState.class);

    static {
        allow(TcpState.CLOSED, TcpState.LISTEN, TcpState.SYN_SENT); // passive / active OPEN
        allow(TcpState.LISTEN, TcpState.SYN_RECEIVED, TcpState.SYN_SENT, TcpState.CLOSED); // rcv SYN / SEND / CLOSE
        allow(TcpState.SYN_SENT, TcpState.SYN_RECEIVED, TcpState.ESTABLISHED, TcpState.CLOSED); // simultaneous open
        allow(TcpState.SYN_RECEIVED, TcpState.ESTABLISHED, TcpState.FIN_WAIT_1, TcpState.LISTEN, TcpState.CLOSED);
        allow(TcpState.ESTABLISHED, TcpState.FIN_WAIT_1, TcpState.CLOSE_WAIT, TcpState.CLOSED);
        // FIN-WAIT-1 -> TIME-WAIT: "rcv FIN, ACK of our FIN" in one segment (§3.10.7.4, eighth step)
        allow(TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2, TcpState.CLOSING, TcpState.TIME_WAIT, TcpState.CLOSED);
        allow(TcpState.FIN_WAIT_2, TcpState.TIME_WAIT, TcpState.CLOSED);
        allow(TcpState.CLOSE_WAIT, TcpState.LAST_ACK, TcpState.CLOSED);
        allow(TcpState.CLOSING, TcpState.TIME_WAIT, TcpState.CLOSED);
        allow(TcpState.LAST_ACK, TcpState.CLOSED);
        allow(TcpState.TIME_WAIT, TcpState.CLOSED); // 2*MSL timeout (or RST, RFC 1337 notwithstanding)
    }

    private TransitionTable() {}

    private static void allow(TcpState from, TcpState... to) {
        ALLOWED.put(from, Set.copyOf(EnumSet.of(to[0], to)));
    }

    /**
     * Whether the diagram allows {@code from -> to}.
     *
     * @param from the state before
     * @param to the state after
     * @return true if the RFC allows the transition
     */
    public static boolean allows(TcpState from, TcpState to) {
        return ALLOWED.getOrDefault(from, Set.of()).contains(to);
    }

    /**
     * The states reachable from {@code from} in one step.
     *
     * @param from the state
     * @return the allowed successors
     */
    public static Set<TcpState> successors(TcpState from) {
        return ALLOWED.getOrDefault(from, Set.of());
    }
}
