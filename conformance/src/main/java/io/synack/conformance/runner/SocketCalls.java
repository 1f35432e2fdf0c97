package io.synack.conformance.runner;

import io.synack.api.AddressInUseException;
import io.synack.api.ConnectionClosedException;
import io.synack.api.ConnectionEvent;
import io.synack.api.ConnectionId;
import io.synack.api.ConnectionResetException;
import io.synack.api.ConnectionTimedOutException;
import io.synack.api.SynackException;
import io.synack.api.TcpState;
import io.synack.conformance.script.Event;
import io.synack.conformance.script.Expr;
import io.synack.core.engine.EngineSettings;
import io.synack.core.engine.TcpEngine;
import io.synack.spi.Setting;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The script's system calls on the engine's user API, and the socket table they work on (the
 * mapping is tabled in the module README). Linux's socket semantics where the engine's API is
 * narrower: the fd numbers, EAGAIN versus blocking, errors reported once (sk_err), EPIPE after the
 * write side is shut.
 */
final class SocketCalls {

    /** What a call needs from the run it is part of. */
    interface Context {
        /** The stack, created at the first call that needs it. */
        TcpEngine engine() throws ScriptFailure;

        /**
         * Sets an engine setting from a socket option while the stack does not exist yet (below
         * {@code -s}, as the sysctl lines).
         *
         * @return false if the stack already exists
         */
        boolean configureStack(Setting<?> setting, String value, int line, String what);

        long now();

        InetAddress remote();

        /** Collects what the engine sent and reported (and completes a pending blocking call). */
        void drain() throws ScriptFailure;

        /** Collects only what the engine sent (a call's own output happens at once). */
        void collectOutputs();

        /** The connection the script's packets now belong to. */
        void flow(int localPort, int remotePort);

        void note(int line, String text);

        /** Whether {@code c} is the blocking call in progress. */
        boolean isPending(Event.Syscall c);

        /** The text of a setting as configured for this run, or null for the default. */
        String settingText(Setting<?> setting);
    }

    /** What a call returned: a value, or -1 and an errno; pointer outputs by argument index. */
    record Result(long value, int errno, Map<Integer, Long> outputs) {
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

    /** The call cannot complete now (a blocking socket would sleep). */
    static final Result WOULD_BLOCK = new Result(Long.MIN_VALUE, 0, Map.of());

    private final Context ctx;
    private final TreeMap<Integer, SocketFd> fds = new TreeMap<>();
    private final Map<ConnectionId, SocketFd> byId = new HashMap<>();

    SocketCalls(Context ctx) {
        this.ctx = ctx;
    }

    /** The highest-numbered open fd (the one Python state assertions look at), or null. */
    SocketFd highestFd() {
        return fds.isEmpty() ? null : fds.lastEntry().getValue();
    }

    /** Files an engine event on the socket it concerns (Linux's sk_err, connected, released). */
    void onEvent(ConnectionEvent ev) {
        SocketFd fd = byId.get(ev.connection());
        if (fd == null) {
            return;
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

    /** The state of a socket under Linux's TCPI_ names. */
    String tcpiState(SocketFd fd) throws ScriptFailure {
        if (fd.kind == SocketFd.Kind.LISTENER) {
            return "TCPI_LISTEN";
        }
        if (fd.kind == SocketFd.Kind.SOCKET || fd.released || fd.handle < 0) {
            return "TCPI_CLOSE";
        }
        TcpState s = ctx.engine().state(fd.handle);
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

    void checkResult(Event.Syscall c, Result r) throws ScriptFailure {
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
                    long v = o.getValue();
                    // SO_ERROR's value reads better as its name: [ECONNREFUSED] rather than [111]
                    String shown = optName(c).equals("SO_ERROR") && v > 0 ? Constants.errnoName((int) v) : Long.toString(v);
                    throw new ScriptFailure(c.line(), "expected " + expected + " actual " + c.name() + "(...) with ["
                            + shown + "] in argument " + (o.getKey() + 1));
                }
            }
        }
    }

    static String optName(Event.Syscall c) {
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
                throw new UnsupportedFeature(c.line(), "constant " + s.name() + " is not supported");
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

    Result attempt(Event.Syscall c) throws ScriptFailure {
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
            default -> throw new UnsupportedFeature(c.line(), "system call " + c.name() + " is not supported");
        };
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
        int port = Execution.DEFAULT_LOCAL_PORT;
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
        int port = fd.boundPort == 0 ? Execution.DEFAULT_LOCAL_PORT : fd.boundPort;
        int backlog = c.args().size() > 1 ? (int) Math.max(1, arg(c, 1)) : 1;
        try {
            fd.listener = ctx.engine().listen(port, backlog);
        } catch (AddressInUseException e) {
            return Result.error(Constants.errno("EADDRINUSE"));
        } catch (SynackException e) {
            return Result.error(Constants.errno("EINVAL"));
        }
        fd.kind = SocketFd.Kind.LISTENER;
        fd.boundPort = port;
        ctx.flow(port, Execution.PASSIVE_REMOTE_PORT);
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
        int h = ctx.engine().accept(fd.listener);
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
        child.id = ctx.engine().id(h);
        child.connected = true;
        child.boundPort = fd.boundPort;
        child.noDelay = fd.noDelay;
        child.keepAlive = fd.keepAlive;
        child.userTimeoutMillis = fd.userTimeoutMillis;
        applySocketOptions(child);
        fds.put(n, child);
        byId.put(child.id, child);
        ctx.flow(child.id.local().getPort(), child.id.remote().getPort());
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
                return ctx.isPending(c) ? Result.ok(0) : Result.error(Constants.errno("EISCONN"));
            }
            if (fd.released) {
                return Result.error(Constants.errno("ECONNABORTED"));
            }
            return fd.nonBlocking ? Result.error(Constants.errno("EALREADY")) : WOULD_BLOCK;
        }
        int port = Execution.ACTIVE_REMOTE_PORT;
        if (c.args().size() > 1 && c.args().get(1) instanceof Expr.Struct s) {
            Expr p = s.get("sin_port") != null ? s.get("sin_port") : s.get("sin6_port");
            if (p != null) {
                port = (int) value(c, p);
            }
        }
        try {
            fd.handle = ctx.engine().connect(new InetSocketAddress(ctx.remote(), port), fd.boundPort, ctx.now());
        } catch (AddressInUseException e) {
            return Result.error(Constants.errno("EADDRINUSE"));
        } catch (SynackException e) {
            return Result.error(Constants.errno("EINVAL"));
        }
        fd.kind = SocketFd.Kind.CONNECTION;
        fd.id = ctx.engine().id(fd.handle);
        byId.put(fd.id, fd);
        applySocketOptions(fd);
        ctx.flow(fd.id.local().getPort(), port);
        ctx.drain();
        if (fd.nonBlocking) {
            return Result.error(Constants.errno("EINPROGRESS"));
        }
        return fd.connected ? Result.ok(0) : WOULD_BLOCK;
    }

    /** Options set before the connection existed (or inherited from the listener, as Linux). */
    private void applySocketOptions(SocketFd fd) throws ScriptFailure {
        if (fd.noDelay) {
            ctx.engine().setNoDelay(fd.handle, true);
        }
        if (fd.keepAlive) {
            ctx.engine().setKeepAlive(fd.handle, true, ctx.now());
        }
        if (fd.userTimeoutMillis > 0) {
            ctx.engine().setR2(fd.handle, fd.userTimeoutMillis * 1_000_000L);
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
        long flags = c.name().equals("read") || c.args().size() < 4 ? 0 : arg(c, 3);
        if ((flags & Constants.MSG_PEEK) != 0) {
            throw new UnsupportedFeature(c.line(), "recv with MSG_PEEK is not supported");
        }
        boolean nonBlocking = fd.nonBlocking || (flags & Constants.MSG_DONTWAIT) != 0;
        if (fd.pendingError != 0) {
            return takeError(fd);
        }
        if (fd.released) {
            return Result.ok(0);
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(0, Math.min(count, 1 << 24)));
        int n;
        try {
            n = ctx.engine().receive(fd.handle, buffer, ctx.now());
        } catch (ConnectionResetException e) {
            return Result.error(Constants.errno("ECONNRESET"));
        } catch (ConnectionTimedOutException e) {
            return Result.error(Constants.errno("ETIMEDOUT"));
        } catch (SynackException e) {
            return Result.error(Constants.errno("ENOTCONN"));
        }
        ctx.collectOutputs();
        if (n > 0) {
            return Result.ok(n);
        }
        if (n < 0 || fd.shutRead || count == 0) {
            return Result.ok(0);
        }
        if (ctx.engine().state(fd.handle) == TcpState.CLOSED) {
            return Result.ok(0);
        }
        return nonBlocking ? Result.error(Constants.errno("EAGAIN")) : WOULD_BLOCK;
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
        TcpState state = ctx.engine().state(fd.handle);
        if (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED) {
            // Linux waits for the connection before queuing (sk_stream_wait_connect)
            return fd.nonBlocking ? Result.error(Constants.errno("EAGAIN")) : WOULD_BLOCK;
        }
        long written = ctx.isPending(c) ? pendingWritten : 0;
        long left = count - written;
        if (left <= 0) {
            return Result.ok(count);
        }
        int n;
        try {
            n = ctx.engine().send(fd.handle, ByteBuffer.allocate((int) Math.min(left, 1 << 24)), ctx.now());
        } catch (ConnectionResetException e) {
            return Result.error(Constants.errno("ECONNRESET"));
        } catch (ConnectionTimedOutException e) {
            return Result.error(Constants.errno("ETIMEDOUT"));
        } catch (ConnectionClosedException e) {
            return Result.error(Constants.errno("EPIPE"));
        } catch (SynackException e) {
            return Result.error(Constants.errno("EPIPE"));
        }
        ctx.collectOutputs();
        written += n;
        if (written >= count) {
            return Result.ok(count);
        }
        if (fd.nonBlocking) {
            return written > 0 ? Result.ok(written) : Result.error(Constants.errno("EAGAIN"));
        }
        pendingWritten = written; // a blocking write returns when all is queued
        return WOULD_BLOCK;
    }

    /** Bytes the blocking write in progress has queued so far (there is at most one blocking call). */
    private long pendingWritten;


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
            ctx.engine().shutdownOutput(fd.handle, ctx.now());
        }
        if (how < 0 || how > 2) {
            return Result.error(Constants.errno("EINVAL"));
        }
        ctx.drain();
        return Result.ok(0);
    }

    private Result close(Event.Syscall c) throws ScriptFailure {
        SocketFd fd = fd(c);
        if (fd == null) {
            return EBADF;
        }
        fds.remove(fd.number);
        if (fd.kind == SocketFd.Kind.LISTENER) {
            ctx.engine().closeListener(fd.listener, ctx.now());
        } else if (fd.kind == SocketFd.Kind.CONNECTION && !fd.released && fd.handle >= 0) {
            if (fd.lingerAbort) {
                ctx.engine().abort(fd.handle, ctx.now()); // SO_LINGER {onoff=1, linger=0}: RST (RFC 9293 §3.10.5 ABORT)
            } else {
                ctx.engine().close(fd.handle, ctx.now());
            }
        }
        ctx.drain();
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
        throw new UnsupportedFeature(c.line(), "fcntl command " + c.args().get(1) + " is not supported (F_GETFL, F_SETFL)");
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
                            ctx.note(c.line(), "SO_LINGER with a timeout: close() does not wait (approximation)");
                        }
                        return Result.ok(0);
                    }
                    return Result.error(Constants.errno("EINVAL"));
                }
                case "SO_KEEPALIVE" -> {
                    // RFC 9293 §3.8.4 (MUST-24: off unless asked), as Linux's SO_KEEPALIVE
                    fd.keepAlive = value(c, valueArg) != 0;
                    if (fd.handle >= 0 && !fd.released) {
                        ctx.engine().setKeepAlive(fd.handle, fd.keepAlive, ctx.now());
                        ctx.collectOutputs();
                    }
                    return Result.ok(0);
                }
                case "SO_RCVBUF" -> {
                    fd.receiveBuffer = (int) Math.max(1, value(c, valueArg));
                    // Buffers are per stack in the engine: the size applies if no listener or
                    // connection exists yet, as the scripts that set it before listen/connect mean.
                    if (!ctx.configureStack(EngineSettings.RECEIVE_BUFFER, Integer.toString(fd.receiveBuffer), c.line(),
                            "SO_RCVBUF")) {
                        ctx.note(c.line(), "SO_RCVBUF after the stack was created: recorded only");
                    }
                    return Result.ok(0);
                }
                case "SO_SNDBUF" -> {
                    fd.sendBuffer = (int) Math.max(1, value(c, valueArg));
                    if (!ctx.configureStack(EngineSettings.SEND_BUFFER, Integer.toString(fd.sendBuffer), c.line(),
                            "SO_SNDBUF")) {
                        ctx.note(c.line(), "SO_SNDBUF after the stack was created: recorded only");
                    }
                    return Result.ok(0);
                }
                default -> throw new UnsupportedFeature(c.line(), "setsockopt " + name + " is not supported");
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
                ctx.engine().setR2(fd.handle, ms * 1_000_000L);
            }
            return Result.ok(0);
        }
        if (level == Constants.IPPROTO_TCP && name.equals("TCP_NODELAY")) {
            fd.noDelay = value(c, valueArg) != 0;
            if (fd.handle >= 0 && !fd.released) {
                ctx.engine().setNoDelay(fd.handle, fd.noDelay);
                ctx.collectOutputs();
            }
            return Result.ok(0);
        }
        throw new UnsupportedFeature(c.line(), "setsockopt " + name + " is not supported");
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
                default -> throw new UnsupportedFeature(c.line(), "getsockopt " + name + " is not supported");
            }
        } else if (level == Constants.IPPROTO_TCP && name.equals("TCP_NODELAY")) {
            v = fd.noDelay ? 1 : 0;
        } else if (level == Constants.IPPROTO_TCP && name.equals("TCP_USER_TIMEOUT")) {
            v = fd.userTimeoutMillis;
        } else {
            throw new UnsupportedFeature(c.line(), "getsockopt " + name + " is not supported");
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
        String v = ctx.settingText(setting);
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
            throw new UnsupportedFeature(c.line(), "ioctl " + c.args().get(1) + " is not supported (FIONREAD, SIOCINQ)");
        }
        if (fd.kind == SocketFd.Kind.LISTENER) {
            return Result.error(Constants.errno("EINVAL"));
        }
        long v = fd.kind == SocketFd.Kind.CONNECTION && !fd.released ? ctx.engine().readableBytes(fd.handle) : 0;
        return new Result(0, 0, Map.of(2, v));
    }
}
