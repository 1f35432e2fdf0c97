package io.synack.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.synack.api.ConnectionEvent;
import io.synack.api.SynackException;
import io.synack.api.TcpState;
import io.synack.core.wire.Segment;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * smoltcp-shaped fixtures: one engine at 10.0.0.1 port 80 facing a scripted peer 10.0.0.2 port
 * 4000, with fixed ISNs (ours 1000, the peer's 5000). Segments are fed at explicit times and what
 * the engine sends is read back as compact strings: {@code "S. 1000 5001"} (flags as tcpdump,
 * SEQ, ACK when the ACK bit is set), with {@code " len N"} for data.
 */
final class Fixture {
    static final InetAddress LOCAL = addr("10.0.0.1");
    static final InetAddress REMOTE = addr("10.0.0.2");
    static final int LOCAL_PORT = 80;
    static final int REMOTE_PORT = 4000;
    static final int LOCAL_ISS = 1000;
    static final int REMOTE_ISS = 5000;
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    final TcpEngine engine;
    final EngineConfig config;
    int handle = -1;
    int listener = -1;
    long now = 0;
    final List<ConnectionEvent> events = new ArrayList<>();

    Fixture() {
        this(EngineConfig.defaults());
    }

    Fixture(EngineConfig config) {
        this.config = config;
        this.engine = new TcpEngine(LOCAL, config, (l, lp, r, rp, t) -> LOCAL_ISS,
                new EphemeralPortSelector(config.ephemeralLow(), config.ephemeralHigh(), 1, 2));
    }

    static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- fixtures -------------------------------------------------------------------------------

    static Fixture inClosed() {
        return new Fixture();
    }

    static Fixture inListen() {
        Fixture f = new Fixture();
        f.listen();
        return f;
    }

    /** Passive child in SYN-RECEIVED: SND.UNA 1000, SND.NXT 1001, RCV.NXT 5001. */
    static Fixture inSynReceived() {
        Fixture f = inListen();
        f.feed(Segment.SYN, REMOTE_ISS, 0);
        f.expect("S. 1000 5001");
        f.handle = f.childHandle();
        return f;
    }

    /** Active open: SYN sent, SND.NXT 1001. */
    static Fixture inSynSent() {
        Fixture f = new Fixture();
        f.connect();
        f.expect("S 1000");
        return f;
    }

    /** SND.NXT 1001, RCV.NXT 5001. */
    static Fixture inEstablished() {
        Fixture f = inSynSent();
        f.feed(Segment.SYN | Segment.ACK, REMOTE_ISS, LOCAL_ISS + 1);
        f.expect(". 1001 5001");
        f.assertState(TcpState.ESTABLISHED);
        return f;
    }

    /** Output shut down: FIN 1001 sent, SND.NXT 1002, RCV.NXT 5001. */
    static Fixture inFinWait1() {
        Fixture f = inEstablished();
        f.engine.shutdownOutput(f.handle, f.now);
        f.expect("F. 1001 5001");
        f.assertState(TcpState.FIN_WAIT_1);
        return f;
    }

    /** FIN acknowledged: SND.UNA = SND.NXT = 1002, RCV.NXT 5001. */
    static Fixture inFinWait2() {
        Fixture f = inFinWait1();
        f.feed(Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 2);
        f.expectNothing();
        f.assertState(TcpState.FIN_WAIT_2);
        return f;
    }

    /** Peer's FIN received: SND.NXT 1001, RCV.NXT 5002. */
    static Fixture inCloseWait() {
        Fixture f = inEstablished();
        f.feed(Segment.FIN | Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
        f.expect(". 1001 5002");
        f.assertState(TcpState.CLOSE_WAIT);
        return f;
    }

    /** Our FIN sent after the peer's: SND.UNA 1001, SND.NXT 1002, RCV.NXT 5002. */
    static Fixture inLastAck() {
        Fixture f = inCloseWait();
        f.engine.close(f.handle, f.now);
        f.expect("F. 1001 5002");
        f.assertState(TcpState.LAST_ACK);
        return f;
    }

    /** Simultaneous close: both FINs crossed, ours unacknowledged. SND.NXT 1002, RCV.NXT 5002. */
    static Fixture inClosing() {
        Fixture f = inFinWait1();
        f.feed(Segment.FIN | Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
        f.expect(". 1002 5002");
        f.assertState(TcpState.CLOSING);
        return f;
    }

    /** TIME-WAIT entered from FIN-WAIT-2 at t = 0: SND.NXT 1002, RCV.NXT 5002. */
    static Fixture inTimeWait() {
        Fixture f = inFinWait2();
        f.feed(Segment.FIN | Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 2);
        f.expect(". 1002 5002");
        f.assertState(TcpState.TIME_WAIT);
        return f;
    }

    // ---- actions --------------------------------------------------------------------------------

    void listen() {
        try {
            listener = engine.listen(LOCAL_PORT, 8);
        } catch (SynackException e) {
            throw new UncheckedIOException(e);
        }
    }

    void connect() {
        try {
            handle = engine.connect(new InetSocketAddress(REMOTE, REMOTE_PORT), LOCAL_PORT, now);
        } catch (SynackException e) {
            throw new UncheckedIOException(e);
        }
    }

    int childHandle() {
        for (ConnectionEvent e : drainEvents()) {
            if (e instanceof ConnectionEvent.StateChanged sc && sc.to() == TcpState.SYN_RECEIVED) {
                // handles are dense: the first free one; find it by scanning states
                for (int h = 0; h < 64; h++) {
                    if (engine.state(h) == TcpState.SYN_RECEIVED) {
                        return h;
                    }
                }
            }
        }
        throw new AssertionError("no child in SYN-RECEIVED");
    }

    void feed(int flags, int seq, int ack) {
        feed(flags, seq, ack, 0);
    }

    void feed(int flags, int seq, int ack, int dataLength) {
        feed(flags, seq, ack, dataLength, 65535);
    }

    void feed(int flags, int seq, int ack, int dataLength, int window) {
        Segment s = new Segment();
        s.sourcePort = REMOTE_PORT;
        s.destinationPort = LOCAL_PORT;
        s.seq = seq;
        s.ack = ack;
        s.flags = flags;
        s.window = window;
        if ((flags & Segment.SYN) != 0) {
            s.mss = 1460;
        }
        byte[] data = new byte[dataLength];
        for (int i = 0; i < dataLength; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        s.payload = ByteBuffer.wrap(data);
        engine.handleSegment(REMOTE, s, now);
    }

    /** Advances the clock to {@code t} and runs due timers. */
    void at(long t) {
        now = t;
        engine.handleTimeout(t);
    }

    /** Runs timers at the engine's next deadline; returns it. */
    long advanceToNextDeadline() {
        long d = engine.nextDeadline();
        if (d == Long.MAX_VALUE) {
            throw new AssertionError("no timer armed");
        }
        at(d);
        return d;
    }

    // ---- observations ---------------------------------------------------------------------------

    List<String> out() {
        List<String> l = new ArrayList<>();
        Segment s = new Segment();
        while (engine.pollTransmit(s) != null) {
            l.add(describe(s));
        }
        return l;
    }

    static String describe(Segment s) {
        StringBuilder b = new StringBuilder(Segment.flagsToString(s.flags)).append(' ')
                .append(Integer.toUnsignedString(s.seq));
        if (s.has(Segment.ACK)) {
            b.append(' ').append(Integer.toUnsignedString(s.ack));
        }
        if (s.payloadLength() > 0) {
            b.append(" len ").append(s.payloadLength());
        }
        return b.toString();
    }

    void expect(String... segments) {
        assertEquals(List.of(segments), out());
    }

    void expectNothing() {
        assertEquals(List.of(), out());
    }

    void assertState(TcpState s) {
        assertEquals(s, engine.state(handle));
    }

    List<ConnectionEvent> drainEvents() {
        List<ConnectionEvent> l = new ArrayList<>();
        ConnectionEvent e;
        while ((e = engine.pollEvent()) != null) {
            l.add(e);
            events.add(e);
        }
        return l;
    }

    /** Every event so far, including those already drained. */
    List<ConnectionEvent> allEvents() {
        drainEvents();
        return events;
    }
}
