package io.synack.conformance.runner;

import io.synack.api.AddressInUseException;
import io.synack.api.ConnectionClosedException;
import io.synack.api.ConnectionEvent;
import io.synack.api.ConnectionId;
import io.synack.api.ConnectionRefusedException;
import io.synack.api.ConnectionResetException;
import io.synack.api.ConnectionTimedOutException;
import io.synack.api.InvalidConfigurationException;
import io.synack.api.SynackException;
import io.synack.api.TcpState;
import io.synack.conformance.script.Event;
import io.synack.conformance.script.EventTime;
import io.synack.conformance.script.Expr;
import io.synack.conformance.script.Script;
import io.synack.conformance.script.TcpOption;
import io.synack.core.config.ConfigurationLoader;
import io.synack.core.engine.EngineConfig;
import io.synack.core.engine.EngineSettings;
import io.synack.core.engine.TcpEngine;
import io.synack.core.wire.DecodeStatus;
import io.synack.core.wire.Segment;
import io.synack.spi.Setting;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One run of one script (packetdrill's semantics, see the module README):
 *
 * <ul>
 *   <li>Virtual time starts at 0; the engine's timers run as time advances between events. An
 *       inbound packet or system call at time T first runs every timer due before T; anything the
 *       engine sends meanwhile, with no {@code >} line waiting for it, is an unexpected packet.
 *   <li>A {@code >} line waits (running timers) until the engine sends something or the expected
 *       time plus the tolerance passes; what it sent must match, at a time within the tolerance.
 *   <li>Sequence numbers: the script's own (remote) numbers are used as written; the engine's are
 *       written relative to its ISN, learned from its SYN or SYN-ACK (whose number is taken as the
 *       script wrote it). Inbound {@code ack} and SACK blocks are mapped back to absolute.
 *   <li>Timestamps: the engine's TSval cannot be predicted, so any is accepted on a {@code >} line
 *       and remembered: an inbound {@code ecr} equal to the script's TSval there is mapped to it.
 * </ul>
 */
final class Execution {
    static final int DEFAULT_LOCAL_PORT = 8080;
    static final int PASSIVE_REMOTE_PORT = 48_000;
    static final int ACTIVE_REMOTE_PORT = 8080;
    private static final long NS_PER_US = 1000;
    /** How far {@code *} looks for an outbound packet. */
    private static final long ANY_TIME_HORIZON_NS = 3600L * 1_000_000_000L;
    private static final Pattern STATE_ASSERT =
            Pattern.compile("assert\\s+tcpi_state\\s*(==|!=)\\s*(TCPI_[A-Z0-9_]+)\\s*(?:,.*)?");

    private final Script script;
    private final ScriptRunner.Options options;
    private final List<String> notes = new ArrayList<>();

    // option lines
    private long toleranceMicros = 4000;
    private boolean ipv6;
    private final Map<String, String> scriptSettings = new LinkedHashMap<>();
    private final Map<String, String> scriptSettingOrigins = new HashMap<>();

    // the engine, created lazily at the first event that needs it
    private TcpEngine engine;
    private InetAddress local;
    private InetAddress remote;
    private long now;
    private final ArrayDeque<Observed> emitted = new ArrayDeque<>();
    private final Segment out = new Segment();
    private final Segment in = new Segment();

    // the flow under test
    private int localPort = DEFAULT_LOCAL_PORT;
    private int remotePort = PASSIVE_REMOTE_PORT;

    // sequence-space mapping
    private boolean localIsnKnown;
    private long localIsnActual;
    /** Script minus actual, for the engine's sequence space. */
    private long seqOffset;
    private boolean tsKnown;
    /** Actual minus script, for the engine's TSval. */
    private long tsOffset;

    // sockets
    private final TreeMap<Integer, SocketFd> fds = new TreeMap<>();
    private final Map<ConnectionId, SocketFd> byId = new HashMap<>();

    // timing
    private long previousEventMicros;
    private Pending pending;

    /** A blocking call (T...E) in progress. */
    private record Pending(Event.Syscall call, long lowNanos, long highNanos, long endMicros) {}

    /** What a call returned: a value, or -1 and an errno; null fields for "would block". */
    private record Result(long value, int errno, Map<Integer, Long> outputs) {
        static Result ok(long value) {
            return new Result(value, 0, Map.of());
        }

        static Result error(int errno) {
            return new Result(-1, errno, Map.of());
        }

        String describe() {
            return errno == 0 ? "= " + value : "= -1 " + Constants.errnoName(errno);
        }
    }

    private static final Result WOULD_BLOCK = new Result(Long.MIN_VALUE, 0, Map.of());

    Execution(Script script, ScriptRunner.Options options) {
        this.script = script;
        this.options = options;
    }

    ScriptResult run() {
        try {
            applyOptionLines();
            for (Event e : script.events()) {
                currentLine = e.line();
                step(e);
            }
            finish();
            return result(ScriptResult.Status.OK, 0, "");
        } catch (ScriptFailure f) {
            return result(ScriptResult.Status.FAIL, f.line, f.getMessage());
        } catch (ScriptSkipped s) {
            return result(ScriptResult.Status.SKIP, 0, s.getMessage());
        } catch (Unsupported u) {
            return result(ScriptResult.Status.SKIP, 0, u.getMessage());
        } catch (RuntimeException e) {
            // A bug of the runner or an exception escaping the engine: this script fails, the suite goes on.
            return result(ScriptResult.Status.FAIL, currentLine, "expected the line to run actual "
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + " (an exception escaped the engine or the runner)");
        }
    }

    private int currentLine;

    private ScriptResult result(ScriptResult.Status status, int line, String message) {
        return new ScriptResult(script.source(), status, line, message, List.copyOf(notes));
    }

    // =============================================================================================
    // option lines, settings, the engine
    // =============================================================================================

    private void applyOptionLines() throws ScriptFailure, ScriptSkipped {
        for (Script.OptionLine o : script.options()) {
            String v = o.value();
            switch (o.name()) {
                case "tolerance_usecs" -> toleranceMicros = parseLong(o, v, 0, 60_000_000L);
                case "ip_version" -> {
                    if ("ipv4".equals(v)) {
                        ipv6 = false;
                    } else if ("ipv6".equals(v)) {
                        ipv6 = true;
                    } else {
                        throw new ScriptSkipped("--ip_version=" + v + " is not supported (ipv4 or ipv6)");
                    }
                }
                case "mss" -> {
                    parseLong(o, v, 88, 65495);
                    putScriptSetting(EngineSettings.MSS.key(), v, "script line " + o.line() + " (--mss)");
                }
                default -> notes.add("line " + o.line() + ": option --" + o.name() + " ignored");
            }
        }
    }

    private long parseLong(Script.OptionLine o, String v, long min, long max) throws ScriptFailure {
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException | NullPointerException e) {
            throw new ScriptFailure(o.line(), "expected --" + o.name() + "=N with N in " + min + ".." + max
                    + " actual --" + o.name() + "=" + v);
        }
    }

    private void putScriptSetting(String key, String value, String origin) {
        scriptSettings.put(key, value);
        scriptSettingOrigins.put(key, origin);
    }

    private void ensureEngine(int line) throws ScriptFailure {
        if (engine != null) {
            return;
        }
        ConfigurationLoader loader = new ConfigurationLoader().declare(EngineSettings.all())
                .environment(Map.of()).systemProperties(Map.of());
        scriptSettings.forEach((k, v) -> loader.set(k, v, scriptSettingOrigins.get(k)));
        options.settings().forEach((k, v) -> loader.set(k, v, "command line (-s)"));
        EngineConfig config;
        try {
            config = EngineConfig.from(loader.load());
        } catch (InvalidConfigurationException e) {
            throw new ScriptFailure(line, "expected a valid configuration actual " + e.getMessage());
        }
        local = address(ipv6 ? "fd00::1" : "198.18.0.1");
        remote = address(ipv6 ? "fd00::2" : "198.18.0.2");
        // A fixed seed: the same script runs the same way every time.
        engine = TcpEngine.create(local, config, 0x5ac4L);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static Set<String> engineKeys() {
        return EngineSettings.all().stream().map(Setting::key).collect(Collectors.toSet());
    }

    // =============================================================================================
    // events
    // =============================================================================================

    private void step(Event e) throws ScriptFailure, ScriptSkipped {
        EventTime time = e.time();
        long base = time.relative() ? previousEventMicros : 0;
        long start = base + time.startMicros();
        if (e instanceof Event.Packet p && p.direction() == Event.Direction.OUTBOUND) {
            expectOutbound(p);
            return;
        }
        if (start < previousEventMicros) {
            throw new ScriptFailure(e.line(), "expected event times in order actual " + time + " is "
                    + EventTime.seconds(start) + " s, before the previous event at " + EventTime.seconds(previousEventMicros) + " s");
        }
        if (e instanceof Event.Shell s) {
            shell(s);
            // shell lines take no time of their own
            return;
        }
        ensureEngine(e.line());
        advanceForInput(start * NS_PER_US, e);
        previousEventMicros = start;
        if (e instanceof Event.Packet p) {
            inject(p);
        } else if (e instanceof Event.Syscall c) {
            syscall(c, start);
        } else if (e instanceof Event.Python py) {
            python(py);
        }
    }

    private void finish() throws ScriptFailure {
        if (pending != null) {
            runTimersUntil(pending.highNanos + 1, null);
            if (pending != null) {
                throw new ScriptFailure(pending.call.line(), "expected " + pending.call + " to return by "
                        + EventTime.seconds(pending.highNanos / NS_PER_US) + " s actual still blocked at the end of the script");
            }
        }
    }

    /**
     * Runs the engine's timers due before {@code t} and moves the clock to {@code t}. Anything sent
     * meanwhile (or earlier and not yet expected) is an unexpected packet.
     */
    private void advanceForInput(long t, Event e) throws ScriptFailure {
        checkNothingSent(e);
        runTimersUntil(t, e);
        checkNothingSent(e);
        now = Math.max(now, t);
    }

    private void checkNothingSent(Event e) throws ScriptFailure {
        if (!emitted.isEmpty()) {
            Observed o = emitted.peek();
            throw new ScriptFailure(e.line(), "expected no packet before " + e.time() + " " + e + " actual "
                    + o.describe(seqOffset, tsOffset) + " (unexpected packet)");
        }
    }

    /**
     * Runs timers with deadlines before {@code limit}; stops early when something is sent and
     * {@code stopOn} is given. A blocking call that passes its return time fails.
     */
    private void runTimersUntil(long limit, Event stopOn) throws ScriptFailure {
        int guard = 0;
        while (true) {
            if (stopOn != null && !emitted.isEmpty()) {
                return;
            }
            long d = engine.nextDeadline();
            if (pending != null && pending.highNanos < Math.min(d, limit) && pending.highNanos >= now) {
                // nothing will happen before the call's latest return time: it is late
                now = Math.max(now, pending.highNanos);
                Event.Syscall c = pending.call;
                throw new ScriptFailure(c.line(), "expected " + c + " to return by "
                        + EventTime.seconds(pending.highNanos / NS_PER_US) + " s actual still blocked");
            }
            if (d >= limit) {
                return;
            }
            long before = now;
            now = Math.max(now, d);
            engine.handleTimeout(now);
            drain();
            if (now == before && engine.nextDeadline() <= now && ++guard > 1000) {
                throw new IllegalStateException("engine timer at " + now + " does not advance");
            }
        }
    }

    // ---- outbound -------------------------------------------------------------------------------

    private static void checkOptionsSupported(Event.Packet p) {
        if (p.options() != null) {
            for (TcpOption o : p.options()) {
                if (o instanceof TcpOption.Unsupported u) {
                    throw new Unsupported(p.line(), "TCP option '" + u.text() + "' is not supported");
                }
            }
        }
    }

    private void expectOutbound(Event.Packet p) throws ScriptFailure {
        checkOptionsSupported(p);
        ensureEngine(p.line());
        EventTime time = p.time();
        long base = time.relative() ? previousEventMicros : 0;
        long expectedMicros = base + time.startMicros();
        long low;
        long high;
        String when;
        switch (time.kind()) {
            case ANY -> {
                low = now;
                high = now + ANY_TIME_HORIZON_NS;
                when = "any time";
            }
            case WINDOW -> {
                long end = (time.endRelative() ? previousEventMicros : 0) + time.endMicros();
                low = (expectedMicros - toleranceMicros) * NS_PER_US;
                high = (end + toleranceMicros) * NS_PER_US;
                when = EventTime.seconds(expectedMicros) + "~" + EventTime.seconds(end) + " s";
            }
            default -> {
                long gap = Math.max(0, expectedMicros - previousEventMicros);
                long tol = Math.max(toleranceMicros, gap / 8); // 12.5% of the gap
                low = (expectedMicros - tol) * NS_PER_US;
                high = (expectedMicros + tol) * NS_PER_US;
                when = EventTime.seconds(expectedMicros) + " s";
            }
        }
        runTimersUntil(high + 1, p);
        if (emitted.isEmpty()) {
            // Say when (if ever) it would have come, for the message.
            String later = "nothing sent by " + EventTime.seconds(high / NS_PER_US) + " s";
            runTimersUntil(high + 60_000_000_000L, p);
            if (!emitted.isEmpty()) {
                later += "; first sent " + emitted.peek().describe(seqOffset, tsOffset);
            }
            throw new ScriptFailure(p.line(), "expected " + p + " at " + when + " actual " + later);
        }
        Observed first = emitted.poll();
        if (first.timeNanos() < low) {
            throw new ScriptFailure(p.line(), "expected " + p + " at " + when + " actual " + first.describe(seqOffset, tsOffset)
                    + " (too early)");
        }
        Observed o = aggregate(first, p, high);
        String mismatch = compare(p, o);
        if (mismatch != null) {
            throw new ScriptFailure(p.line(), "expected " + p + " at " + when + " actual " + o.describe(seqOffset, tsOffset)
                    + " (" + mismatch + ")");
        }
        previousEventMicros = first.timeNanos() / NS_PER_US;
    }

    /**
     * Consecutive data segments are taken together up to the scripted length (a stack may split a
     * write differently than the one the script was written on): contiguous, same ACK, flags or'ed.
     */
    private Observed aggregate(Observed first, Event.Packet p, long high) throws ScriptFailure {
        Observed o = first;
        while (o.length() > 0 && o.length() < p.length() && (o.flags() & (Segment.SYN | Segment.FIN | Segment.RST)) == 0) {
            if (emitted.isEmpty()) {
                runTimersUntil(high + 1, p);
            }
            Observed next = emitted.peek();
            if (next == null || next.length() == 0 || next.seq() != ((o.seq() + o.length()) & 0xFFFFFFFFL)
                    || next.ack() != o.ack() || (next.flags() & (Segment.SYN | Segment.RST)) != 0
                    || o.length() + next.length() > p.length()) {
                break;
            }
            emitted.poll();
            o = new Observed(o.timeNanos(), o.sourcePort(), o.destinationPort(), o.flags() | next.flags(), o.seq(),
                    next.ack(), next.window(), next.urgent(), o.length() + next.length(), next.options());
        }
        return o;
    }

    /** Null when {@code o} matches {@code p}, else what differs. */
    private String compare(Event.Packet p, Observed o) {
        learnTimestamp(p, o);
        if ((o.flags() & p.flags() & Segment.SYN) != 0 && (!localIsnKnown || o.seq() != localIsnActual)) {
            // The engine's ISN cannot be predicted: learn it (RFC 9293 §3.4.1); numbers after the SYN are
            // relative to it as the script wrote it.
            localIsnKnown = true;
            localIsnActual = o.seq();
            seqOffset = (p.start() - o.seq()) & 0xFFFFFFFFL;
        }
        if (o.flags() != p.flags()) {
            return "flags " + Flags.toString(o.flags()) + " instead of " + Flags.toString(p.flags());
        }
        if (o.sourcePort() != localPort || o.destinationPort() != remotePort) {
            return "ports " + o.sourcePort() + " > " + o.destinationPort() + " instead of " + localPort + " > " + remotePort;
        }
        long seq = (o.seq() + seqOffset) & 0xFFFFFFFFL;
        if (seq != p.start()) {
            return "seq " + seq + " instead of " + p.start();
        }
        if (o.length() != p.length()) {
            return "payload length " + o.length() + " instead of " + p.length();
        }
        if (p.ack() != null && o.ack() != p.ack()) {
            return "ack " + o.ack() + " instead of " + p.ack();
        }
        if (p.urgent() != null && o.urgent() != p.urgent()) {
            return "urg " + o.urgent() + " instead of " + p.urgent();
        }
        if (options.lenient()) {
            return null;
        }
        if (p.window() != null && o.window() != p.window()) {
            return "win " + o.window() + " instead of " + p.window();
        }
        if (p.anyOptions()) {
            return null;
        }
        List<TcpOption> want = p.options() == null ? List.of() : p.options();
        List<TcpOption> got = o.options();
        for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
            if (i >= want.size()) {
                return "unexpected option " + got.get(i) + " at position " + (i + 1);
            }
            if (i >= got.size()) {
                return "option " + want.get(i) + " missing at position " + (i + 1);
            }
            TcpOption w = want.get(i);
            TcpOption g = got.get(i);
            if (w.kind() != g.kind()) {
                return "option " + g + " instead of " + w + " at position " + (i + 1);
            }
            if (w instanceof TcpOption.Timestamp wt && g instanceof TcpOption.Timestamp gt) {
                // TSval: any (learned above); TSecr must echo what the script sent (RFC 7323 §4.3)
                if (wt.ecr() != gt.ecr()) {
                    return "TS ecr " + gt.ecr() + " instead of " + wt.ecr();
                }
            } else if (!w.equals(g)) {
                return "option " + g + " instead of " + w + " at position " + (i + 1);
            }
        }
        return null;
    }

    private void learnTimestamp(Event.Packet p, Observed o) {
        if (p.options() == null) {
            return;
        }
        TcpOption.Timestamp want = null;
        TcpOption.Timestamp got = null;
        for (TcpOption t : p.options()) {
            if (t instanceof TcpOption.Timestamp ts) {
                want = ts;
            }
        }
        for (TcpOption t : o.options()) {
            if (t instanceof TcpOption.Timestamp ts) {
                got = ts;
            }
        }
        if (want != null && got != null) {
            tsKnown = true;
            tsOffset = (got.val() - want.val()) & 0xFFFFFFFFL;
        }
    }

    // ---- inbound --------------------------------------------------------------------------------

    private void inject(Event.Packet p) throws ScriptFailure {
        checkOptionsSupported(p);
        long ack = p.ack() == null ? 0 : toActual(p.ack());
        List<TcpOption> opts = p.options();
        if (opts != null) {
            List<TcpOption> mapped = new ArrayList<>(opts.size());
            for (TcpOption o : opts) {
                if (o instanceof TcpOption.Timestamp ts && tsKnown) {
                    mapped.add(new TcpOption.Timestamp(ts.val(), (ts.ecr() + tsOffset) & 0xFFFFFFFFL));
                } else if (o instanceof TcpOption.Sack sack) {
                    List<long[]> blocks = new ArrayList<>();
                    for (long[] b : sack.blocks()) {
                        blocks.add(new long[] {toActual(b[0]), toActual(b[1])});
                    }
                    mapped.add(new TcpOption.Sack(blocks));
                } else {
                    mapped.add(o);
                }
            }
            opts = mapped;
        }
        byte[] bytes;
        try {
            bytes = WireBridge.encodeInbound(remote, local, remotePort, localPort, p.flags(), p.start(), ack,
                    p.window(), p.urgent() == null ? 0 : p.urgent(), opts, new byte[p.length()]);
        } catch (IllegalArgumentException e) {
            throw new ScriptFailure(p.line(), "expected a packet that fits a TCP header actual " + e.getMessage());
        }
        DecodeStatus status = WireBridge.decode(bytes, remote, local, in);
        if (status != DecodeStatus.OK) {
            engine.handleMalformed(status.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        } else {
            engine.handleSegment(remote, in, now);
        }
        drain();
    }

    /** A number in the engine's sequence space, from the script's relative form. */
    private long toActual(long scriptValue) {
        return localIsnKnown ? (scriptValue - seqOffset) & 0xFFFFFFFFL : scriptValue;
    }

    /** Collects what the engine sent and the events it reported; completes a pending blocking call. */
    private void drain() throws ScriptFailure {
        InetAddress to;
        while ((to = engine.pollTransmit(out)) != null) {
            emitted.add(WireBridge.observe(out, local, to, now));
        }
        ConnectionEvent ev;
        while ((ev = engine.pollEvent()) != null) {
            SocketFd fd = byId.get(ev.connection());
            if (fd == null) {
                continue;
            }
            if (ev instanceof ConnectionEvent.Connected) {
                fd.connected = true;
            } else if (ev instanceof ConnectionEvent.Reset r && r.byPeer()) {
                fd.pendingError = r.refused() ? Constants.errno("ECONNREFUSED") : Constants.errno("ECONNRESET");
            } else if (ev instanceof ConnectionEvent.TimedOut) {
                fd.pendingError = Constants.errno("ETIMEDOUT");
            } else if (ev instanceof ConnectionEvent.Closed) {
                fd.released = true;
                fd.handle = -1;
                byId.remove(ev.connection());
            }
        }
        if (pending != null) {
            Event.Syscall c = pending.call;
            Result r = attempt(c);
            if (r != WOULD_BLOCK) {
                Pending done = pending;
                pending = null;
                if (now < done.lowNanos || now > done.highNanos) {
                    throw new ScriptFailure(c.line(), "expected " + c + " to return at "
                            + EventTime.seconds(done.endMicros) + " s actual returned at "
                            + EventTime.seconds(now / NS_PER_US) + " s " + r.describe());
                }
                checkResult(c, r);
            }
        }
    }

    // ---- shell and python -----------------------------------------------------------------------

    private void shell(Event.Shell s) {
        SysctlMapping.Mapped m = SysctlMapping.map(s.command(), engineKeys());
        for (String n : m.notes()) {
            notes.add("line " + s.line() + ": " + n);
        }
        if (!m.settings().isEmpty()) {
            if (engine != null) {
                notes.add("line " + s.line() + ": sysctl after the stack was created: ignored");
                return;
            }
            m.settings().forEach((k, v) -> putScriptSetting(k, v, "script line " + s.line() + " (sysctl)"));
        }
    }

    private void python(Event.Python py) throws ScriptFailure, ScriptSkipped {
        List<String[]> asserts = new ArrayList<>();
        for (String raw : py.code().split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = STATE_ASSERT.matcher(line);
            if (!m.matches()) {
                throw new ScriptSkipped("line " + py.line() + ": unsupported Python (only 'assert tcpi_state == TCPI_X'): "
                        + line);
            }
            asserts.add(new String[] {m.group(1), m.group(2)});
        }
        SocketFd fd = fds.isEmpty() ? null : fds.lastEntry().getValue();
        String actual = fd == null ? "no socket" : tcpiState(fd);
        for (String[] a : asserts) {
            boolean equal = a[1].equals(actual);
            if (equal != a[0].equals("==")) {
                throw new ScriptFailure(py.line(), "expected tcpi_state " + a[0] + " " + a[1] + " actual "
                        + actual + (fd == null ? "" : " (fd " + fd.number + ")"));
            }
        }
    }

    private String tcpiState(SocketFd fd) {
        if (fd.kind == SocketFd.Kind.LISTENER) {
            return "TCPI_LISTEN";
        }
        if (fd.kind == SocketFd.Kind.SOCKET || fd.released || fd.handle < 0) {
            return "TCPI_CLOSE";
        }
        TcpState s = engine.state(fd.handle);
        return switch (s) {
            case CLOSED -> "TCPI_CLOSE";
            case LISTEN -> "TCPI_LISTEN";
            case SYN_SENT -> "TCPI_SYN_SENT";
            case SYN_RECEIVED -> "TCPI_SYN_RECV";
            case ESTABLISHED -> "TCPI_ESTABLISHED";
            case FIN_WAIT_1 -> "TCPI_FIN_WAIT1";
            case FIN_WAIT_2 -> "TCPI_FIN_WAIT2";
            case CLOSE_WAIT -> "TCPI_CLOSE_WAIT";
            case CLOSING -> "TCPI_CLOSING";
            case LAST_ACK -> "TCPI_LAST_ACK";
            case TIME_WAIT -> "TCPI_TIME_WAIT";
        };
    }

    // =============================================================================================
    // system calls
    // =============================================================================================

    private void syscall(Event.Syscall c, long startMicros) throws ScriptFailure, ScriptSkipped {
        boolean blockingForm = c.time().kind() == EventTime.Kind.BLOCKING;
        if (blockingForm && pending != null) {
            throw new ScriptSkipped("line " + c.line() + ": a second blocking call while " + pending.call
                    + " (line " + pending.call.line() + ") is still blocked");
        }
        Result r = attempt(c);
        if (r == WOULD_BLOCK) {
            if (!blockingForm) {
                throw new ScriptFailure(c.line(), "expected " + c + " to return at once actual it blocks "
                        + "(the socket is blocking: write T...E for a call that returns later, or set O_NONBLOCK)");
            }
            long end = (c.time().endRelative() ? startMicros - c.time().startMicros() : 0) + c.time().endMicros();
            long gap = Math.max(0, end - startMicros);
            long tol = Math.max(toleranceMicros, gap / 8);
            pending = new Pending(c, (end - tol) * NS_PER_US, (end + tol) * NS_PER_US, end);
            return;
        }
        if (blockingForm) {
            long end = (c.time().endRelative() ? startMicros - c.time().startMicros() : 0) + c.time().endMicros();
            long tol = Math.max(toleranceMicros, Math.max(0, end - startMicros) / 8);
            if (Math.abs(end - startMicros) > tol) {
                throw new ScriptFailure(c.line(), "expected " + c + " to block until " + EventTime.seconds(end)
                        + " s actual returned at once at " + EventTime.seconds(startMicros) + " s " + r.describe());
            }
        }
        checkResult(c, r);
    }

    private void checkResult(Event.Syscall c, Result r) throws ScriptFailure {
        long want = value(c, c.result());
        boolean wantAny = c.result() instanceof Expr.Ellipsis;
        String expected = c.toString();
        String actual = c.name() + "(...) " + r.describe();
        if (!wantAny && want != r.value) {
            throw new ScriptFailure(c.line(), "expected " + expected + " actual " + actual);
        }
        if (r.value == -1 && c.errno() != null) {
            Integer wantErrno = Constants.errno(c.errno());
            if (wantErrno == null) {
                throw new ScriptFailure(c.line(), "expected a known errno name actual " + c.errno());
            }
            if (wantErrno != r.errno) {
                throw new ScriptFailure(c.line(), "expected " + expected + " actual " + actual);
            }
        } else if (r.value == -1 && c.errno() == null && !wantAny) {
            throw new ScriptFailure(c.line(), "expected " + expected + " actual " + actual + " (no errno in the script)");
        }
        for (Map.Entry<Integer, Long> o : r.outputs.entrySet()) {
            Expr arg = c.args().get(o.getKey());
            if (arg instanceof Expr.Pointer ptr && !(ptr.target() instanceof Expr.Ellipsis)) {
                long w = value(c, ptr.target());
                if (w != o.getValue()) {
                    throw new ScriptFailure(c.line(), "expected " + expected + " actual " + c.name() + "(...) with ["
                            + o.getValue() + (c.name().equals("getsockopt") && o.getValue() > 0
                                    && Constants.errnoName(o.getValue().intValue()).startsWith("E")
                                    && optName(c).equals("SO_ERROR") ? " " + Constants.errnoName(o.getValue().intValue()) : "")
                            + "] in argument " + (o.getKey() + 1));
                }
            }
        }
    }

    private static String optName(Event.Syscall c) {
        return c.args().size() > 2 ? c.args().get(2).toString() : "";
    }

    /** Evaluates an expression to a number. */
    private long value(Event.Syscall c, Expr e) throws ScriptFailure {
        if (e instanceof Expr.Int i) {
            return i.value();
        }
        if (e instanceof Expr.Symbol s) {
            Long v = Constants.symbol(s.name());
            if (v == null) {
                throw new Unsupported(c.line(), "constant " + s.name() + " is not supported");
            }
            return v;
        }
        if (e instanceof Expr.BitOr or) {
            long v = 0;
            for (Expr t : or.terms()) {
                v |= value(c, t);
            }
            return v;
        }
        if (e instanceof Expr.Pointer p) {
            return value(c, p.target());
        }
        if (e instanceof Expr.Call call && call.args().size() == 1
                && (call.function().equals("htons") || call.function().equals("ntohs"))) {
            return value(c, call.args().get(0));
        }
        if (e instanceof Expr.Ellipsis) {
            return 0;
        }
        throw new ScriptFailure(c.line(), "expected a number actual " + e);
    }

    private Result attempt(Event.Syscall c) throws ScriptFailure {
        return switch (c.name()) {
                case "socket" -> socket(c);
                case "bind" -> bind(c);
                case "listen" -> listen(c);
                case "accept", "accept4" -> accept(c);
                case "connect" -> connect(c);
                case "read", "recv", "recvfrom" -> read(c);
                case "write", "send", "sendto" -> write(c);
                case "shutdown" -> shutdown(c);
                case "close" -> close(c);
                case "fcntl" -> fcntl(c);
                case "setsockopt" -> setsockopt(c);
                case "getsockopt" -> getsockopt(c);
                case "ioctl" -> ioctl(c);
            default -> throw new Unsupported(c.line(), "system call " + c.name() + " is not supported");
        };
    }

    /** Thrown for an unsupported call or option: the script is skipped with the reason. */
    private static final class Unsupported extends RuntimeException {
        Unsupported(int line, String message) {
            super("line " + line + ": " + message, null, false, false);
        }
    }

    private long arg(Event.Syscall c, int i) throws ScriptFailure {
        if (i >= c.args().size()) {
            throw new ScriptFailure(c.line(), "expected at least " + (i + 1) + " arguments to " + c.name() + " actual "
                    + c.args().size());
        }
        return value(c, c.args().get(i));
    }

    private SocketFd fd(Event.Syscall c) throws ScriptFailure {
        long n = arg(c, 0);
        return fds.get((int) n);
    }

    private static final Result EBADF = Result.error(9);

    private Result socket(Event.Syscall c) {
        int n = 3;
        while (fds.containsKey(n)) {
            n++;
        }
        SocketFd fd = new SocketFd(n);
        fds.put(n, fd);
        return Result.ok(n);
    }

    private Result bind(Event.Syscall c) throws ScriptFailure {
        SocketFd fd = fd(c);
        if (fd == null) {
            return EBADF;
        }
        if (fd.kind != SocketFd.Kind.SOCKET || fd.boundPort != 0) {
            return Result.error(Constants.errno("EINVAL"));
        }
        int port = DEFAULT_LOCAL_PORT;
        if (c.args().size() > 1 && c.args().get(1) instanceof Expr.Struct s) {
            Expr p = s.get("sin_port") != null ? s.get("sin_port") : s.get("sin6_port");
            if (p != null) {
                port = (int) value(c, p);
            }
        }
        for (SocketFd other : fds.values()) {
            if (other != fd && other.boundPort == port && other.kind == SocketFd.Kind.LISTENER) {
                return Result.error(Constants.errno("EADDRINUSE"));
            }
        }
        fd.boundPort = port;
        return Result.ok(0);
    }

    private Result listen(Event.Syscall c) throws ScriptFailure {
        SocketFd fd = fd(c);
        if (fd == null) {
            return EBADF;
        }
        if (fd.kind == SocketFd.Kind.LISTENER) {
            return Result.ok(0);
        }
        if (fd.kind != SocketFd.Kind.SOCKET) {
            return Result.error(Constants.errno("EINVAL"));
        }
        int port = fd.boundPort == 0 ? DEFAULT_LOCAL_PORT : fd.boundPort;
        int backlog = c.args().size() > 1 ? (int) Math.max(1, arg(c, 1)) : 1;
        try {
            fd.listener = engine.listen(port, backlog);
        } catch (AddressInUseException e) {
            return Result.error(Constants.errno("EADDRINUSE"));
        } catch (SynackException e) {
            return Result.error(Constants.errno("EINVAL"));
        }
        fd.kind = SocketFd.Kind.LISTENER;
        fd.boundPort = port;
        localPort = port;
        remotePort = PASSIVE_REMOTE_PORT;
        return Result.ok(0);
    }

    private Result accept(Event.Syscall c) throws ScriptFailure {
        SocketFd fd = fd(c);
        if (fd == null) {
            return EBADF;
        }
        if (fd.kind != SocketFd.Kind.LISTENER) {
            return Result.error(Constants.errno("EINVAL"));
        }
        int h = engine.accept(fd.listener);
        if (h < 0) {
            return fd.nonBlocking ? Result.error(Constants.errno("EAGAIN")) : WOULD_BLOCK;
        }
        int n = 3;
        while (fds.containsKey(n)) {
            n++;
        }
        SocketFd child = new SocketFd(n);
        child.kind = SocketFd.Kind.CONNECTION;
        child.handle = h;
        child.id = engine.id(h);
        child.connected = true;
        child.boundPort = fd.boundPort;
        child.noDelay = fd.noDelay;
        child.keepAlive = fd.keepAlive;
        child.userTimeoutMillis = fd.userTimeoutMillis;
        applySocketOptions(child);
        fds.put(n, child);
        byId.put(child.id, child);
        localPort = child.id.local().getPort();
        remotePort = child.id.remote().getPort();
        return Result.ok(n);
    }

    private Result connect(Event.Syscall c) throws ScriptFailure {
        SocketFd fd = fd(c);
        if (fd == null) {
            return EBADF;
        }
        if (fd.kind == SocketFd.Kind.LISTENER) {
            return Result.error(Constants.errno("EISCONN"));
        }
        if (fd.kind == SocketFd.Kind.CONNECTION) {
            // a repeated connect (non-blocking socket), or the completion of a blocking one
            if (fd.pendingError != 0) {
                return takeError(fd);
            }
            if (fd.connected) {
                return pending != null && pending.call == c ? Result.ok(0) : Result.error(Constants.errno("EISCONN"));
            }
            if (fd.released) {
                return Result.error(Constants.errno("ECONNABORTED"));
            }
            return fd.nonBlocking ? Result.error(Constants.errno("EALREADY")) : WOULD_BLOCK;
        }
        int port = ACTIVE_REMOTE_PORT;
        if (c.args().size() > 1 && c.args().get(1) instanceof Expr.Struct s) {
            Expr p = s.get("sin_port") != null ? s.get("sin_port") : s.get("sin6_port");
            if (p != null) {
                port = (int) value(c, p);
            }
        }
        try {
            fd.handle = engine.connect(new InetSocketAddress(remote, port), fd.boundPort, now);
        } catch (AddressInUseException e) {
            return Result.error(Constants.errno("EADDRINUSE"));
        } catch (SynackException e) {
            return Result.error(Constants.errno("EINVAL"));
        }
        fd.kind = SocketFd.Kind.CONNECTION;
        fd.id = engine.id(fd.handle);
        byId.put(fd.id, fd);
        applySocketOptions(fd);
        localPort = fd.id.local().getPort();
        remotePort = port;
        drain();
        if (fd.nonBlocking) {
            return Result.error(Constants.errno("EINPROGRESS"));
        }
        return fd.connected ? Result.ok(0) : WOULD_BLOCK;
    }

    /** Options set before the connection existed (or inherited from the listener, as Linux). */
    private void applySocketOptions(SocketFd fd) {
        if (fd.noDelay) {
            engine.setNoDelay(fd.handle, true);
        }
        if (fd.keepAlive) {
            engine.setKeepAlive(fd.handle, true, now);
        }
        if (fd.userTimeoutMillis > 0) {
            engine.setR2(fd.handle, fd.userTimeoutMillis * 1_000_000L);
        }
    }

    private Result takeError(SocketFd fd) {
        int e = fd.pendingError;
        fd.pendingError = 0;
        fd.errorReported = true;
        return Result.error(e);
    }

    private Result read(Event.Syscall c) throws ScriptFailure {
        SocketFd fd = fd(c);
        if (fd == null) {
            return EBADF;
        }
        if (fd.kind != SocketFd.Kind.CONNECTION) {
            return Result.error(Constants.errno("ENOTCONN"));
        }
        long count = c.args().size() > 2 ? arg(c, 2) : 0;
        if (fd.pendingError != 0) {
            return takeError(fd);
        }
        if (fd.released) {
            return Result.ok(0);
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(0, Math.min(count, 1 << 24)));
        int n;
        try {
            n = engine.receive(fd.handle, buffer, now);
        } catch (ConnectionResetException e) {
            return Result.error(Constants.errno("ECONNRESET"));
        } catch (ConnectionTimedOutException e) {
            return Result.error(Constants.errno("ETIMEDOUT"));
        } catch (SynackException e) {
            return Result.error(Constants.errno("ENOTCONN"));
        }
        drainOutputsOnly();
        if (n > 0) {
            return Result.ok(n);
        }
        if (n < 0 || fd.shutRead || count == 0) {
            return Result.ok(0);
        }
        if (engine.state(fd.handle) == TcpState.CLOSED) {
            return Result.ok(0);
        }
        return fd.nonBlocking ? Result.error(Constants.errno("EAGAIN")) : WOULD_BLOCK;
    }

    private Result write(Event.Syscall c) throws ScriptFailure {
        SocketFd fd = fd(c);
        if (fd == null) {
            return EBADF;
        }
        if (fd.kind != SocketFd.Kind.CONNECTION) {
            return Result.error(Constants.errno(fd.kind == SocketFd.Kind.LISTENER ? "ENOTCONN" : "EPIPE"));
        }
        long count = c.args().size() > 2 ? arg(c, 2) : 0;
        if (fd.pendingError != 0) {
            return takeError(fd);
        }
        if (fd.shutWrite || fd.released) {
            return Result.error(Constants.errno("EPIPE"));
        }
        TcpState state = engine.state(fd.handle);
        if (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED) {
            // Linux waits for the connection before queuing (sk_stream_wait_connect)
            return fd.nonBlocking ? Result.error(Constants.errno("EAGAIN")) : WOULD_BLOCK;
        }
        long written = pending != null && pending.call == c ? pendingWritten : 0;
        long left = count - written;
        if (left <= 0) {
            return Result.ok(count);
        }
        int n;
        try {
            n = engine.send(fd.handle, ByteBuffer.allocate((int) Math.min(left, 1 << 24)), now);
        } catch (ConnectionResetException e) {
            return Result.error(Constants.errno("ECONNRESET"));
        } catch (ConnectionTimedOutException e) {
            return Result.error(Constants.errno("ETIMEDOUT"));
        } catch (ConnectionClosedException e) {
            return Result.error(Constants.errno("EPIPE"));
        } catch (SynackException e) {
            return Result.error(Constants.errno("EPIPE"));
        }
        drainOutputsOnly();
        written += n;
        if (written >= count) {
            pendingWritten = 0;
            return Result.ok(count);
        }
        if (fd.nonBlocking) {
            return written > 0 ? Result.ok(written) : Result.error(Constants.errno("EAGAIN"));
        }
        pendingWritten = written; // a blocking write returns when all is queued
        return WOULD_BLOCK;
    }

    private long pendingWritten;

    /** Outputs of a user call are collected at once (the call happened now). */
    private void drainOutputsOnly() {
        InetAddress to;
        while ((to = engine.pollTransmit(out)) != null) {
            emitted.add(WireBridge.observe(out, local, to, now));
        }
    }

    private Result shutdown(Event.Syscall c) throws ScriptFailure {
        SocketFd fd = fd(c);
        if (fd == null) {
            return EBADF;
        }
        if (fd.kind != SocketFd.Kind.CONNECTION || fd.released) {
            return Result.error(Constants.errno("ENOTCONN"));
        }
        long how = arg(c, 1);
        if (how == Constants.SHUT_RD || how == Constants.SHUT_RDWR) {
            // Approximation (README): the engine has no SHUT_RD; as Linux, nothing is sent and
            // reads return what is queued, then 0.
            fd.shutRead = true;
        }
        if (how == Constants.SHUT_WR || how == Constants.SHUT_RDWR) {
            fd.shutWrite = true;
            engine.shutdownOutput(fd.handle, now);
        }
        if (how < 0 || how > 2) {
            return Result.error(Constants.errno("EINVAL"));
        }
        drain();
        return Result.ok(0);
    }

    private Result close(Event.Syscall c) throws ScriptFailure {
        SocketFd fd = fd(c);
        if (fd == null) {
            return EBADF;
        }
        fds.remove(fd.number);
        if (fd.kind == SocketFd.Kind.LISTENER) {
            engine.closeListener(fd.listener, now);
        } else if (fd.kind == SocketFd.Kind.CONNECTION && !fd.released && fd.handle >= 0) {
            if (fd.lingerAbort) {
                engine.abort(fd.handle, now); // SO_LINGER {onoff=1, linger=0}: RST (RFC 9293 §3.10.5 ABORT)
            } else {
                engine.close(fd.handle, now);
            }
        }
        drain();
        if (fd.id != null) {
            byId.remove(fd.id);
        }
        return Result.ok(0);
    }

    private Result fcntl(Event.Syscall c) throws ScriptFailure {
        SocketFd fd = fd(c);
        if (fd == null) {
            return EBADF;
        }
        long cmd = arg(c, 1);
        if (cmd == Constants.F_GETFL) {
            return Result.ok(Constants.O_RDWR | (fd.nonBlocking ? Constants.O_NONBLOCK : 0));
        }
        if (cmd == Constants.F_SETFL) {
            fd.nonBlocking = (arg(c, 2) & Constants.O_NONBLOCK) != 0;
            return Result.ok(0);
        }
        throw new Unsupported(c.line(), "fcntl command " + c.args().get(1) + " is not supported (F_GETFL, F_SETFL)");
    }

    private Result setsockopt(Event.Syscall c) throws ScriptFailure {
        SocketFd fd = fd(c);
        if (fd == null) {
            return EBADF;
        }
        long level = arg(c, 1);
        String name = optName(c);
        Expr valueArg = c.args().size() > 3 ? c.args().get(3) : new Expr.Int(0);
        if (level == Constants.SOL_SOCKET) {
            switch (name) {
                case "SO_REUSEADDR" -> {
                    fd.reuseAddress = value(c, valueArg) != 0;
                    return Result.ok(0);
                }
                case "SO_LINGER" -> {
                    if (valueArg instanceof Expr.Struct s) {
                        fd.lingerOnOff = s.get("l_onoff") != null ? (int) value(c, s.get("l_onoff"))
                                : s.get("onoff") != null ? (int) value(c, s.get("onoff")) : 0;
                        Expr l = s.get("l_linger") != null ? s.get("l_linger") : s.get("linger");
                        fd.lingerSeconds = l == null ? 0 : (int) value(c, l);
                        fd.lingerAbort = fd.lingerOnOff != 0 && fd.lingerSeconds == 0;
                        if (fd.lingerOnOff != 0 && fd.lingerSeconds != 0) {
                            notes.add("line " + c.line() + ": SO_LINGER with a timeout: close() does not wait (approximation)");
                        }
                        return Result.ok(0);
                    }
                    return Result.error(Constants.errno("EINVAL"));
                }
                case "SO_KEEPALIVE" -> {
                    // RFC 9293 §3.8.4 (MUST-24: off unless asked), as Linux's SO_KEEPALIVE
                    fd.keepAlive = value(c, valueArg) != 0;
                    if (fd.handle >= 0 && !fd.released) {
                        engine.setKeepAlive(fd.handle, fd.keepAlive, now);
                        drainOutputsOnly();
                    }
                    return Result.ok(0);
                }
                case "SO_RCVBUF" -> {
                    fd.receiveBuffer = (int) value(c, valueArg);
                    notes.add("line " + c.line() + ": SO_RCVBUF recorded only (buffers come from synack.tcp.receive-buffer)");
                    return Result.ok(0);
                }
                case "SO_SNDBUF" -> {
                    fd.sendBuffer = (int) value(c, valueArg);
                    notes.add("line " + c.line() + ": SO_SNDBUF recorded only (buffers come from synack.tcp.send-buffer)");
                    return Result.ok(0);
                }
                default -> throw new Unsupported(c.line(), "setsockopt " + name + " is not supported");
            }
        }
        if (level == Constants.IPPROTO_TCP && name.equals("TCP_USER_TIMEOUT")) {
            // Linux TCP_USER_TIMEOUT (RFC 5482) in ms: this connection's R2 (RFC 9293 §3.8.3, MUST-21)
            long ms = value(c, valueArg);
            if (ms < 0) {
                return Result.error(Constants.errno("EINVAL"));
            }
            fd.userTimeoutMillis = ms;
            if (ms > 0 && fd.handle >= 0 && !fd.released) {
                engine.setR2(fd.handle, ms * 1_000_000L);
            }
            return Result.ok(0);
        }
        if (level == Constants.IPPROTO_TCP && name.equals("TCP_NODELAY")) {
            fd.noDelay = value(c, valueArg) != 0;
            if (fd.handle >= 0 && !fd.released) {
                engine.setNoDelay(fd.handle, fd.noDelay);
                drainOutputsOnly();
            }
            return Result.ok(0);
        }
        throw new Unsupported(c.line(), "setsockopt " + name + " is not supported");
    }

    private Result getsockopt(Event.Syscall c) throws ScriptFailure {
        SocketFd fd = fd(c);
        if (fd == null) {
            return EBADF;
        }
        long level = arg(c, 1);
        String name = optName(c);
        long v;
        if (level == Constants.SOL_SOCKET) {
            switch (name) {
                case "SO_ERROR" -> {
                    v = fd.pendingError;
                    fd.pendingError = 0;
                    if (v != 0) {
                        fd.errorReported = true;
                    }
                }
                case "SO_REUSEADDR" -> v = fd.reuseAddress ? 1 : 0;
                case "SO_KEEPALIVE" -> v = fd.keepAlive ? 1 : 0;
                // Linux doubles the value set (for bookkeeping overhead) and reports the double
                case "SO_RCVBUF" -> v = fd.receiveBuffer > 0 ? 2L * fd.receiveBuffer : receiveBufferSetting();
                case "SO_SNDBUF" -> v = fd.sendBuffer > 0 ? 2L * fd.sendBuffer : sendBufferSetting();
                case "SO_LINGER" -> {
                    return Result.ok(0);
                }
                default -> throw new Unsupported(c.line(), "getsockopt " + name + " is not supported");
            }
        } else if (level == Constants.IPPROTO_TCP && name.equals("TCP_NODELAY")) {
            v = fd.noDelay ? 1 : 0;
        } else if (level == Constants.IPPROTO_TCP && name.equals("TCP_USER_TIMEOUT")) {
            v = fd.userTimeoutMillis;
        } else {
            throw new Unsupported(c.line(), "getsockopt " + name + " is not supported");
        }
        return new Result(0, 0, Map.of(3, v));
    }

    private long receiveBufferSetting() {
        return engineConfigValue(EngineSettings.RECEIVE_BUFFER);
    }

    private long sendBufferSetting() {
        return engineConfigValue(EngineSettings.SEND_BUFFER);
    }

    private long engineConfigValue(Setting<Long> setting) {
        String v = options.settings().getOrDefault(setting.key(), scriptSettings.get(setting.key()));
        if (v == null) {
            return setting.defaultValue();
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return setting.defaultValue();
        }
    }

    private Result ioctl(Event.Syscall c) throws ScriptFailure {
        SocketFd fd = fd(c);
        if (fd == null) {
            return EBADF;
        }
        long request = arg(c, 1);
        if (request != Constants.FIONREAD) {
            throw new Unsupported(c.line(), "ioctl " + c.args().get(1) + " is not supported (FIONREAD, SIOCINQ)");
        }
        if (fd.kind == SocketFd.Kind.LISTENER) {
            return Result.error(Constants.errno("EINVAL"));
        }
        long v = fd.kind == SocketFd.Kind.CONNECTION && !fd.released ? engine.readableBytes(fd.handle) : 0;
        return new Result(0, 0, Map.of(2, v));
    }
}
