package io.synack.cli.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.synack.api.TcpState;
import io.synack.core.trace.TraceEntry;
import io.synack.core.trace.TraceEntry.StateEntry;
import io.synack.core.wire.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property-style: random connections (random ISNs, so sequence numbers wrap around 2^32 in some,
 * random data in both directions, an ACK and a FIN sometimes combined) closed in each of the three
 * ways of RFC 9293 §3.6 must be inferred as exactly the state paths of Figure 5.
 */
class StateInferenceTest {

    private static final int S = Segment.SYN;
    private static final int A = Segment.ACK;
    private static final int F = Segment.FIN;
    private static final int P = Segment.PSH;

    private enum Close { CLIENT_FIRST, SERVER_FIRST, SIMULTANEOUS }

    static Stream<Long> seeds() {
        return IntStream.range(0, 300).mapToObj(i -> 0x5EED0000L + i);
    }

    /** Drives the inference like a capture would, tracking both sides' next sequence numbers. */
    private static final class Script {
        final List<TraceEntry> entries = new ArrayList<>();
        final StateInference states = new StateInference(entries, true, 0);
        int clientNext;
        int serverNext;
        long time;

        void segment(boolean fromClient, int flags, int length) {
            int seq = fromClient ? clientNext : serverNext;
            int ack = fromClient ? serverNext : clientNext;
            states.segment(++time, fromClient, flags, seq, ack, length);
            int advance = length + ((flags & S) != 0 ? 1 : 0) + ((flags & F) != 0 ? 1 : 0);
            if (fromClient) {
                clientNext += advance;
            } else {
                serverNext += advance;
            }
        }

        List<TcpState> path(boolean left) {
            List<TcpState> path = new ArrayList<>();
            for (TraceEntry e : entries) {
                if (e instanceof StateEntry s && s.left() == left) {
                    path.add(s.state());
                }
            }
            return path;
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void everyOrderlyCloseIsInferredAsTheStatePathOfFigure5(long seed) {
        Random random = new Random(seed);
        Script s = new Script();
        // Near the wrap-around point half of the time.
        s.clientNext = random.nextBoolean() ? random.nextInt() : -1 - random.nextInt(3000);
        s.serverNext = random.nextBoolean() ? random.nextInt() : -1 - random.nextInt(3000);
        s.states.segment(++s.time, true, S, s.clientNext, 0, 0);
        s.clientNext++;
        s.segment(false, S | A, 0);
        s.segment(true, A, 0);
        for (int i = random.nextInt(6); i > 0; i--) {
            boolean fromClient = random.nextBoolean();
            s.segment(fromClient, P | A, 1 + random.nextInt(1460));
            s.segment(!fromClient, A, 0);
        }
        Close close = Close.values()[random.nextInt(3)];
        boolean combine = random.nextBoolean();
        switch (close) {
            case CLIENT_FIRST, SERVER_FIRST -> {
                boolean client = close == Close.CLIENT_FIRST;
                s.segment(client, F | A, 0);
                if (!combine) {
                    s.segment(!client, A, 0);
                    for (int i = random.nextInt(3); i > 0; i--) {
                        // Half-close: the other side still sends, the closer still acknowledges.
                        s.segment(!client, P | A, 1 + random.nextInt(100));
                        s.segment(client, A, 0);
                    }
                }
                s.segment(!client, F | A, 0);
                s.segment(client, A, 0);
                List<TcpState> active = List.of(TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2, TcpState.TIME_WAIT);
                List<TcpState> passive = List.of(TcpState.CLOSE_WAIT, TcpState.LAST_ACK, TcpState.CLOSED);
                assertEquals(concat(List.of(TcpState.SYN_SENT, TcpState.ESTABLISHED), client ? active : passive),
                        s.path(true), close + " " + s.entries);
                assertEquals(concat(List.of(TcpState.LISTEN, TcpState.SYN_RECEIVED, TcpState.ESTABLISHED),
                        client ? passive : active), s.path(false), close + " " + s.entries);
            }
            case SIMULTANEOUS -> {
                // Both FINs leave before either arrives: the second one's ACK field is old.
                int clientFin = s.clientNext;
                int serverFin = s.serverNext;
                s.states.segment(++s.time, true, F | A, clientFin, serverFin, 0);
                s.states.segment(++s.time, false, F | A, serverFin, clientFin, 0);
                s.states.segment(++s.time, false, A, serverFin + 1, clientFin + 1, 0);
                s.states.segment(++s.time, true, A, clientFin + 1, serverFin + 1, 0);
                List<TcpState> closing = List.of(TcpState.FIN_WAIT_1, TcpState.CLOSING, TcpState.TIME_WAIT);
                assertEquals(concat(List.of(TcpState.SYN_SENT, TcpState.ESTABLISHED), closing), s.path(true),
                        s.entries.toString());
                assertEquals(concat(List.of(TcpState.LISTEN, TcpState.SYN_RECEIVED, TcpState.ESTABLISHED), closing),
                        s.path(false), s.entries.toString());
            }
        }
    }

    private static List<TcpState> concat(List<TcpState> a, List<TcpState> b) {
        List<TcpState> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
