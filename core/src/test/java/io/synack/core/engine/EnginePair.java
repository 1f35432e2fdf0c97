package io.synack.core.engine;

import io.synack.api.ConnectionEvent;
import io.synack.core.wire.Segment;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Two engines wired back to back by passing copies of segments, with a one-way latency, a hook
 * that can drop, delay or duplicate any segment, and virtual time that jumps to the next event
 * (a segment arriving or a timer deadline). Every segment that enters the network is logged as a
 * ladder line: {@code "c>s S 1000"}.
 */
final class EnginePair {
    static final InetAddress CLIENT = Fixture.addr("10.0.0.1");
    static final InetAddress SERVER = Fixture.addr("10.0.0.2");
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    /** What the network does with one segment. */
    interface Hook {
        /** @return extra delay in ns, or -1 to drop; {@link #duplicateDelay} may add a copy */
        long fate(Flight f);
    }

    /** A segment in the network. */
    static final class Flight {
        final InetAddress from;
        final InetAddress to;
        final Segment segment;
        long arrival;
        final long order;

        Flight(InetAddress from, InetAddress to, Segment segment, long arrival, long order) {
            this.from = from;
            this.to = to;
            this.segment = segment;
            this.arrival = arrival;
            this.order = order;
        }

        boolean fromClient() {
            return from.equals(CLIENT);
        }

        String line() {
            return (fromClient() ? "c>s " : "s>c ") + Fixture.describe(segment);
        }
    }

    final TcpEngine client;
    final TcpEngine server;
    long now;
    long latency = 10 * MS;
    Hook hook = f -> 0;
    final List<String> ladder = new ArrayList<>();
    /** Every segment the engines sent (lost ones included), in order. */
    final List<Flight> sent = new ArrayList<>();
    final List<ConnectionEvent> clientEvents = new ArrayList<>();
    final List<ConnectionEvent> serverEvents = new ArrayList<>();
    private final PriorityQueue<Flight> network = new PriorityQueue<>((a, b) -> a.arrival != b.arrival
            ? Long.compare(a.arrival, b.arrival) : Long.compare(a.order, b.order));
    private long order;
    private final Segment scratch = new Segment();

    EnginePair(TcpEngine client, TcpEngine server) {
        this.client = client;
        this.server = server;
    }

    static EnginePair create(EngineConfig config, long seed) {
        java.util.Random r = new java.util.Random(seed);
        return new EnginePair(TcpEngine.create(CLIENT, config, r), TcpEngine.create(SERVER, config, r));
    }

    static EnginePair withIsns(EngineConfig config, int clientIss, int serverIss) {
        return new EnginePair(
                new TcpEngine(CLIENT, config, (l, lp, r, rp, t) -> clientIss,
                        new EphemeralPortSelector(config.ephemeralLow(), config.ephemeralHigh(), 3, 4)),
                new TcpEngine(SERVER, config, (l, lp, r, rp, t) -> serverIss,
                        new EphemeralPortSelector(config.ephemeralLow(), config.ephemeralHigh(), 5, 6)));
    }

    /** Injects a segment as if {@code from} had sent it, arriving after {@code delay}. */
    void inject(InetAddress from, Segment s, long delay) {
        InetAddress to = from.equals(CLIENT) ? SERVER : CLIENT;
        Flight f = new Flight(from, to, copy(s), now + delay, order++);
        ladder.add(f.line() + " (injected)");
        network.add(f);
    }

    /** Moves every segment the engines want to send into the network. */
    void pump() {
        collect(client, CLIENT);
        collect(server, SERVER);
        drainEvents();
    }

    private void collect(TcpEngine e, InetAddress from) {
        InetAddress to;
        while ((to = e.pollTransmit(scratch)) != null) {
            Flight f = new Flight(from, to, copy(scratch), now + latency, order++);
            sent.add(f);
            long extra = hook.fate(f);
            if (extra < 0) {
                ladder.add(f.line() + " (lost)");
                continue;
            }
            f.arrival += extra;
            ladder.add(f.line());
            network.add(f);
        }
    }

    private void drainEvents() {
        ConnectionEvent ev;
        while ((ev = client.pollEvent()) != null) {
            clientEvents.add(ev);
        }
        while ((ev = server.pollEvent()) != null) {
            serverEvents.add(ev);
        }
    }

    /** Runs until nothing is in flight and no timer is due before {@code until}. */
    void runUntil(long until) {
        pump();
        for (int guard = 0; ; guard++) {
            if (guard > 50_000_000) {
                throw new AssertionError("simulation does not progress at t=" + now);
            }
            long next = Math.min(client.nextDeadline(), server.nextDeadline());
            Flight head = network.peek();
            if (head != null && head.arrival <= next) {
                next = head.arrival;
            }
            if (next == Long.MAX_VALUE || next > until) {
                now = Math.max(now, until == Long.MAX_VALUE ? now : until);
                return;
            }
            now = Math.max(now, next);
            while (network.peek() != null && network.peek().arrival <= now) {
                Flight f = network.poll();
                (f.to.equals(CLIENT) ? client : server).handleSegment(f.from, f.segment, now);
                pump();
            }
            client.handleTimeout(now);
            server.handleTimeout(now);
            pump();
        }
    }

    /** Runs for {@code duration} of virtual time. */
    void runFor(long duration) {
        runUntil(now + duration);
    }

    int inFlight() {
        return network.size();
    }

    static Segment copy(Segment s) {
        Segment c = new Segment();
        c.sourcePort = s.sourcePort;
        c.destinationPort = s.destinationPort;
        c.seq = s.seq;
        c.ack = s.ack;
        c.flags = s.flags;
        c.window = s.window;
        c.mss = s.mss;
        c.windowScale = s.windowScale;
        c.sackPermitted = s.sackPermitted;
        c.hasTimestamps = s.hasTimestamps;
        c.tsVal = s.tsVal;
        c.tsEcr = s.tsEcr;
        c.sackBlockCount = s.sackBlockCount;
        System.arraycopy(s.sackBlocks, 0, c.sackBlocks, 0, 2 * s.sackBlockCount);
        if (s.payloadLength() > 0) {
            ByteBuffer p = ByteBuffer.allocate(s.payloadLength());
            p.put(s.payload.duplicate()).flip();
            c.payload = p;
        }
        return c;
    }
}
