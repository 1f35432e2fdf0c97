package io.synack.conformance.runner;

import io.synack.api.ConnectionEvent;
import io.synack.api.InvalidConfigurationException;
import io.synack.conformance.script.Event;
import io.synack.conformance.script.EventTime;
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
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
final class Execution implements SocketCalls.Context {
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

    // the engine's ISN and TSval as the script writes them
    private final SequenceMap map = new SequenceMap();

    private final SocketCalls calls = new SocketCalls(this);

    // timing
    private long previousEventMicros;
    /** When the previous event was scripted to happen (an outbound packet may come within tolerance of it). */
    private long previousScriptedMicros;
    private Pending pending;

    /** A blocking call (T...E) in progress. */
    private record Pending(Event.Syscall call, long lowNanos, long highNanos, long endMicros) {}


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
        } catch (UnsupportedFeature u) {
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

    private void applyOptionLines() throws ScriptFailure {
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
                        throw new UnsupportedFeature(o.line(), "--ip_version=" + v + " is not supported (ipv4 or ipv6)");
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

    private void step(Event e) throws ScriptFailure {
        EventTime time = e.time();
        long base = time.relative() ? previousEventMicros : 0;
        long start = base + time.startMicros();
        if (e instanceof Event.Packet p && p.direction() == Event.Direction.OUTBOUND) {
            expectOutbound(p);
            return;
        }
        if (start < Math.min(previousEventMicros, previousScriptedMicros)) {
            throw new ScriptFailure(e.line(), "expected event times in order actual " + time + " is "
                    + EventTime.seconds(start) + " s, before the previous event at " + EventTime.seconds(previousEventMicros) + " s");
        }
        // An absolute time a little before the previous event (which happened late, within its
        // tolerance) means "now".
        start = Math.max(start, previousEventMicros);
        previousScriptedMicros = start;
        if (e instanceof Event.Shell s) {
            shell(s);
            // shell lines take no time of their own
            return;
        }
        if (e instanceof Event.Packet) {
            ensureEngine(e.line());
        }
        // (system calls create the stack when they first need it: socket options set before listen
        // or connect can still configure it)
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
                    + map.describe(o) + " (unexpected packet)");
        }
    }

    /**
     * Runs timers with deadlines before {@code limit}; stops early when something is sent and
     * {@code stopOn} is given. A blocking call that passes its return time fails.
     */
    private void runTimersUntil(long limit, Event stopOn) throws ScriptFailure {
        if (engine == null) {
            return; // no stack yet: no timers
        }
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
                    throw new UnsupportedFeature(p.line(), "TCP option '" + u.text() + "' is not supported");
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
                later += "; first sent " + map.describe(emitted.peek());
            }
            throw new ScriptFailure(p.line(), "expected " + p + " at " + when + " actual " + later);
        }
        Observed first = emitted.poll();
        if (first.timeNanos() < low) {
            throw new ScriptFailure(p.line(), "expected " + p + " at " + when + " actual " + map.describe(first)
                    + " (too early)");
        }
        Observed o = aggregate(first, p, high);
        String mismatch = SegmentMatcher.mismatch(p, o, map, localPort, remotePort, options.lenient());
        if (mismatch != null) {
            throw new ScriptFailure(p.line(), "expected " + p + " at " + when + " actual " + map.describe(o)
                    + " (" + mismatch + ")");
        }
        previousEventMicros = first.timeNanos() / NS_PER_US;
        previousScriptedMicros = time.kind() == EventTime.Kind.POINT ? expectedMicros : previousEventMicros;
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

    // ---- inbound --------------------------------------------------------------------------------

    private void inject(Event.Packet p) throws ScriptFailure {
        checkOptionsSupported(p);
        long ack = p.ack() == null ? 0 : map.toActual(p.ack());
        List<TcpOption> opts = map.toActual(p.options());
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

    /** Collects what the engine sent and the events it reported; completes a pending blocking call. */
    @Override
    public void drain() throws ScriptFailure {
        if (engine == null) {
            return;
        }
        collectOutputs();
        ConnectionEvent ev;
        while ((ev = engine.pollEvent()) != null) {
            calls.onEvent(ev);
        }
        if (pending != null) {
            Event.Syscall c = pending.call;
            SocketCalls.Result r = calls.attempt(c);
            if (r != SocketCalls.WOULD_BLOCK) {
                Pending done = pending;
                pending = null;
                if (now < done.lowNanos || now > done.highNanos) {
                    throw new ScriptFailure(c.line(), "expected " + c + " to return at "
                            + EventTime.seconds(done.endMicros) + " s actual returned at "
                            + EventTime.seconds(now / NS_PER_US) + " s " + r.describe());
                }
                calls.checkResult(c, r);
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

    private void python(Event.Python py) throws ScriptFailure {
        List<String[]> asserts = new ArrayList<>();
        for (String raw : py.code().split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = STATE_ASSERT.matcher(line);
            if (!m.matches()) {
                throw new UnsupportedFeature(py.line(), "unsupported Python (only 'assert tcpi_state == TCPI_X'): "
                        + line);
            }
            asserts.add(new String[] {m.group(1), m.group(2)});
        }
        SocketFd fd = calls.highestFd();
        String actual = fd == null ? "no socket" : calls.tcpiState(fd);
        for (String[] a : asserts) {
            boolean equal = a[1].equals(actual);
            if (equal != a[0].equals("==")) {
                throw new ScriptFailure(py.line(), "expected tcpi_state " + a[0] + " " + a[1] + " actual "
                        + actual + (fd == null ? "" : " (fd " + fd.number + ")"));
            }
        }
    }


    // =============================================================================================
    // system calls
    // =============================================================================================

    private void syscall(Event.Syscall c, long startMicros) throws ScriptFailure {
        boolean blockingForm = c.time().kind() == EventTime.Kind.BLOCKING;
        if (blockingForm && pending != null) {
            throw new UnsupportedFeature(c.line(), "a second blocking call while " + pending.call
                    + " (line " + pending.call.line() + ") is still blocked");
        }
        SocketCalls.Result r = calls.attempt(c);
        if (r == SocketCalls.WOULD_BLOCK) {
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
        calls.checkResult(c, r);
    }

    // =============================================================================================
    // what the system calls see (SocketCalls.Context)
    // =============================================================================================

    @Override
    public TcpEngine engine() throws ScriptFailure {
        ensureEngine(currentLine);
        return engine;
    }

    @Override
    public boolean configureStack(Setting<?> setting, String value, int line, String what) {
        if (engine != null) {
            return false;
        }
        putScriptSetting(setting.key(), value, "script line " + line + " (" + what + ")");
        return true;
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public InetAddress remote() {
        return remote;
    }

    @Override
    public void collectOutputs() {
        if (engine == null) {
            return;
        }
        InetAddress to;
        while ((to = engine.pollTransmit(out)) != null) {
            emitted.add(WireBridge.observe(out, local, to, now));
        }
    }

    @Override
    public void flow(int localPort, int remotePort) {
        this.localPort = localPort;
        this.remotePort = remotePort;
    }

    @Override
    public void note(int line, String text) {
        notes.add("line " + line + ": " + text);
    }

    @Override
    public boolean isPending(Event.Syscall c) {
        return pending != null && pending.call == c;
    }

    @Override
    public String settingText(Setting<?> setting) {
        return options.settings().getOrDefault(setting.key(), scriptSettings.get(setting.key()));
    }
}
