package io.synack.conformance.script;

import io.synack.conformance.script.Event.Direction;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Recursive-descent parser of the packetdrill language subset (see the module README), written from
 * the language's documented syntax. One event per line:
 *
 * <pre>
 * event   := time ( packet | syscall | %{python}% | `shell` )
 * time    := '*' | ['+'] NUM [ '~' ['+'] NUM | '...' ['+'] NUM ]
 * packet  := ('&lt;'|'&gt;') flags NUM ':' NUM '(' NUM ')' ['ack' NUM] ['win' NUM] ['urg' NUM] [options]
 * flags   := '-' | [SFRPUEW]+ ['.'] | '.'
 * options := '&lt;' '...' '&gt;' | '&lt;' option (',' option)* '&gt;'
 * option  := 'mss' NUM | 'wscale' NUM | 'sackOK' | 'sack' (NUM ':' NUM)+ | 'TS' 'val' NUM 'ecr' NUM | 'nop' | 'eol'
 * syscall := WORD '(' [expr (',' expr)*] ')' '=' expr [ERRNO ['(' text ')']]
 * expr    := term ('|' term)*
 * term    := ['-'] NUM | '...' | WORD ['(' args ')'] | STRING | '[' expr ']' | '{' [field (',' field)*] '}'
 * field   := [WORD '='] expr
 * </pre>
 *
 * A shell command may also stand without a time (it runs at the time of the previous event).
 */
public final class Parser {
    private final String source;
    private final List<Token> tokens;
    private int pos;

    private Parser(String source, List<Token> tokens) {
        this.source = source;
        this.tokens = tokens;
    }

    /**
     * Preprocesses, lexes and parses a script.
     *
     * @param source its name (for messages)
     * @param text its contents
     * @param defines {@code -D} definitions
     * @return the script
     * @throws ScriptSyntaxException with the line of the first problem
     */
    public static Script parse(String source, String text, Map<String, String> defines) throws ScriptSyntaxException {
        Preprocessor.Output pre = Preprocessor.process(source, text, defines);
        List<Token> tokens = Lexer.tokenize(source, pre.text());
        return new Script(source, pre.options(), new Parser(source, tokens).events());
    }

    private List<Event> events() throws ScriptSyntaxException {
        List<Event> events = new ArrayList<>();
        while (true) {
            skipNewlines();
            if (peek().kind() == Token.Kind.EOF) {
                return events;
            }
            events.add(event());
            Token end = peek();
            if (end.kind() != Token.Kind.NEWLINE && end.kind() != Token.Kind.EOF) {
                throw error(end, "unexpected " + end.describe() + " after the event");
            }
        }
    }

    private Event event() throws ScriptSyntaxException {
        Token first = peek();
        if (first.kind() == Token.Kind.SHELL) {
            next();
            return new Event.Shell(first.line(), EventTime.point(true, 0), first.text());
        }
        EventTime time = time();
        Token t = peek();
        int line = first.line();
        switch (t.kind()) {
            case PYTHON -> {
                next();
                return new Event.Python(line, time, t.text());
            }
            case SHELL -> {
                next();
                return new Event.Shell(line, time, t.text());
            }
            case WORD -> {
                return syscall(line, time);
            }
            case PUNCT -> {
                if (t.is("<") || t.is(">")) {
                    return packet(line, time);
                }
            }
            default -> {
            }
        }
        throw error(t, "expected a packet ('<' or '>'), a system call, %{ }% or a `shell command` after the time, found "
                + t.describe());
    }

    // ---- time -----------------------------------------------------------------------------------

    private EventTime time() throws ScriptSyntaxException {
        Token t = peek();
        if (t.is("*")) {
            next();
            return EventTime.any();
        }
        boolean relative = accept("+");
        long start = micros(expect(Token.Kind.NUMBER, "a time (N, +N, * or A~B)"));
        if (accept("~")) {
            boolean endRelative = accept("+");
            long end = micros(expect(Token.Kind.NUMBER, "the end of the time window A~B"));
            checkOrder(t, relative, start, endRelative, end, "~");
            return new EventTime(EventTime.Kind.WINDOW, relative, start, endRelative || relative, end);
        }
        if (peek().kind() == Token.Kind.ELLIPSIS) {
            next();
            boolean endRelative = accept("+");
            long end = micros(expect(Token.Kind.NUMBER, "the return time E of a blocking call T...E"));
            checkOrder(t, relative, start, endRelative, end, "...");
            return new EventTime(EventTime.Kind.BLOCKING, relative, start, endRelative || relative, end);
        }
        return EventTime.point(relative, start);
    }

    private void checkOrder(Token at, boolean relative, long start, boolean endRelative, long end, String sep)
            throws ScriptSyntaxException {
        // "+0.1~+0.3" and "+0.1~0.3" both measure the end from the previous event; "0.1~0.3" is absolute.
        if (relative == endRelative || relative) {
            if (end < start) {
                throw error(at, "the end of " + EventTime.seconds(start) + sep + EventTime.seconds(end)
                        + " is before its start");
            }
        } else {
            throw error(at, "an absolute start with a relative end (" + sep + "+N) is ambiguous: write both absolute or both relative");
        }
    }

    private long micros(Token number) throws ScriptSyntaxException {
        try {
            BigDecimal seconds = new BigDecimal(number.text().startsWith(".") ? "0" + number.text() : number.text());
            return seconds.movePointRight(6).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw error(number, "bad time " + number.describe() + " (seconds, e.g. 0.100)");
        }
    }

    // ---- packets --------------------------------------------------------------------------------

    private Event.Packet packet(int line, EventTime time) throws ScriptSyntaxException {
        Direction direction = next().is("<") ? Direction.INBOUND : Direction.OUTBOUND;
        if (direction == Direction.INBOUND && time.kind() != EventTime.Kind.POINT) {
            throw error(peek(), "an inbound packet happens at one time: '" + time + "' is only for outbound packets");
        }
        int flags = flags();
        Token startToken = peek();
        long start = unsigned32(expect(Token.Kind.NUMBER, "the sequence numbers start:end(length)"));
        expectPunct(":", "':' in start:end(length)");
        long end = unsigned32(expect(Token.Kind.NUMBER, "the end sequence number in start:end(length)"));
        expectPunct("(", "'(' and the length in start:end(length)");
        long length = integer(expect(Token.Kind.NUMBER, "the payload length in start:end(length)"));
        expectPunct(")", "')' after the length");
        if (length < 0 || length > 65535) {
            throw error(startToken, "payload length " + length + " is outside 0..65535");
        }
        if (((start + length) & 0xFFFFFFFFL) != end) {
            throw error(startToken, "sequence range " + start + ":" + end + "(" + length + "): end must be start + length = "
                    + ((start + length) & 0xFFFFFFFFL));
        }
        Long ack = null;
        Integer window = null;
        Integer urgent = null;
        List<TcpOption> options = null;
        boolean anyOptions = false;
        while (true) {
            Token t = peek();
            if (t.isWord("ack")) {
                next();
                if (ack != null) {
                    throw error(t, "'ack' given twice");
                }
                ack = unsigned32(expect(Token.Kind.NUMBER, "the acknowledgment number after 'ack'"));
            } else if (t.isWord("win")) {
                next();
                window = (int) ranged(expect(Token.Kind.NUMBER, "the window after 'win'"), 0, 65535, "win");
            } else if (t.isWord("urg")) {
                next();
                urgent = (int) ranged(expect(Token.Kind.NUMBER, "the urgent pointer after 'urg'"), 0, 65535, "urg");
            } else if (t.is("<")) {
                next();
                if (peek().kind() == Token.Kind.ELLIPSIS) {
                    next();
                    anyOptions = true;
                    expectPunct(">", "'>' after '<...'");
                } else {
                    options = options();
                }
                break;
            } else {
                break;
            }
        }
        if (direction == Direction.INBOUND && window == null) {
            throw error(peek(), "an inbound packet needs 'win N' (the window the script's peer announces)");
        }
        if (direction == Direction.INBOUND && anyOptions) {
            throw error(peek(), "'<...>' (do not check) is only for outbound packets");
        }
        return new Event.Packet(line, time, direction, flags, start, end, (int) length, ack, window, urgent, options,
                anyOptions);
    }

    private int flags() throws ScriptSyntaxException {
        Token t = next();
        if (t.is("-")) {
            return 0;
        }
        int flags = 0;
        if (t.is(".")) {
            flags = 0x10;
            if (peek().kind() != Token.Kind.WORD) {
                return flags;
            }
            t = next(); // ".U": letters after the dot
        } else if (t.kind() != Token.Kind.WORD) {
            throw error(t, "expected TCP flags (letters from S F R P U E W, '.' for ACK, '-' for none), found " + t.describe());
        }
        flags = letters(t, flags);
        if ((flags & 0x10) == 0 && accept(".")) {
            flags |= 0x10;
            if (peek().kind() == Token.Kind.WORD) {
                flags = letters(next(), flags); // "P.U"
            }
        }
        return flags;
    }

    private int letters(Token t, int initial) throws ScriptSyntaxException {
        int flags = initial;
        for (char c : t.text().toCharArray()) {
            int bit = switch (c) {
                case 'S' -> 0x02;
                case 'F' -> 0x01;
                case 'R' -> 0x04;
                case 'P' -> 0x08;
                case 'U' -> 0x20;
                case 'E' -> 0x40;
                case 'W' -> 0x80;
                default -> throw error(t, "unknown TCP flag '" + c + "' in " + t.describe()
                        + " (flags are S F R P U E W, '.' for ACK, '-' for none)");
            };
            if ((flags & bit) != 0) {
                throw error(t, "flag '" + c + "' repeated in " + t.describe());
            }
            flags |= bit;
        }
        return flags;
    }

    private List<TcpOption> options() throws ScriptSyntaxException {
        List<TcpOption> options = new ArrayList<>();
        while (true) {
            Token t = next();
            if (t.kind() != Token.Kind.WORD) {
                throw error(t, "expected a TCP option (mss, wscale, sackOK, sack, TS, nop, eol), found " + t.describe());
            }
            switch (t.text()) {
                case "mss" -> options.add(new TcpOption.Mss(
                        (int) ranged(expect(Token.Kind.NUMBER, "the MSS value"), 0, 65535, "mss")));
                case "wscale" -> options.add(new TcpOption.WindowScale(
                        (int) ranged(expect(Token.Kind.NUMBER, "the window scale shift"), 0, 255, "wscale")));
                case "sackOK" -> options.add(new TcpOption.SackPermitted());
                case "nop" -> options.add(new TcpOption.Nop());
                case "eol" -> options.add(new TcpOption.Eol());
                case "sack" -> {
                    List<long[]> blocks = new ArrayList<>();
                    while (peek().kind() == Token.Kind.NUMBER) {
                        long left = unsigned32(next());
                        expectPunct(":", "':' in a SACK block left:right");
                        long right = unsigned32(expect(Token.Kind.NUMBER, "the right edge of a SACK block"));
                        blocks.add(new long[] {left, right});
                    }
                    if (blocks.isEmpty() || blocks.size() > 4) {
                        throw error(t, "sack needs 1 to 4 blocks left:right, got " + blocks.size());
                    }
                    options.add(new TcpOption.Sack(blocks));
                }
                case "TS" -> {
                    expectWord("val", "'val' after 'TS'");
                    long val = unsigned32(expect(Token.Kind.NUMBER, "the TSval"));
                    expectWord("ecr", "'ecr' after the TSval");
                    long ecr = unsigned32(expect(Token.Kind.NUMBER, "the TSecr"));
                    options.add(new TcpOption.Timestamp(val, ecr));
                }
                default -> {
                    // another stack's option (TFO cookie, MD5 ...): kept as text, the runner skips the script
                    StringBuilder text = new StringBuilder(t.text());
                    while (!peek().is(",") && !peek().is(">") && peek().kind() != Token.Kind.NEWLINE
                            && peek().kind() != Token.Kind.EOF) {
                        text.append(' ').append(next().text());
                    }
                    options.add(new TcpOption.Unsupported(text.toString()));
                }
            }
            Token sep = next();
            if (sep.is(">")) {
                return options;
            }
            if (!sep.is(",")) {
                throw error(sep, "expected ',' or '>' in the option list, found " + sep.describe());
            }
        }
    }

    // ---- system calls ---------------------------------------------------------------------------

    private Event.Syscall syscall(int line, EventTime time) throws ScriptSyntaxException {
        if (time.kind() == EventTime.Kind.ANY || time.kind() == EventTime.Kind.WINDOW) {
            throw error(peek(), "a system call starts at one time ('" + time + "' is only for outbound packets)");
        }
        Token name = next();
        expectPunct("(", "'(' after the system call name " + name.describe());
        List<Expr> args = new ArrayList<>();
        skipNewlines();
        if (!peek().is(")")) {
            while (true) {
                skipNewlines();
                args.add(expr());
                skipNewlines();
                if (accept(")")) {
                    break;
                }
                Token sep = next();
                if (!sep.is(",")) {
                    throw error(sep, "expected ',' or ')' in the arguments of " + name.text() + ", found " + sep.describe());
                }
            }
        } else {
            next();
        }
        expectPunct("=", "'= RESULT' after " + name.text() + "(...)");
        Expr result = expr();
        String errno = null;
        if (peek().kind() == Token.Kind.WORD && peek().text().matches("E[A-Z0-9]+")) {
            errno = next().text();
        }
        if (peek().is("(")) {
            // a comment on the result: "(Operation now in progress)", "(flags O_RDWR|O_NONBLOCK)"
            Token open = next();
            int depth = 1;
            while (depth > 0) {
                Token t = next();
                if (t.kind() == Token.Kind.NEWLINE || t.kind() == Token.Kind.EOF) {
                    throw error(open, "unclosed '(' after the result");
                }
                depth += t.is("(") ? 1 : t.is(")") ? -1 : 0;
            }
        }
        return new Event.Syscall(line, time, name.text(), args, result, errno);
    }

    private Expr expr() throws ScriptSyntaxException {
        Expr first = term();
        if (!peek().is("|")) {
            return first;
        }
        List<Expr> terms = new ArrayList<>();
        terms.add(first);
        while (accept("|")) {
            terms.add(term());
        }
        return new Expr.BitOr(terms);
    }

    private Expr term() throws ScriptSyntaxException {
        Token t = next();
        switch (t.kind()) {
            case NUMBER -> {
                return new Expr.Int(integer(t));
            }
            case ELLIPSIS -> {
                return new Expr.Ellipsis();
            }
            case STRING -> {
                return new Expr.Str(t.text());
            }
            case WORD -> {
                if (accept("(")) {
                    List<Expr> args = new ArrayList<>();
                    if (!accept(")")) {
                        do {
                            skipNewlines();
                            args.add(expr());
                            skipNewlines();
                        } while (accept(","));
                        expectPunct(")", "')' closing " + t.text() + "(");
                    }
                    return new Expr.Call(t.text(), args);
                }
                return new Expr.Symbol(t.text());
            }
            case PUNCT -> {
                if (t.is("-")) {
                    return new Expr.Int(-integer(expect(Token.Kind.NUMBER, "a number after '-'")));
                }
                if (t.is("[")) {
                    skipNewlines();
                    Expr inner = expr();
                    skipNewlines();
                    expectPunct("]", "']' closing '['");
                    return new Expr.Pointer(inner);
                }
                if (t.is("{")) {
                    List<Expr.Field> fields = new ArrayList<>();
                    skipNewlines();
                    if (!accept("}")) {
                        do {
                            skipNewlines();
                            String fieldName = null;
                            if (peek().kind() == Token.Kind.WORD && peekAt(1).is("=")) {
                                fieldName = next().text();
                                next();
                            }
                            fields.add(new Expr.Field(fieldName, expr()));
                            skipNewlines();
                        } while (accept(","));
                        expectPunct("}", "'}' closing the struct");
                    }
                    return new Expr.Struct(fields);
                }
            }
            default -> {
            }
        }
        throw error(t, "expected a value (number, ..., NAME, [v], {field=v}), found " + t.describe());
    }

    // ---- helpers --------------------------------------------------------------------------------

    private long unsigned32(Token t) throws ScriptSyntaxException {
        return ranged(t, 0, 0xFFFFFFFFL, "a sequence number");
    }

    private long ranged(Token t, long min, long max, String what) throws ScriptSyntaxException {
        long v = integer(t);
        if (v < min || v > max) {
            throw error(t, what + " " + v + " is outside " + min + ".." + max);
        }
        return v;
    }

    private long integer(Token t) throws ScriptSyntaxException {
        String s = t.text();
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseLong(s.substring(2), 16);
            }
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw error(t, "expected an integer, found " + t.describe());
        }
    }

    private Token expect(Token.Kind kind, String what) throws ScriptSyntaxException {
        Token t = peek();
        if (t.kind() != kind) {
            throw error(t, "expected " + what + ", found " + t.describe());
        }
        return next();
    }

    private void expectPunct(String p, String what) throws ScriptSyntaxException {
        Token t = peek();
        if (!t.is(p)) {
            throw error(t, "expected " + what + ", found " + t.describe());
        }
        next();
    }

    private void expectWord(String w, String what) throws ScriptSyntaxException {
        Token t = peek();
        if (!t.isWord(w)) {
            throw error(t, "expected " + what + ", found " + t.describe());
        }
        next();
    }

    private boolean accept(String punct) {
        if (peek().is(punct)) {
            pos++;
            return true;
        }
        return false;
    }

    private void skipNewlines() {
        while (peek().kind() == Token.Kind.NEWLINE) {
            pos++;
        }
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token peekAt(int ahead) {
        return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(pos);
        if (t.kind() != Token.Kind.EOF) {
            pos++;
        }
        return t;
    }

    private ScriptSyntaxException error(Token at, String message) {
        return new ScriptSyntaxException(source, at.line(), message);
    }
}
