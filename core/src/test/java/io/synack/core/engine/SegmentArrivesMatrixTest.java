package io.synack.core.engine;

import static io.synack.core.engine.Fixture.LOCAL_ISS;
import static io.synack.core.engine.Fixture.REMOTE_ISS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.synack.api.TcpState;
import io.synack.core.wire.Segment;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The SEGMENT ARRIVES rules of RFC 9293 §3.10.7 as a matrix: for each state, each kind of segment,
 * at an exact (SEG.SEQ = RCV.NXT), in-window (RCV.NXT + 100) or out-of-window (RCV.NXT + 70000,
 * beyond the 65535 window) sequence number, the exact segments the engine sends and the state after.
 * The ACK field carries the fixture's SND.NXT (acceptable) unless said otherwise.
 */
class SegmentArrivesMatrixTest {

    enum Kind {
        SYN(Segment.SYN, 0), SYN_ACK(Segment.SYN | Segment.ACK, 0), ACK(Segment.ACK, 0), FIN(Segment.FIN, 0),
        FIN_ACK(Segment.FIN | Segment.ACK, 0), RST(Segment.RST, 0), RST_ACK(Segment.RST | Segment.ACK, 0),
        DATA(Segment.PSH | Segment.ACK, 10);

        final int flags;
        final int length;

        Kind(int flags, int length) {
            this.flags = flags;
            this.length = length;
        }
    }

    /** Fixture, its RCV.NXT and SND.NXT. */
    private record Setup(Supplier<Fixture> fixture, int rcvNxt, int sndNxt) {}

    private static Setup setup(String state) {
        return switch (state) {
            case "SYN-RECEIVED" -> new Setup(Fixture::inSynReceived, REMOTE_ISS + 1, LOCAL_ISS + 1);
            case "ESTABLISHED" -> new Setup(Fixture::inEstablished, REMOTE_ISS + 1, LOCAL_ISS + 1);
            case "FIN-WAIT-1" -> new Setup(Fixture::inFinWait1, REMOTE_ISS + 1, LOCAL_ISS + 2);
            case "FIN-WAIT-2" -> new Setup(Fixture::inFinWait2, REMOTE_ISS + 1, LOCAL_ISS + 2);
            case "CLOSE-WAIT" -> new Setup(Fixture::inCloseWait, REMOTE_ISS + 2, LOCAL_ISS + 1);
            case "CLOSING" -> new Setup(Fixture::inClosing, REMOTE_ISS + 2, LOCAL_ISS + 2);
            case "LAST-ACK" -> new Setup(Fixture::inLastAck, REMOTE_ISS + 2, LOCAL_ISS + 2);
            case "TIME-WAIT" -> new Setup(Fixture::inTimeWait, REMOTE_ISS + 2, LOCAL_ISS + 2);
            default -> throw new IllegalArgumentException(state);
        };
    }

    private static List<String> expected(String column) {
        return column.equals("none") ? List.of() : Arrays.asList(column.split(";"));
    }

    /** RFC 9293 §3.10.7.4 (with RFC 5961 §3-§5) in SYN-RECEIVED and every synchronized state. */
    @ParameterizedTest(name = "{0} + {1} at {2} -> [{3}] {4}")
    @CsvSource(delimiter = '|', textBlock = """
            # state      | kind    | pos   | sent             | state after
            # --- SYN-RECEIVED (passive; SND.UNA 1000): §3.10.7.4 with MUST-11
            SYN-RECEIVED | SYN     | EXACT | none             | LISTEN
            SYN-RECEIVED | SYN     | IN    | none             | LISTEN
            SYN-RECEIVED | SYN     | OUT   | . 1001 5001      | SYN-RECEIVED
            SYN-RECEIVED | SYN_ACK | EXACT | none             | LISTEN
            SYN-RECEIVED | SYN_ACK | OUT   | . 1001 5001      | SYN-RECEIVED
            SYN-RECEIVED | ACK     | EXACT | none             | ESTABLISHED
            SYN-RECEIVED | ACK     | IN    | none             | ESTABLISHED
            SYN-RECEIVED | ACK     | OUT   | . 1001 5001      | SYN-RECEIVED
            SYN-RECEIVED | FIN     | EXACT | none             | SYN-RECEIVED
            SYN-RECEIVED | FIN     | OUT   | . 1001 5001      | SYN-RECEIVED
            SYN-RECEIVED | FIN_ACK | EXACT | . 1001 5002      | CLOSE-WAIT
            SYN-RECEIVED | FIN_ACK | IN    | . 1001 5001      | ESTABLISHED
            SYN-RECEIVED | FIN_ACK | OUT   | . 1001 5001      | SYN-RECEIVED
            SYN-RECEIVED | RST     | EXACT | none             | LISTEN
            SYN-RECEIVED | RST     | IN    | . 1001 5001      | SYN-RECEIVED
            SYN-RECEIVED | RST     | OUT   | none             | SYN-RECEIVED
            SYN-RECEIVED | RST_ACK | EXACT | none             | LISTEN
            SYN-RECEIVED | RST_ACK | OUT   | none             | SYN-RECEIVED
            SYN-RECEIVED | DATA    | EXACT | . 1001 5011      | ESTABLISHED
            SYN-RECEIVED | DATA    | IN    | . 1001 5001      | ESTABLISHED
            SYN-RECEIVED | DATA    | OUT   | . 1001 5001      | SYN-RECEIVED
            # --- ESTABLISHED
            ESTABLISHED  | SYN     | EXACT | . 1001 5001      | ESTABLISHED
            ESTABLISHED  | SYN     | IN    | . 1001 5001      | ESTABLISHED
            ESTABLISHED  | SYN     | OUT   | . 1001 5001      | ESTABLISHED
            ESTABLISHED  | SYN_ACK | EXACT | . 1001 5001      | ESTABLISHED
            ESTABLISHED  | SYN_ACK | OUT   | . 1001 5001      | ESTABLISHED
            ESTABLISHED  | ACK     | EXACT | none             | ESTABLISHED
            ESTABLISHED  | ACK     | IN    | none             | ESTABLISHED
            ESTABLISHED  | ACK     | OUT   | . 1001 5001      | ESTABLISHED
            ESTABLISHED  | FIN     | EXACT | none             | ESTABLISHED
            ESTABLISHED  | FIN     | OUT   | . 1001 5001      | ESTABLISHED
            ESTABLISHED  | FIN_ACK | EXACT | . 1001 5002      | CLOSE-WAIT
            ESTABLISHED  | FIN_ACK | IN    | . 1001 5001      | ESTABLISHED
            ESTABLISHED  | FIN_ACK | OUT   | . 1001 5001      | ESTABLISHED
            ESTABLISHED  | RST     | EXACT | none             | CLOSED
            ESTABLISHED  | RST     | IN    | . 1001 5001      | ESTABLISHED
            ESTABLISHED  | RST     | OUT   | none             | ESTABLISHED
            ESTABLISHED  | RST_ACK | EXACT | none             | CLOSED
            ESTABLISHED  | RST_ACK | IN    | . 1001 5001      | ESTABLISHED
            ESTABLISHED  | RST_ACK | OUT   | none             | ESTABLISHED
            ESTABLISHED  | DATA    | EXACT | . 1001 5011      | ESTABLISHED
            ESTABLISHED  | DATA    | IN    | . 1001 5001      | ESTABLISHED
            ESTABLISHED  | DATA    | OUT   | . 1001 5001      | ESTABLISHED
            # --- FIN-WAIT-1 (SND.UNA 1001, our FIN is 1001; the ACK field 1002 acknowledges it)
            FIN-WAIT-1   | SYN     | EXACT | . 1002 5001      | FIN-WAIT-1
            FIN-WAIT-1   | SYN     | OUT   | . 1002 5001      | FIN-WAIT-1
            FIN-WAIT-1   | SYN_ACK | IN    | . 1002 5001      | FIN-WAIT-1
            FIN-WAIT-1   | ACK     | EXACT | none             | FIN-WAIT-2
            FIN-WAIT-1   | ACK     | IN    | none             | FIN-WAIT-2
            FIN-WAIT-1   | ACK     | OUT   | . 1002 5001      | FIN-WAIT-1
            FIN-WAIT-1   | FIN     | EXACT | none             | FIN-WAIT-1
            FIN-WAIT-1   | FIN     | OUT   | . 1002 5001      | FIN-WAIT-1
            FIN-WAIT-1   | FIN_ACK | EXACT | . 1002 5002      | TIME-WAIT
            FIN-WAIT-1   | FIN_ACK | IN    | . 1002 5001      | FIN-WAIT-2
            FIN-WAIT-1   | FIN_ACK | OUT   | . 1002 5001      | FIN-WAIT-1
            FIN-WAIT-1   | RST     | EXACT | none             | CLOSED
            FIN-WAIT-1   | RST     | IN    | . 1002 5001      | FIN-WAIT-1
            FIN-WAIT-1   | RST     | OUT   | none             | FIN-WAIT-1
            FIN-WAIT-1   | RST_ACK | EXACT | none             | CLOSED
            FIN-WAIT-1   | DATA    | EXACT | . 1002 5011      | FIN-WAIT-2
            FIN-WAIT-1   | DATA    | IN    | . 1002 5001      | FIN-WAIT-2
            FIN-WAIT-1   | DATA    | OUT   | . 1002 5001      | FIN-WAIT-1
            # --- FIN-WAIT-2: half-closed, still receiving
            FIN-WAIT-2   | SYN     | EXACT | . 1002 5001      | FIN-WAIT-2
            FIN-WAIT-2   | SYN_ACK | OUT   | . 1002 5001      | FIN-WAIT-2
            FIN-WAIT-2   | ACK     | EXACT | none             | FIN-WAIT-2
            FIN-WAIT-2   | ACK     | OUT   | . 1002 5001      | FIN-WAIT-2
            FIN-WAIT-2   | FIN     | EXACT | none             | FIN-WAIT-2
            FIN-WAIT-2   | FIN     | OUT   | . 1002 5001      | FIN-WAIT-2
            FIN-WAIT-2   | FIN_ACK | EXACT | . 1002 5002      | TIME-WAIT
            FIN-WAIT-2   | FIN_ACK | IN    | . 1002 5001      | FIN-WAIT-2
            FIN-WAIT-2   | FIN_ACK | OUT   | . 1002 5001      | FIN-WAIT-2
            FIN-WAIT-2   | RST     | EXACT | none             | CLOSED
            FIN-WAIT-2   | RST     | IN    | . 1002 5001      | FIN-WAIT-2
            FIN-WAIT-2   | RST     | OUT   | none             | FIN-WAIT-2
            FIN-WAIT-2   | RST_ACK | EXACT | none             | CLOSED
            FIN-WAIT-2   | DATA    | EXACT | . 1002 5011      | FIN-WAIT-2
            FIN-WAIT-2   | DATA    | IN    | . 1002 5001      | FIN-WAIT-2
            FIN-WAIT-2   | DATA    | OUT   | . 1002 5001      | FIN-WAIT-2
            # --- CLOSE-WAIT: the peer's FIN is in; text is ignored
            CLOSE-WAIT   | SYN     | EXACT | . 1001 5002      | CLOSE-WAIT
            CLOSE-WAIT   | SYN_ACK | IN    | . 1001 5002      | CLOSE-WAIT
            CLOSE-WAIT   | ACK     | EXACT | none             | CLOSE-WAIT
            CLOSE-WAIT   | ACK     | OUT   | . 1001 5002      | CLOSE-WAIT
            CLOSE-WAIT   | FIN     | EXACT | none             | CLOSE-WAIT
            CLOSE-WAIT   | FIN     | OUT   | . 1001 5002      | CLOSE-WAIT
            CLOSE-WAIT   | FIN_ACK | EXACT | . 1001 5002      | CLOSE-WAIT
            CLOSE-WAIT   | FIN_ACK | OUT   | . 1001 5002      | CLOSE-WAIT
            CLOSE-WAIT   | RST     | EXACT | none             | CLOSED
            CLOSE-WAIT   | RST     | IN    | . 1001 5002      | CLOSE-WAIT
            CLOSE-WAIT   | RST     | OUT   | none             | CLOSE-WAIT
            CLOSE-WAIT   | RST_ACK | EXACT | none             | CLOSED
            CLOSE-WAIT   | DATA    | EXACT | . 1001 5002      | CLOSE-WAIT
            CLOSE-WAIT   | DATA    | IN    | . 1001 5002      | CLOSE-WAIT
            CLOSE-WAIT   | DATA    | OUT   | . 1001 5002      | CLOSE-WAIT
            # --- CLOSING (SND.UNA 1001, FIN 1001 unacknowledged)
            CLOSING      | SYN     | EXACT | . 1002 5002      | CLOSING
            CLOSING      | SYN_ACK | OUT   | . 1002 5002      | CLOSING
            CLOSING      | ACK     | EXACT | none             | TIME-WAIT
            CLOSING      | ACK     | IN    | none             | TIME-WAIT
            CLOSING      | ACK     | OUT   | . 1002 5002      | CLOSING
            CLOSING      | FIN     | EXACT | none             | CLOSING
            CLOSING      | FIN     | OUT   | . 1002 5002      | CLOSING
            CLOSING      | FIN_ACK | EXACT | none             | TIME-WAIT
            CLOSING      | FIN_ACK | OUT   | . 1002 5002      | CLOSING
            CLOSING      | RST     | EXACT | none             | CLOSED
            CLOSING      | RST     | IN    | . 1002 5002      | CLOSING
            CLOSING      | RST     | OUT   | none             | CLOSING
            CLOSING      | RST_ACK | EXACT | none             | CLOSED
            CLOSING      | DATA    | EXACT | none             | TIME-WAIT
            CLOSING      | DATA    | OUT   | . 1002 5002      | CLOSING
            # --- LAST-ACK: "The only thing that can arrive in this state is an acknowledgment of our FIN"
            LAST-ACK     | SYN     | EXACT | . 1002 5002      | LAST-ACK
            LAST-ACK     | SYN_ACK | OUT   | . 1002 5002      | LAST-ACK
            LAST-ACK     | ACK     | EXACT | none             | CLOSED
            LAST-ACK     | ACK     | IN    | none             | CLOSED
            LAST-ACK     | ACK     | OUT   | . 1002 5002      | LAST-ACK
            LAST-ACK     | FIN     | EXACT | none             | LAST-ACK
            LAST-ACK     | FIN     | OUT   | . 1002 5002      | LAST-ACK
            LAST-ACK     | FIN_ACK | EXACT | none             | CLOSED
            LAST-ACK     | FIN_ACK | OUT   | . 1002 5002      | LAST-ACK
            LAST-ACK     | RST     | EXACT | none             | CLOSED
            LAST-ACK     | RST     | IN    | . 1002 5002      | LAST-ACK
            LAST-ACK     | RST     | OUT   | none             | LAST-ACK
            LAST-ACK     | RST_ACK | EXACT | none             | CLOSED
            LAST-ACK     | DATA    | EXACT | none             | CLOSED
            LAST-ACK     | DATA    | OUT   | . 1002 5002      | LAST-ACK
            # --- TIME-WAIT (compact entry)
            TIME-WAIT    | SYN     | EXACT | . 1002 5002      | TIME-WAIT
            TIME-WAIT    | SYN     | OUT   | . 1002 5002      | TIME-WAIT
            TIME-WAIT    | SYN_ACK | IN    | . 1002 5002      | TIME-WAIT
            TIME-WAIT    | ACK     | EXACT | none             | TIME-WAIT
            TIME-WAIT    | ACK     | IN    | none             | TIME-WAIT
            TIME-WAIT    | ACK     | OUT   | . 1002 5002      | TIME-WAIT
            TIME-WAIT    | FIN     | EXACT | none             | TIME-WAIT
            TIME-WAIT    | FIN     | OUT   | . 1002 5002      | TIME-WAIT
            TIME-WAIT    | FIN_ACK | EXACT | none             | TIME-WAIT
            TIME-WAIT    | FIN_ACK | OUT   | . 1002 5002      | TIME-WAIT
            TIME-WAIT    | RST     | EXACT | none             | CLOSED
            TIME-WAIT    | RST     | IN    | . 1002 5002      | TIME-WAIT
            TIME-WAIT    | RST     | OUT   | none             | TIME-WAIT
            TIME-WAIT    | RST_ACK | EXACT | none             | CLOSED
            TIME-WAIT    | DATA    | EXACT | . 1002 5002      | TIME-WAIT
            TIME-WAIT    | DATA    | OUT   | . 1002 5002      | TIME-WAIT
            """)
    void synchronizedAndSynReceived(String state, Kind kind, String pos, String sent, String after) {
        Setup s = setup(state);
        Fixture f = s.fixture.get();
        int seq = switch (pos) {
            case "EXACT" -> s.rcvNxt;
            case "IN" -> s.rcvNxt + 100;
            default -> s.rcvNxt + 70_000;
        };
        f.feed(kind.flags, seq, s.sndNxt, kind.length);
        assertEquals(expected(sent), f.out());
        TcpState expectedState = TcpState.fromRfcName(after);
        if (expectedState == TcpState.LISTEN) {
            // MUST-11: a passive child returns to LISTEN: the child is gone, the listener remains.
            assertEquals(TcpState.CLOSED, f.engine.state(f.handle));
            assertEquals(0, f.engine.backlogInUse(f.listener));
            assertEquals(0, f.engine.tcbCount());
        } else {
            assertEquals(expectedState, f.engine.state(f.handle));
        }
    }

    /** RFC 9293 §3.10.7.3 SYN-SENT: GOOD = SEG.ACK acknowledges our SYN (1001); BAD = 5555. */
    @ParameterizedTest(name = "SYN-SENT + {0} ack {1} -> [{2}] {3}")
    @CsvSource(delimiter = '|', textBlock = """
            SYN     | GOOD | S. 1000 5001 | SYN-RECEIVED
            SYN     | BAD  | S. 1000 5001 | SYN-RECEIVED
            SYN_ACK | GOOD | . 1001 5001  | ESTABLISHED
            SYN_ACK | BAD  | R 5555       | SYN-SENT
            ACK     | GOOD | none         | SYN-SENT
            ACK     | BAD  | R 5555       | SYN-SENT
            FIN     | GOOD | none         | SYN-SENT
            FIN_ACK | GOOD | none         | SYN-SENT
            FIN_ACK | BAD  | R 5555       | SYN-SENT
            RST     | GOOD | none         | SYN-SENT
            RST_ACK | GOOD | none         | CLOSED
            RST_ACK | BAD  | none         | SYN-SENT
            DATA    | GOOD | none         | SYN-SENT
            DATA    | BAD  | R 5555       | SYN-SENT
            """)
    void synSent(Kind kind, String ack, String sent, String after) {
        Fixture f = Fixture.inSynSent();
        f.feed(kind.flags, REMOTE_ISS, ack.equals("GOOD") ? LOCAL_ISS + 1 : 5555, kind.length);
        assertEquals(expected(sent), f.out());
        assertEquals(TcpState.fromRfcName(after), f.engine.state(f.handle));
    }

    /** RFC 9293 §3.10.7.2 LISTEN (SEG.SEQ 5000, SEG.ACK 7777 when the ACK bit is set). */
    @ParameterizedTest(name = "LISTEN + {0} -> [{1}], children {2}")
    @CsvSource(delimiter = '|', textBlock = """
            SYN     | S. 1000 5001 | 1
            SYN_ACK | R 7777       | 0
            ACK     | R 7777       | 0
            FIN     | none         | 0
            FIN_ACK | R 7777       | 0
            RST     | none         | 0
            RST_ACK | none         | 0
            DATA    | R 7777       | 0
            """)
    void listen(Kind kind, String sent, int children) {
        Fixture f = Fixture.inListen();
        f.feed(kind.flags, REMOTE_ISS, 7777, kind.length);
        assertEquals(expected(sent), f.out());
        assertEquals(children, f.engine.backlogInUse(f.listener));
        assertEquals(children, f.engine.tcbCount());
    }

    /** RFC 9293 §3.10.7.1 CLOSED (no TCB, no listener): SEG.SEQ 5000, SEG.ACK 7777. */
    @ParameterizedTest(name = "CLOSED + {0} -> [{1}]")
    @CsvSource(delimiter = '|', textBlock = """
            SYN     | R. 0 5001 
            SYN_ACK | R 7777
            ACK     | R 7777
            FIN     | R. 0 5001
            FIN_ACK | R 7777
            RST     | none
            RST_ACK | none
            DATA    | R 7777
            """)
    void closed(Kind kind, String sent) {
        Fixture f = Fixture.inClosed();
        f.feed(kind.flags, REMOTE_ISS, 7777, kind.length);
        assertEquals(expected(sent.strip()), f.out());
        assertEquals(0, f.engine.tcbCount());
    }
}
