package io.synack.core.driver;

import io.synack.api.AddressInUseException;
import io.synack.api.ConnectionEvent;
import io.synack.api.ConnectionId;
import io.synack.api.ConnectionStatistics;
import io.synack.api.StackStatistics;
import io.synack.api.SynackException;
import io.synack.api.TcpState;
import io.synack.core.engine.Engine;
import io.synack.core.wire.Segment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in {@link Engine} for the driver's own tests: it logs every input, with the thread it
 * came on, and emits exactly the outputs a test scripts. It knows no TCP.
 */
final class ScriptedEngine implements Engine {

    /** A scripted reaction to an arriving segment. */
    interface OnSegment {
        void accept(ScriptedEngine engine, InetAddress remote, Segment segment, long now);
    }

    final InetAddress local;
    final List<String> log = new ArrayList<>();
    final List<Thread> callThreads = new ArrayList<>();
    final ArrayDeque<InetAddress> transmitTo = new ArrayDeque<>();
    final ArrayDeque<Segment> transmits = new ArrayDeque<>();
    final ArrayDeque<ConnectionEvent> events = new ArrayDeque<>();
    final Map<Integer, ConnectionId> ids = new HashMap<>();
    final Map<Integer, TcpState> states = new HashMap<>();
    final Map<Integer, ByteBuffer> receiveBuffers = new HashMap<>();
    final ArrayDeque<Integer> acceptQueue = new ArrayDeque<>();
    long deadline = Long.MAX_VALUE;
    int writable = 1000;
    int nextHandle = 1;
    OnSegment onSegment = (e, r, s, n) -> { };
    /** When set, an active open completes at once (the handshake is not the point of the test). */
    boolean instantHandshake;
    /** Counted down whenever a SEND of real data found no room (a writer is about to wait). */
    final java.util.concurrent.CountDownLatch sendFoundNoRoom = new java.util.concurrent.CountDownLatch(1);
    /** Counted down whenever a RECEIVE found nothing (a reader is about to wait). */
    final java.util.concurrent.CountDownLatch receiveFoundNothing = new java.util.concurrent.CountDownLatch(1);

    ScriptedEngine(InetAddress local) {
        this.local = local;
    }

    void transmit(InetAddress to, int seq, int flags) {
        Segment s = new Segment();
        s.seq = seq;
        s.flags = flags;
        transmitTo.add(to);
        transmits.add(s);
    }

    int addConnection(ConnectionId id, TcpState state) {
        int h = nextHandle++;
        ids.put(h, id);
        states.put(h, state);
        receiveBuffers.put(h, ByteBuffer.allocate(0));
        return h;
    }

    private void call(String entry) {
        log.add(entry);
        callThreads.add(Thread.currentThread());
    }

    @Override
    public InetAddress localAddress() {
        return local;
    }

    @Override
    public void handleSegment(InetAddress remote, Segment segment, long now) {
        call("segment from " + remote.getHostAddress() + " seq " + segment.seq + " flags " + segment.flags + " at " + now);
        onSegment.accept(this, remote, segment, now);
    }

    @Override
    public void handleSegment(InetAddress remote, InetAddress destination, Segment segment, long now) {
        handleSegment(remote, segment, now);
    }

    @Override
    public void handleMalformed(String reason) {
        call("malformed " + reason);
    }

    @Override
    public void handleTimeout(long now) {
        call("timeout at " + now);
        if (now >= deadline) {
            deadline = Long.MAX_VALUE; // the timer ran
        }
    }

    @Override
    public int listen(int port, int backlog) throws SynackException {
        call("listen " + port);
        if (port == 1) {
            throw new AddressInUseException("port 1 in use");
        }
        return 100 + port;
    }

    @Override
    public int connect(InetSocketAddress remote, int localPort, long now) throws SynackException {
        call("connect " + remote.getPort() + " at " + now);
        int h = addConnection(new ConnectionId(new InetSocketAddress(local, 40000 + nextHandle), remote), TcpState.SYN_SENT);
        transmit(remote.getAddress(), 1000, Segment.SYN);
        if (instantHandshake) {
            states.put(h, TcpState.ESTABLISHED);
            events.add(new ConnectionEvent.Connected(ids.get(h), now));
        }
        return h;
    }

    @Override
    public int accept(int listener) {
        call("accept " + listener);
        Integer h = acceptQueue.poll();
        return h == null ? -1 : h;
    }

    @Override
    public void closeListener(int listener, long now) {
        call("closeListener " + listener);
    }

    @Override
    public int send(int connection, ByteBuffer source, long now) {
        call("send " + connection + " " + source.remaining());
        int n = Math.min(writable, source.remaining());
        if (n == 0 && source.hasRemaining()) {
            sendFoundNoRoom.countDown();
        }
        source.position(source.position() + n);
        writable -= n;
        return n;
    }

    @Override
    public int receive(int connection, ByteBuffer destination, long now) {
        call("receive " + connection);
        ByteBuffer b = receiveBuffers.get(connection);
        if (b.hasRemaining()) {
            int n = Math.min(b.remaining(), destination.remaining());
            ByteBuffer slice = b.slice();
            slice.limit(n);
            destination.put(slice);
            b.position(b.position() + n);
            return n;
        }
        TcpState s = states.get(connection);
        receiveFoundNothing.countDown();
        return s == TcpState.CLOSE_WAIT || s == TcpState.LAST_ACK ? -1 : 0;
    }

    @Override
    public void shutdownOutput(int connection, long now) {
        call("shutdownOutput " + connection);
    }

    @Override
    public void close(int connection, long now) {
        call("close " + connection);
    }

    @Override
    public void abort(int connection, long now) {
        call("abort " + connection);
        ConnectionId id = ids.get(connection);
        states.put(connection, TcpState.CLOSED);
        events.add(new ConnectionEvent.Reset(id, now, false, false));
        events.add(new ConnectionEvent.Closed(id, now, io.synack.api.CloseReason.ABORTED));
    }

    @Override
    public void setNoDelay(int connection, boolean noDelay) {
        call("noDelay " + connection + " " + noDelay);
    }

    @Override
    public void setKeepAlive(int connection, boolean on, long now) {
        call("keepAlive " + connection + " " + on);
    }

    @Override
    public void limitSegmentSize(int maxSegmentSize) {
        segmentSizeLimit = maxSegmentSize; // kept apart from the call log: it comes with the transport, not from a test step
    }

    /** What the driver passed to {@link #limitSegmentSize}, or 0. */
    volatile int segmentSizeLimit;

    @Override
    public void setR2(int connection, long r2Nanos) {
        call("r2 " + connection + " " + r2Nanos);
    }

    @Override
    public TcpState state(int connection) {
        return states.getOrDefault(connection, TcpState.CLOSED);
    }

    @Override
    public ConnectionId id(int connection) {
        return ids.get(connection);
    }

    @Override
    public int readableBytes(int connection) {
        return receiveBuffers.get(connection).remaining();
    }

    @Override
    public int writableBytes(int connection) {
        return writable;
    }

    @Override
    public ConnectionStatistics statistics(int connection) {
        return new ConnectionStatistics(1, 2, 0, 0, 0, -1, 1_000_000_000L, 536, 0, 0);
    }

    @Override
    public StackStatistics statistics() {
        return new StackStatistics(log.size(), 0, 0, 0, 0, Map.of(), Map.of(), Map.of());
    }

    @Override
    public InetAddress pollTransmit(Segment out) {
        Segment s = transmits.poll();
        if (s == null) {
            return null;
        }
        out.seq = s.seq;
        out.flags = s.flags;
        out.payload = s.payload;
        return transmitTo.poll();
    }

    @Override
    public ConnectionEvent pollEvent() {
        return events.poll();
    }

    @Override
    public long nextDeadline() {
        return deadline;
    }
}
