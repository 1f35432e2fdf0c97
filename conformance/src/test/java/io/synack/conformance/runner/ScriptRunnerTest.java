package io.synack.conformance.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The runner on small scripts: one that passes, and deliberately wrong ones that must fail at the
 * right line with the right reason.
 */
class ScriptRunnerTest {

    /** Lines 1-7: a passive open; the peer's SYN carries only MSS, so no other option is used. */
    static final String PASSIVE = """
            0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0  bind(3, ..., ...) = 0
            +0  listen(3, 1) = 0
            +0  < S 0:0(0) win 65535 <mss 1460>
            +0  > S. 0:0(0) ack 1 win 65535 <mss 1460>
            +.1 < . 1:1(0) ack 1 win 65535
            +0  accept(3, ..., ...) = 4
            """;

    /** Lines 1-4: an active open, SYN sent at 0. */
    static final String ACTIVE = """
            0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0  fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
            +0  connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
            +0  > S 0:0(0) <...>
            """;

    static ScriptResult run(String text) {
        return run(text, ScriptRunner.Options.defaults());
    }

    static ScriptResult run(String text, ScriptRunner.Options options) {
        return new ScriptRunner(options).run("t.pkt", text);
    }

    static void assertOk(ScriptResult r) {
        assertEquals(ScriptResult.Status.OK, r.status(), r.summaryLine());
    }

    static void assertFails(ScriptResult r, int line, String... fragments) {
        assertEquals(ScriptResult.Status.FAIL, r.status(), r.summaryLine());
        assertEquals(line, r.line(), r.summaryLine());
        assertTrue(r.message().startsWith("expected "), r.message());
        for (String f : fragments) {
            assertTrue(r.message().contains(f), "'" + f + "' not in: " + r.summaryLine());
        }
    }

    @Test
    void aCorrectScriptPasses() {
        assertOk(run(PASSIVE + """
                +0  setsockopt(4, IPPROTO_TCP, TCP_NODELAY, [1], 4) = 0
                +0  write(4, ..., 2000) = 2000
                // two segments (MSS 1460) taken together up to the scripted length
                +0  > P. 1:2001(2000) ack 1 win 65535
                +.1 < . 1:1(0) ack 2001 win 65535
                +0  < F. 1:1(0) ack 2001 win 65535
                +0  > . 2001:2001(0) ack 2 win 65535
                +0  %{ assert tcpi_state == TCPI_CLOSE_WAIT }%
                +0  read(4, ..., 100) = 0
                +0  close(4) = 0
                +0  > F. 2001:2001(0) ack 2 win 65535
                +.1 < . 2:2(0) ack 2002 win 65535
                """));
    }

    @Test
    void wrongFlagsFailAtTheirLine() {
        assertFails(run(PASSIVE.replace("> S. 0:0(0)", "> S 0:0(0)")), 5, "expected > S 0:0(0)",
                "actual > S. 0:0(0) ack 1 win 65535 <mss 1460>", "flags S. instead of S");
    }

    @Test
    void wrongSequenceNumberFails() {
        assertFails(run(PASSIVE + """
                +0  write(4, ..., 10) = 10
                +0  > P. 2:12(10) ack 1 win 65535
                """), 9, "actual > P. 1:11(10) ack 1", "seq 1 instead of 2");
    }

    @Test
    void wrongAckFails() {
        assertFails(run(PASSIVE.replace("ack 1 win 65535 <mss", "ack 2 win 65535 <mss")), 5, "ack 1 instead of 2");
    }

    @Test
    void aLatePacketFails() {
        // the SYN is retransmitted after the initial RTO of 1 s (RFC 6298 §2.1), not 0.5 s
        assertFails(run(ACTIVE + "+.5 > S 0:0(0) <...>\n"), 5, "nothing sent by 0.5625 s",
                "first sent > S 0:0(0)", "at 1 s");
    }

    @Test
    void anEarlyPacketFails() {
        assertFails(run(ACTIVE + "+1.5 > S 0:0(0) <...>\n"), 5, "at 1.5 s", "at 1 s (too early)");
    }

    @Test
    void thePacketAtItsTimeWithinTolerancePasses() {
        assertOk(run(ACTIVE + "+1 > S 0:0(0) <...>\n+2 > S 0:0(0) <...>\n"));
        assertOk(run(ACTIVE + "+1.1 > S 0:0(0) <...>\n"), "12.5% of a 1.1 s gap covers 0.1 s");
        assertOk(run(ACTIVE + "* > S 0:0(0) <...>\n"));
        assertOk(run(ACTIVE + "+0.9~+1.2 > S 0:0(0) <...>\n"));
    }

    private static void assertOk(ScriptResult r, String why) {
        assertEquals(ScriptResult.Status.OK, r.status(), why + ": " + r.summaryLine());
    }

    @Test
    void absoluteTimesAfterALatePacketWithinToleranceRunAtOnce() {
        // the retransmitted SYN comes at 1 s, scripted at 0.95 (within 12.5%); the SYN,ACK at 0.97 runs at 1 s
        assertOk(run("""
                0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
                0    fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
                0    connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
                0    > S 0:0(0) <...>
                0.95 > S 0:0(0) <...>
                0.97 < S. 0:0(0) ack 1 win 65535 <mss 1460>
                1    > . 1:1(0) ack 1 win 65535
                """));
        assertFails(run(ACTIVE + "+1 > S 0:0(0) <...>\n0.5 close(3) = 0\n"), 6, "expected event times in order");
    }

    @Test
    void aMissingPacketFails() {
        assertFails(run(PASSIVE + "+0 > F. 1:1(0) ack 1 win 65535\n"), 8, "expected > F. 1:1(0)", "nothing sent by");
    }

    @Test
    void anExtraPacketFailsAtTheNextEvent() {
        assertFails(run(PASSIVE + """
                +0  write(4, ..., 10) = 10
                +.1 close(4) = 0
                """), 9, "expected no packet before +0.1 close(4) = 0", "actual > P. 1:11(10) ack 1", "unexpected packet");
    }

    @Test
    void aWrongReturnValueFails() {
        assertFails(run(PASSIVE.replace("accept(3, ..., ...) = 4", "accept(3, ..., ...) = 5")), 7,
                "expected accept(3, ..., ...) = 5", "actual accept(...) = 4");
        assertFails(run(ACTIVE.replace("EINPROGRESS", "EAGAIN")), 3, "= -1 EAGAIN", "actual connect(...) = -1 EINPROGRESS");
    }

    @Test
    void windowsAndOptionsAreComparedUnlessLenient() {
        String wrong = PASSIVE.replace("ack 1 win 65535 <mss 1460>", "ack 1 win 29200 <mss 1460,nop,wscale 7>");
        assertFails(run(wrong), 5, "win 65535 instead of 29200");
        assertFails(run(PASSIVE.replace("ack 1 win 65535 <mss 1460>", "ack 1 win 65535")), 5,
                "unexpected option mss 1460 at position 1");
        assertOk(run(wrong, new ScriptRunner.Options(true, Map.of(), Map.of())));
    }

    @Test
    void timestampsMapTheEnginesTsvalAndCheckTheEcho() {
        String script = """
                0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
                +0  bind(3, ..., ...) = 0
                +0  listen(3, 1) = 0
                +0  < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>
                +0  > S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 5000 ecr 100,nop,wscale 3>
                +.1 < . 1:1(0) ack 1 win 514 <nop,nop,TS val 110 ecr 5000>
                +0  accept(3, ..., ...) = 4
                +0  write(4, ..., 10) = 10
                +0  > P. 1:11(10) ack 1 <nop,nop,TS val 5100 ecr 110>
                """;
        assertOk(run(script));
        assertFails(run(script.replace("TS val 5100 ecr 110", "TS val 5100 ecr 111")), 9, "TS ecr 110 instead of 111");
    }

    @Test
    void blockingCallsReturnLaterWhileTheScriptGoesOn() {
        assertOk(run("""
                0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
                +0  bind(3, ..., ...) = 0
                +0  listen(3, 1) = 0
                0.1...0.2 accept(3, ..., ...) = 4
                0.1 < S 0:0(0) win 65535 <mss 1460>
                +0  > S. 0:0(0) ack 1 win 65535 <mss 1460>
                0.2 < . 1:1(0) ack 1 win 65535
                +0...0.3 read(4, ..., 100) = 10
                +.3 < P. 1:11(10) ack 1 win 65535
                * > . 1:1(0) ack 11 <...>
                """));
        assertFails(run(PASSIVE + "+0...0.1 read(4, ..., 100) = 10\n+.5 < P. 1:11(10) ack 1 win 65535\n"), 8,
                "to return by 0.2125 s", "still blocked");
        assertFails(run(PASSIVE + "+0 read(4, ..., 100) = 10\n"), 8, "it blocks");
    }

    @Test
    void aBlockingWriteReturnsWhenAllIsQueued() {
        // the peer's window of 500 lets half of 1000 octets out at once; the rest fits the send
        // buffer, so the call returns at once and the second half waits for the window (PSH on it)
        assertOk(run(PASSIVE.replace("+.1 < . 1:1(0) ack 1 win 65535", "+.1 < . 1:1(0) ack 1 win 500") + """
                +0  setsockopt(4, IPPROTO_TCP, TCP_NODELAY, [1], 4) = 0
                +0  write(4, ..., 1000) = 1000
                +0  > . 1:501(500) ack 1 win 65535
                +.1 < . 1:1(0) ack 501 win 500
                +0  > P. 501:1001(500) ack 1 win 65535
                """));
        // with a 100-octet send buffer a blocking write of 300 returns once the last 100 are queued
        String small = "`sysctl -q net.ipv4.tcp_wmem=\"100 100 100\"`\n" + PASSIVE + """
                +0  setsockopt(4, IPPROTO_TCP, TCP_NODELAY, [1], 4) = 0
                +0...0.2 write(4, ..., 300) = 300
                +0  > P. 1:101(100) ack 1 win 65535
                +.1 < . 1:1(0) ack 101 win 65535
                +0  > P. 101:201(100) ack 1 win 65535
                +.1 < . 1:1(0) ack 201 win 65535
                +0  > P. 201:301(100) ack 1 win 65535
                """;
        assertOk(run(small));
    }

    @Test
    void pythonStateAssertions() {
        assertOk(run(PASSIVE + "+0 %{ assert tcpi_state == TCPI_ESTABLISHED }%\n"));
        assertFails(run(PASSIVE + "+0 %{ assert tcpi_state == TCPI_SYN_RECV }%\n"), 8,
                "expected tcpi_state == TCPI_SYN_RECV actual TCPI_ESTABLISHED");
        ScriptResult other = run(PASSIVE + "+0 %{ assert tcpi_rtt > 0 }%\n");
        assertEquals(ScriptResult.Status.SKIP, other.status());
        assertTrue(other.message().contains("unsupported Python"), other.message());
    }

    @Test
    void unsupportedCallsSkipTheScript() {
        ScriptResult r = run(PASSIVE + "+0 epoll_create(1) = 5\n");
        assertEquals(ScriptResult.Status.SKIP, r.status(), r.summaryLine());
        assertEquals("skip t.pkt (line 8: system call epoll_create is not supported)", r.summaryLine());
    }

    @Test
    void receiveBufferSetBeforeListenSizesTheWindow() {
        String script = """
                0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
                +0  setsockopt(3, SOL_SOCKET, SO_RCVBUF, [1000], 4) = 0
                +0  getsockopt(3, SOL_SOCKET, SO_RCVBUF, [2000], [4]) = 0
                +0  bind(3, ..., ...) = 0
                +0  listen(3, 1) = 0
                +0  < S 0:0(0) win 65535 <mss 1460>
                +0  > S. 0:0(0) ack 1 win 1000 <mss 1460>
                +.1 < . 1:1(0) ack 1 win 65535
                +0  accept(3, ..., ...) = 4
                +0  < P. 1:401(400) ack 1 win 65535
                +0  > . 1:1(0) ack 401 win 600
                """;
        assertOk(run(script));
        // set after the stack exists (here: after listen) it is only recorded, and noted
        ScriptResult late = run(script.replace("+0  setsockopt(3, SOL_SOCKET, SO_RCVBUF, [1000], 4) = 0\n", "")
                .replace("+0  listen(3, 1) = 0\n", "+0  listen(3, 1) = 0\n+0  setsockopt(3, SOL_SOCKET, SO_RCVBUF, [1000], 4) = 0\n")
                .replace("+0  getsockopt(3, SOL_SOCKET, SO_RCVBUF, [2000], [4]) = 0\n", ""));
        assertFails(late, 6, "win 65535 instead of 1000");
        assertTrue(late.notes().contains("line 4: SO_RCVBUF after the stack was created: recorded only"), late.notes().toString());
    }

    @Test
    void recvFlags() {
        assertOk(run(PASSIVE + "+0 recv(4, ..., 100, MSG_DONTWAIT) = -1 EAGAIN (Resource temporarily unavailable)\n"));
        assertEquals(ScriptResult.Status.SKIP, run(PASSIVE + "+0 recv(4, ..., 100, MSG_PEEK) = 0\n").status());
    }

    @Test
    void anotherStacksOptionSkipsTheScript() {
        ScriptResult r = run(PASSIVE.replace("< S 0:0(0) win 65535 <mss 1460>", "< S 0:0(0) win 65535 <mss 1460,FO 0123>"));
        assertEquals("skip t.pkt (line 4: TCP option 'FO 0123' is not supported)", r.summaryLine());
    }

    @Test
    void aSyntaxErrorFailsWithItsLine() {
        ScriptResult r = run(PASSIVE + "+0 < . 1:1(0) ack 1\n");
        assertEquals("FAIL t.pkt:8 syntax error: an inbound packet needs 'win N' (the window the script's peer announces)",
                r.summaryLine());
    }

    @Test
    void sysctlLinesBecomeSettings() {
        String script = "`sysctl -q net.ipv4.tcp_timestamps=0`\n" + """
                0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
                +0  bind(3, ..., ...) = 0
                +0  listen(3, 1) = 0
                +0  < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>
                +0  > S. 0:0(0) ack 1 win 65535 <mss 1460,nop,nop,sackOK,nop,wscale 3>
                """;
        assertOk(run(script));
        // -s wins over the script's sysctl
        assertFails(run(script, new ScriptRunner.Options(false, Map.of("synack.tcp.timestamps", "true"), Map.of())), 6,
                "TS val");
    }

    @Test
    void ipv6Scripts() {
        // the engine announces synack.tcp.mss whatever the family (Linux would announce 1440 on IPv6)
        assertOk(run("--ip_version=ipv6\n" + PASSIVE));
    }

    @Test
    void soLingerZeroAbortsWithRst() {
        assertOk(run(PASSIVE + """
                +0  setsockopt(4, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0
                +0  close(4) = 0
                +0  > R 1:1(0) win 0
                """));
    }

    @Test
    void aResetIsReportedByTheNextCall() {
        assertOk(run(PASSIVE + """
                +0  < R. 1:1(0) ack 1 win 0
                +0  read(4, ..., 100) = -1 ECONNRESET (Connection reset by peer)
                +0  read(4, ..., 100) = 0
                """));
    }

    @Test
    void refusedConnect() {
        assertOk(run(ACTIVE + """
                +.1 < R. 0:0(0) ack 1 win 0
                +0  getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0
                +0  getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0
                """));
    }

    @Test
    void anExceptionFailsTheScriptAtItsLineNotTheSuite() {
        ScriptResult r = run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 connect(3, {sin_port=htons(70000)}, 16) = 0\n");
        assertFails(r, 2, "IllegalArgumentException");
    }
}
