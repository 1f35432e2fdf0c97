package io.synack.transport.loopback;

import io.synack.api.SynackException;
import io.synack.spi.DatagramReceiver;
import io.synack.spi.Scheduler;
import io.synack.spi.Transport;
import io.synack.spi.TransportClosedException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One endpoint attached to a {@link LoopbackNetwork}. {@link #send} copies the bytes and hands
 * them to the receiving endpoint's scheduler; delivery runs there.
 *
 * <p>{@link #close()} detaches the address at once and then waits for a delivery that is running
 * on the scheduler thread at that moment, so that nothing is delivered after it returns. Closing
 * from inside the receiver is allowed (the lock is reentrant); a receiver must not wait for a
 * thread that is closing its endpoint.
 */
public final class LoopbackTransport implements Transport {

    private final LoopbackNetwork network;
    private final InetAddress localAddress;
    private final DatagramReceiver receiver;
    private final Scheduler scheduler;
    private final int maxSegmentSize;
    /** Held while a datagram is handed to the receiver, and by close() to wait for that hand-over. */
    private final ReentrantLock delivering = new ReentrantLock();
    private volatile boolean closed;

    LoopbackTransport(LoopbackNetwork network, InetAddress localAddress, DatagramReceiver receiver,
            Scheduler scheduler, int maxSegmentSize) {
        this.network = network;
        this.localAddress = localAddress;
        this.receiver = receiver;
        this.scheduler = scheduler;
        this.maxSegmentSize = maxSegmentSize;
    }

    @Override
    public InetAddress localAddress() {
        return localAddress;
    }

    @Override
    public int maxSegmentSize() {
        return maxSegmentSize;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public void send(InetAddress destination, ByteBuffer segment) throws SynackException {
        if (closed) {
            throw new TransportClosedException("loopback endpoint " + localAddress.getHostAddress()
                    + " is closed; cannot send to " + destination.getHostAddress());
        }
        if ((destination instanceof Inet4Address) != (localAddress instanceof Inet4Address)) {
            throw new SynackException("cannot send from " + localAddress.getHostAddress() + " to "
                    + destination.getHostAddress() + ": the address families differ");
        }
        int length = segment.remaining();
        if (length > maxSegmentSize) {
            throw new SynackException("a segment of " + length + " bytes exceeds the maximum segment size of "
                    + maxSegmentSize + " bytes at " + localAddress.getHostAddress());
        }
        // Copy: the sender may reuse its buffer as soon as send returns (Transport#send).
        byte[] bytes = new byte[length];
        segment.get(bytes);
        network.route(this, destination, bytes);
    }

    /** Runs on this endpoint's scheduler thread. */
    void deliver(InetAddress source, InetAddress destination, byte[] bytes) {
        delivering.lock();
        try {
            if (closed) {
                network.droppedAtClosedEndpoint(this, source, bytes);
                return;
            }
            network.delivered(this, source, bytes);
            receiver.receive(source, destination, ByteBuffer.wrap(bytes));
        } finally {
            delivering.unlock();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        network.detach(this);
        // Wait for a hand-over in progress on the scheduler thread: none starts after this.
        delivering.lock();
        delivering.unlock();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "loopback " + localAddress.getHostAddress() + (closed ? " (closed)" : "");
    }
}
