package io.synack.conformance.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.conformance.script.Event.Direction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One test per construct of the language subset, and the errors for malformed scripts. */
class ParserTest {

    private static Script parse(String text) throws ScriptSyntaxException {
        return Parser.parse("t.pkt", text, Map.of());
    }

    private static Script parse(String text, Map<String, String> defines) throws ScriptSyntaxException {
        return Parser.parse("t.pkt", text, defines);
    }

    private static Event only(String text) throws ScriptSyntaxException {
        List<Event> events = parse(text).events();
        assertEquals(1, events.size(), events.toString());
        return events.get(0);
    }

    private static Event.Packet packet(String text) throws ScriptSyntaxException {
        return assertInstanceOf(Event.Packet.class, only(text));
    }

    private static Event.Syscall call(String text) throws ScriptSyntaxException {
        return assertInstanceOf(Event.Syscall.class, only(text));
    }

    private static ScriptSyntaxException error(String text) {
        return assertThrows(ScriptSyntaxException.class, () -> parse(text));
    }

    // ---- timing ---------------------------------------------------------------------------------

    @Test
    void absoluteTimeInSeconds() throws Exception {
        EventTime t = only("1.250 close(3) = 0").time();
        assertEquals(EventTime.Kind.POINT, t.kind());
        assertFalse(t.relative());
        assertEquals(1_250_000, t.startMicros());
    }

    @Test
    void relativeTimeAndFractionsWithoutLeadingZero() throws Exception {
        EventTime t = only("+.1 close(3) = 0").time();
        assertTrue(t.relative());
        assertEquals(100_000, t.startMicros());
        assertEquals(0, only("+0 close(3) = 0").time().startMicros());
        assertEquals(2_000_000, only("2 close(3) = 0").time().startMicros());
        assertEquals(1, only("0.000001 close(3) = 0").time().startMicros());
    }

    @Test
    void anyTimeOnOutboundPackets() throws Exception {
        Event.Packet p = packet("* > . 1:1(0) ack 1");
        assertEquals(EventTime.Kind.ANY, p.time().kind());
    }

    @Test
    void windowOnOutboundPackets() throws Exception {
        EventTime t = packet("0.1~0.3 > . 1:1(0) ack 1").time();
        assertEquals(EventTime.Kind.WINDOW, t.kind());
        assertEquals(100_000, t.startMicros());
        assertEquals(300_000, t.endMicros());
        EventTime rel = packet("+0~+.04 > . 1:1(0) ack 1").time();
        assertTrue(rel.relative());
        assertTrue(rel.endRelative());
        assertEquals(40_000, rel.endMicros());
    }

    @Test
    void blockingCallStartsAndReturns() throws Exception {
        Event.Syscall c = call("0.100...0.300 accept(3, ..., ...) = 4");
        assertEquals(EventTime.Kind.BLOCKING, c.time().kind());
        assertEquals(100_000, c.time().startMicros());
        assertEquals(300_000, c.time().endMicros());
        EventTime rel = call("+0...0.2 read(4, ..., 10) = 10").time();
        assertTrue(rel.relative());
        assertTrue(rel.endRelative(), "the end of a relative start is measured from the same base");
        assertEquals(200_000, rel.endMicros());
    }

    @Test
    void timeErrors() {
        assertEquals(1, error("* < . 1:1(0) ack 1 win 10").line());
        assertTrue(error("0.3~0.1 > . 1:1(0) ack 1").detail().contains("before its start"));
        assertTrue(error("0.1~0.3 close(3) = 0").detail().contains("system call starts at one time"));
        assertTrue(error("0.1~+0.3 > . 1:1(0)").detail().contains("ambiguous"));
        assertTrue(error("close(3) = 0").detail().startsWith("expected a time"));
    }

    // ---- packets --------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"S,2", "S.,18", ".,16", "F.,17", "R,4", "R.,20", "P.,24", "FP.,25", "PF.,25", "U.,48", "SEW,194",
            "-,0", "SFRPUEW.,255"})
    void flagsInAnyOrder(String flags, int bits) throws Exception {
        assertEquals(bits, packet("0 > " + flags + " 0:0(0)").flags());
    }

    @Test
    void flagErrors() {
        ScriptSyntaxException e = error("\n0 > SX 0:0(0)");
        assertEquals(2, e.line());
        assertTrue(e.detail().contains("unknown TCP flag 'X'"), e.detail());
        assertTrue(error("0 > SS 0:0(0)").detail().contains("repeated"));
        assertTrue(error("0 > 1:1(0)").detail().startsWith("expected TCP flags"));
    }

    @Test
    void sequenceRangeWithLength() throws Exception {
        Event.Packet p = packet("0 < P. 1001:2001(1000) ack 1 win 100");
        assertEquals(Direction.INBOUND, p.direction());
        assertEquals(1001, p.start());
        assertEquals(2001, p.end());
        assertEquals(1000, p.length());
        Event.Packet wrap = packet("0 > . 4294967295:9(10)");
        assertEquals(9, wrap.end(), "end wraps modulo 2^32");
    }

    @Test
    void sequenceRangeErrors() {
        assertTrue(error("0 > . 1:10(10)").detail().contains("end must be start + length = 11"));
        assertTrue(error("0 > . 1 10(9)").detail().contains("':'"));
        assertTrue(error("0 > . 4294967296:4294967296(0)").detail().contains("outside"));
    }

    @Test
    void ackWinAndUrg() throws Exception {
        Event.Packet p = packet("0 < P.U 1:11(10) ack 7 win 512 urg 5");
        assertEquals(7L, p.ack());
        assertEquals(512, p.window());
        assertEquals(5, p.urgent());
        Event.Packet out = packet("0 > . 1:1(0) ack 1");
        assertNull(out.window(), "win is optional outbound");
        assertNull(out.urgent());
    }

    @Test
    void inboundNeedsWin() {
        ScriptSyntaxException e = error("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < . 1:1(0) ack 1\n");
        assertEquals(2, e.line());
        assertTrue(e.detail().contains("needs 'win N'"), e.detail());
    }

    @Test
    void everyOptionKindInOrder() throws Exception {
        Event.Packet p = packet("0 > S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7,sack 1:2 3:4,eol>");
        assertEquals(List.of(new TcpOption.Mss(1460), new TcpOption.SackPermitted(), new TcpOption.Timestamp(100, 0),
                new TcpOption.Nop(), new TcpOption.WindowScale(7),
                new TcpOption.Sack(List.of(new long[] {1, 2}, new long[] {3, 4})), new TcpOption.Eol()), p.options());
        assertFalse(p.anyOptions());
    }

    @Test
    void otherStacksOptionsAreKeptAsUnsupported() throws Exception {
        Event.Packet p = packet("0 > S 0:0(0) <mss 1460,FO abcd1234,nop>");
        assertEquals(List.of(new TcpOption.Mss(1460), new TcpOption.Unsupported("FO abcd1234"), new TcpOption.Nop()),
                p.options());
    }

    @Test
    void noOptionListAndDontCare() throws Exception {
        Event.Packet none = packet("0 > . 1:1(0) ack 1 win 10");
        assertNull(none.options(), "no list: the packet must carry no options");
        Event.Packet any = packet("0 > . 1:1(0) ack 1 <...>");
        assertTrue(any.anyOptions());
        assertTrue(error("0 < . 1:1(0) ack 1 win 1 <...>").detail().contains("only for outbound"));
    }

    @Test
    void optionErrors() {
        assertTrue(error("0 > S 0:0(0) <mss>").detail().contains("the MSS value"));
        assertTrue(error("0 > S 0:0(0) <mss 1 nop>").detail().contains("expected ',' or '>'"));
        assertTrue(error("0 > S 0:0(0) <TS 1 ecr 2>").detail().contains("'val'"));
        assertTrue(error("0 > . 1:1(0) <sack>").detail().contains("1 to 4 blocks"));
    }

    // ---- system calls ---------------------------------------------------------------------------

    @Test
    void syscallWithSymbolsAndEllipsis() throws Exception {
        Event.Syscall c = call("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3");
        assertEquals("socket", c.name());
        assertEquals(List.of(new Expr.Ellipsis(), new Expr.Symbol("SOCK_STREAM"), new Expr.Symbol("IPPROTO_TCP")), c.args());
        assertEquals(new Expr.Int(3), c.result());
        assertNull(c.errno());
    }

    @Test
    void errnoAndItsComment() throws Exception {
        Event.Syscall c = call("0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)");
        assertEquals(new Expr.Int(-1), c.result());
        assertEquals("EINPROGRESS", c.errno());
        Event.Syscall f = call("0 fcntl(3, F_GETFL) = 0x802 (flags O_RDWR|O_NONBLOCK)");
        assertEquals(new Expr.Int(0x802), f.result());
        assertNull(f.errno());
        assertTrue(error("0 close(3) = -1 EBADF (Bad file").detail().contains("unclosed '('"));
    }

    @Test
    void liveReturnValue() throws Exception {
        assertEquals(new Expr.Ellipsis(), call("0 read(3, ..., 10) = ...").result());
    }

    @Test
    void pointersStructsBitOrAndCalls() throws Exception {
        Event.Syscall s = call("0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0");
        Expr.Struct linger = assertInstanceOf(Expr.Struct.class, s.args().get(3));
        assertEquals(new Expr.Int(1), linger.get("onoff"));
        assertEquals(new Expr.Int(0), linger.get("linger"));
        Event.Syscall g = call("0 getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0");
        assertEquals(new Expr.Pointer(new Expr.Symbol("ECONNREFUSED")), g.args().get(3));
        Event.Syscall f = call("0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0");
        assertEquals(new Expr.BitOr(List.of(new Expr.Symbol("O_RDWR"), new Expr.Symbol("O_NONBLOCK"))), f.args().get(2));
        Event.Syscall b = call("0 bind(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"198.18.0.1\")}, 16) = 0");
        Expr.Struct addr = assertInstanceOf(Expr.Struct.class, b.args().get(1));
        assertEquals(new Expr.Call("htons", List.of(new Expr.Int(8080))), addr.get("sin_port"));
        assertEquals(new Expr.Call("inet_addr", List.of(new Expr.Str("198.18.0.1"))), addr.get("sin_addr"));
    }

    @Test
    void syscallArgumentsMaySpanLines() throws Exception {
        Event.Syscall c = call("0 setsockopt(3, SOL_SOCKET, SO_LINGER,\n   {onoff=1,\n    linger=0}, 8) = 0");
        assertEquals(5, c.args().size());
        assertEquals(1, c.line());
    }

    @Test
    void syscallErrors() {
        assertTrue(error("0 close(3)").detail().contains("'= RESULT'"));
        assertTrue(error("0 close(3 = 0").detail().contains("expected ',' or ')'"));
        assertTrue(error("0 read(3, ..., 10) = 10 junk").detail().contains("unexpected 'junk'"));
    }

    // ---- preprocessing, comments, option lines, Python, shell ------------------------------------

    @Test
    void commentsKeepLineNumbers() throws Exception {
        Script s = parse("// a comment\n/* a\n block */ 0 close(3) = 0 // trailing\n\n+0 close(4) = 0\n");
        assertEquals(2, s.events().size());
        assertEquals(3, s.events().get(0).line());
        assertEquals(5, s.events().get(1).line());
        assertTrue(error("/* never closed\n0 close(3) = 0").detail().contains("unterminated /*"));
    }

    @Test
    void optionLinesAtTheTop() throws Exception {
        Script s = parse("--tolerance_usecs=10000\n--ip_version=ipv6\n--mss=1000\n--bind_port=8081\n--verbose\n0 close(3) = 0");
        assertEquals(List.of(new Script.OptionLine(1, "tolerance_usecs", "10000"), new Script.OptionLine(2, "ip_version", "ipv6"),
                new Script.OptionLine(3, "mss", "1000"), new Script.OptionLine(4, "bind_port", "8081"),
                new Script.OptionLine(5, "verbose", null)), s.options());
        assertEquals(6, s.events().get(0).line());
    }

    @Test
    void ifdefKeepsOrDropsLines() throws Exception {
        String text = "0 close(3) = 0\n#ifdef LINUX\n+0 close(4) = 0\n#endif\n+0 close(5) = 0\n";
        assertEquals(2, parse(text).events().size());
        Script with = parse(text, Map.of("LINUX", ""));
        assertEquals(3, with.events().size());
        assertEquals(3, with.events().get(1).line());
        assertEquals(5, with.events().get(2).line());
    }

    @Test
    void ifdefErrors() {
        assertEquals(2, error("0 close(3) = 0\n#ifdef A\n#ifdef B\n#endif\n#endif").line() - 1);
        assertTrue(error("#ifdef A\n#ifdef B\n#endif\n#endif").detail().contains("nested"));
        assertTrue(error("#ifdef A\n0 close(3) = 0\n").detail().contains("without #endif"));
        assertTrue(error("#endif\n").detail().contains("without #ifdef"));
        ScriptSyntaxException e = error("#ifdef A\n#else\n#endif");
        assertEquals(2, e.line());
        assertTrue(e.detail().contains("#else is not supported"));
    }

    @Test
    void definesAreSubstituted() throws Exception {
        Map<String, String> d = Map.of("PORT", "8081", "FD", "3");
        Event.Syscall c = assertInstanceOf(Event.Syscall.class, parse("0 close(${FD}) = 0", d).events().get(0));
        assertEquals(new Expr.Int(3), c.args().get(0));
        Event.Syscall b = assertInstanceOf(Event.Syscall.class,
                parse("0 bind(FD, {sin_port=htons(PORT)}, 16) = 0", d).events().get(0));
        assertEquals(new Expr.Int(3), b.args().get(0));
        assertEquals("{sin_port=htons(8081)}", b.args().get(1).toString());
    }

    @Test
    void pythonBlockSpansLines() throws Exception {
        Script s = parse("0 close(3) = 0\n+0 %{\nassert tcpi_state == TCPI_ESTABLISHED\n# comment\n}%\n+0 close(4) = 0");
        Event.Python py = assertInstanceOf(Event.Python.class, s.events().get(1));
        assertEquals(2, py.line());
        assertTrue(py.code().contains("assert tcpi_state == TCPI_ESTABLISHED"));
        assertEquals(6, s.events().get(2).line());
        assertTrue(error("0 %{ assert 1\n").detail().contains("unterminated %{"));
    }

    @Test
    void shellLinesWithOrWithoutTime() throws Exception {
        Script s = parse("`sysctl -q net.ipv4.tcp_timestamps=0`\n0 `echo hi`\n");
        Event.Shell a = assertInstanceOf(Event.Shell.class, s.events().get(0));
        assertEquals("sysctl -q net.ipv4.tcp_timestamps=0", a.command());
        assertTrue(a.time().relative());
        Event.Shell b = assertInstanceOf(Event.Shell.class, s.events().get(1));
        assertEquals(2, b.line());
        assertTrue(error("0 `never closed\n").detail().contains("unterminated `"));
    }

    @Test
    void aGarbageLineNamesItsLine() {
        ScriptSyntaxException e = error("0 close(3) = 0\n\n+0 ? what\n");
        assertEquals(3, e.line());
        assertEquals("t.pkt:3: " + e.detail(), e.getMessage());
        assertTrue(e.detail().contains("found '?'"), e.detail());
    }
}
