package io.synack.core.engine;

import io.synack.api.StackStatistics;
import io.synack.api.TcpState;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.agrona.collections.Object2LongHashMap;

/**
 * The stack's counters. Drop reasons are interned constant strings; transitions are counted in a
 * state × state matrix, so counting allocates nothing.
 */
final class EngineStatistics {
    private static final TcpState[] STATES = TcpState.values();
    private static final String[][] TRANSITION_NAMES = new String[STATES.length][STATES.length];

    static {
        for (TcpState a : STATES) {
            for (TcpState b : STATES) {
                TRANSITION_NAMES[a.ordinal()][b.ordinal()] = a.rfcName() + " => " + b.rfcName();
            }
        }
    }

    long segmentsIn;
    long segmentsOut;
    long retransmissions;
    long challengeAcks;
    long resetsSent;
    private final Object2LongHashMap<String> drops = new Object2LongHashMap<>(0L);
    private final long[][] transitions = new long[STATES.length][STATES.length];
    /** Live TCBs per state; TIME-WAIT entries are counted by the {@link TimeWaitTable}. */
    final int[] liveByState = new int[STATES.length];

    void drop(String reason) {
        drops.put(reason, drops.getValue(reason) + 1L);
    }

    long dropped(String reason) {
        return drops.getValue(reason);
    }

    void transition(TcpState from, TcpState to) {
        transitions[from.ordinal()][to.ordinal()]++;
    }

    static String transitionName(TcpState from, TcpState to) {
        return TRANSITION_NAMES[from.ordinal()][to.ordinal()];
    }

    StackStatistics snapshot(int timeWaitCount) {
        Map<String, Long> d = new LinkedHashMap<>();
        drops.forEach((k, v) -> d.put(k, v));
        Map<String, Long> t = new LinkedHashMap<>();
        for (TcpState a : STATES) {
            for (TcpState b : STATES) {
                long n = transitions[a.ordinal()][b.ordinal()];
                if (n > 0) {
                    t.put(TRANSITION_NAMES[a.ordinal()][b.ordinal()], n);
                }
            }
        }
        Map<TcpState, Integer> s = new EnumMap<>(TcpState.class);
        for (TcpState st : STATES) {
            int n = st == TcpState.TIME_WAIT ? liveByState[st.ordinal()] + timeWaitCount : liveByState[st.ordinal()];
            if (n > 0) {
                s.put(st, n);
            }
        }
        return new StackStatistics(segmentsIn, segmentsOut, retransmissions, challengeAcks, resetsSent,
                Collections.unmodifiableMap(d), Collections.unmodifiableMap(t), Collections.unmodifiableMap(s));
    }
}
