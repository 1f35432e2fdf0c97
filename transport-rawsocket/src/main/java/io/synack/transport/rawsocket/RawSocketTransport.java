package io.synack.transport.rawsocket;

import com.sun.jna.Memory;
import io.synack.api.SynackException;
import io.synack.spi.DatagramReceiver;
import io.synack.spi.Scheduler;
import io.synack.spi.Transport;
import io.synack.spi.TransportClosedException;
import io.synack.spi.TransportContext;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One raw-socket endpoint: a {@code SOCK_RAW} socket bound to the local address, a named daemon
 * receive thread, and preallocated native buffers on both paths.
 *
 * <p><b>Send</b> copies the segment into a native buffer and calls {@code sendto(2)} with a
 * preallocated {@code sockaddr} (rewritten only when the destination changes), without blocking:
 * a full queue or a transient routing or firewall refusal loses the datagram, as IP may, and is
 * counted in {@link #statistics()}; an error that means the call itself is wrong throws.
 *
 * <p><b>Receive</b>: the {@link ReceiveLoop} thread copies each datagram into one of
 * {@value #DELIVERIES_IN_FLIGHT} pooled {@link Delivery} buffers and hands it to the stack's
 * scheduler with {@link Scheduler#execute}; on the scheduler thread it is passed to the receiver.
 * If the scheduler has not yet taken that many, the datagram is dropped and counted — the
 * equivalent of a full socket buffer.
 *
 * <p><b>Close</b> wakes the receive thread through an {@code eventfd}, joins it, waits for a
 * delivery in progress on another thread to finish, and closes both descriptors: when it returns,
 * no thread and no descriptor is left, and nothing more is delivered.
 */
public final class RawSocketTransport implements Transport {

    private static final Logger LOG = LoggerFactory.getLogger(RawSocketTransport.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** Datagrams handed to the scheduler and not yet delivered, at most. */
    static final int DELIVERIES_IN_FLIGHT = 256;

    /** The counters behind {@link RawSocketStatistics}. */
    static final class Counters {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong sendDropped = new AtomicLong();
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong malformed = new AtomicLong();
        final AtomicLong foreignDestination = new AtomicLong();
        final AtomicLong truncated = new AtomicLong();
        final AtomicLong overruns = new AtomicLong();
        final AtomicLong receiveErrors = new AtomicLong();
    }

    private final RawSocket socket;
    private final InetAddress local;
    private final DatagramReceiver receiver;
    private final Scheduler scheduler;
    private final int maxSegmentSize;
    private final Runnable onClose;
    private final Counters counters = new Counters();
    /** Errnos already logged once at WARN; later ones are logged at DEBUG. */
    private final AtomicLongArray loggedErrnos = new AtomicLongArray(4);

    private final Object sendLock = new Object();
    private final Memory sendBuffer;
    private final ByteBuffer sendView;
    private final SocketAddressBuffer destination;
    private final int scope;

    private final ReentrantLock deliveryLock = new ReentrantLock();
    private final ArrayBlockingQueue<Delivery> deliveries = new ArrayBlockingQueue<>(DELIVERIES_IN_FLIGHT);
    private final int wakeFd;
    private final Memory wakeValue = new Memory(8);
    private final Thread receiveThread;
    private volatile boolean closed;

    private RawSocketTransport(RawSocket socket, TransportContext context, int protocol, int wakeFd, Runnable onClose) {
        this.socket = socket;
        this.local = context.localAddress();
        this.receiver = context.receiver();
        this.scheduler = context.scheduler();
        this.maxSegmentSize = socket.maxPayload();
        this.onClose = onClose;
        this.wakeFd = wakeFd;
        this.sendBuffer = new Memory(maxSegmentSize);
        this.sendView = sendBuffer.getByteBuffer(0, maxSegmentSize);
        this.destination = new SocketAddressBuffer(socket.ipv6());
        this.scope = local instanceof Inet6Address v6 ? v6.getScopeId() : 0;
        for (int i = 0; i < DELIVERIES_IN_FLIGHT; i++) {
            deliveries.add(new Delivery(this));
        }
        this.receiveThread = new Thread(new ReceiveLoop(this, socket, wakeFd, protocol),
                "synack-rawsocket-rx-" + THREADS.incrementAndGet() + " " + local.getHostAddress());
        receiveThread.setDaemon(true);
    }

    /**
     * Opens an endpoint in the calling thread's network namespace and starts its receive thread.
     *
     * @param context local address, receiver, scheduler
     * @param config protocol, mark, device, buffer
     * @param onClose run once when the endpoint closes (releases the address)
     * @return the endpoint
     * @throws SynackException if the socket cannot be opened, configured or bound
     */
    static RawSocketTransport open(TransportContext context, RawSocketConfiguration config, Runnable onClose)
            throws SynackException {
        RawSocket socket = RawSocket.open(context.localAddress(), config);
        int wakeFd = LibC.eventfd(0, Linux.EFD_CLOEXEC | Linux.EFD_NONBLOCK);
        if (wakeFd < 0) {
            int errno = Errno.last();
            socket.close();
            throw Errno.failure("eventfd()", errno);
        }
        RawSocketTransport endpoint = new RawSocketTransport(socket, context, config.protocol(), wakeFd, onClose);
        endpoint.receiveThread.start();
        LOG.debug("opened {} (protocol {}, mark {}, MTU {}, maximum segment {} bytes)", endpoint,
                RawSocketSettings.formatProtocol(config.protocol()), RawSocketSettings.formatMark(config.mark()),
                socket.mtu(), endpoint.maxSegmentSize);
        return endpoint;
    }

    @Override
    public InetAddress localAddress() {
        return local;
    }

    @Override
    public int maxSegmentSize() {
        return maxSegmentSize;
    }

    @Override
    public void send(InetAddress to, ByteBuffer segment) throws SynackException {
        if (closed) {
            throw closedError();
        }
        int length = segment.remaining();
        if (length > maxSegmentSize) {
            throw new SynackException("a segment of " + length + " bytes does not fit the maximum of "
                    + maxSegmentSize + " bytes that one datagram from " + local.getHostAddress()
                    + " carries (interface MTU " + socket.mtu() + ")");
        }
        if ((to instanceof Inet6Address) != socket.ipv6()) {
            throw new SynackException("cannot send from " + local.getHostAddress() + " to "
                    + to.getHostAddress() + ": the address families differ");
        }
        synchronized (sendLock) {
            if (closed) {
                throw closedError();
            }
            sendView.clear();
            sendView.put(segment);
            destination.set(to, scope);
            long n = LibC.sendto(socket.fd(), sendBuffer, length, Linux.MSG_DONTWAIT,
                    destination.pointer(), destination.length());
            if (n >= 0) {
                counters.sent.incrementAndGet();
            } else {
                sendFailed(Errno.last(), to, length);
            }
        }
    }

    /**
     * Transient refusals lose the datagram, as IP may (RFC 9293 retransmits); the rest are errors
     * of the call and throw.
     */
    private void sendFailed(int errno, InetAddress to, int length) throws SynackException {
        switch (errno) {
            case Errno.EAGAIN, Errno.ENOBUFS, Errno.ENOMEM, Errno.EINTR, Errno.ENETUNREACH, Errno.EHOSTUNREACH,
                    Errno.EHOSTDOWN, Errno.ENETDOWN, Errno.ECONNREFUSED, Errno.EPERM -> {
                counters.sendDropped.incrementAndGet();
                if (firstTime(errno)) {
                    LOG.warn("{}: sendto({}) failed with {}; the datagram is lost (counted; later ones are logged "
                            + "at DEBUG){}", this, to.getHostAddress(), Errno.describe(errno),
                            errno == Errno.EPERM ? " - a local firewall rule dropped it" : "");
                } else {
                    LOG.debug("{}: sendto({}) failed with {}", this, to.getHostAddress(), Errno.name(errno));
                }
            }
            default -> throw Errno.failure("sendto(" + to.getHostAddress() + ", " + length + " bytes) from "
                    + local.getHostAddress(), errno);
        }
    }

    private boolean firstTime(int errno) {
        int word = (errno >>> 6) & 3;
        long bit = 1L << (errno & 63);
        while (true) {
            long seen = loggedErrnos.get(word);
            if ((seen & bit) != 0) {
                return false;
            }
            if (loggedErrnos.compareAndSet(word, seen, seen | bit)) {
                return true;
            }
        }
    }

    /** Called by the receive thread with a checked datagram still in native memory. */
    void handOver(InetAddress source, Memory data, long offset, int length) {
        Delivery delivery = deliveries.poll();
        if (delivery == null) {
            counters.overruns.incrementAndGet();
            return;
        }
        delivery.fill(source, data, offset, length);
        try {
            scheduler.execute(delivery);
        } catch (RuntimeException e) {
            deliveries.offer(delivery);
            counters.overruns.incrementAndGet();
        }
    }

    /** Called on the scheduler thread: the delivery, unless the endpoint was closed meanwhile. */
    void deliver(Delivery delivery) {
        deliveryLock.lock();
        try {
            if (!closed) {
                counters.delivered.incrementAndGet();
                receiver.receive(delivery.source(), local, delivery.segment());
            }
        } finally {
            deliveryLock.unlock();
            deliveries.offer(delivery);
        }
    }

    void countReceiveError(int errno) {
        counters.receiveErrors.incrementAndGet();
        if (firstTime(errno)) {
            LOG.warn("{}: recvmsg() failed with {} (counted; later ones are logged at DEBUG)", this,
                    Errno.describe(errno));
        }
    }

    Counters counters() {
        return counters;
    }

    boolean isClosed() {
        return closed;
    }

    /** The raw socket (for tests that read its options back). */
    RawSocket socket() {
        return socket;
    }

    /** The receive thread (for tests that check it is gone after close). */
    Thread receiveThread() {
        return receiveThread;
    }

    /** The interface MTU the maximum segment size was derived from. */
    public int mtu() {
        return socket.mtu();
    }

    /** What this endpoint has moved and dropped so far. */
    public RawSocketStatistics statistics() {
        return new RawSocketStatistics(counters.sent.get(), counters.sendDropped.get(), counters.delivered.get(),
                counters.malformed.get(), counters.foreignDestination.get(), counters.truncated.get(),
                counters.overruns.get(), counters.receiveErrors.get());
    }

    @Override
    public void close() {
        synchronized (sendLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        wakeValue.setLong(0, 1);
        if (LibC.write(wakeFd, wakeValue, 8) < 0) {
            LOG.error("{}: waking the receive thread failed with {}", this, Errno.describe(Errno.last()));
        }
        joinReceiveThread();
        if (!scheduler.inSchedulerThread()) {
            // A delivery running right now on the scheduler thread finishes before close returns.
            deliveryLock.lock();
            deliveryLock.unlock();
        }
        synchronized (sendLock) {
            socket.close();
            LibC.close(wakeFd);
            sendBuffer.close();
            destination.close();
            wakeValue.close();
        }
        onClose.run();
        LOG.debug("closed {} ({})", this, statistics());
    }

    private void joinReceiveThread() {
        boolean interrupted = false;
        while (receiveThread.isAlive()) {
            try {
                receiveThread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private TransportClosedException closedError() {
        return new TransportClosedException("the raw-socket endpoint at " + local.getHostAddress() + " is closed");
    }

    @Override
    public String toString() {
        return "rawsocket endpoint " + local.getHostAddress();
    }
}
