package io.synack.transport.rawsocket;

import com.sun.jna.Pointer;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * One received datagram on its way from the receive thread to the stack's scheduler: a reusable
 * {@link Runnable} holding a copy of the payload. An endpoint keeps a fixed pool of them, so that
 * steady-state receiving allocates nothing; a buffer is allocated on first use and grows to the
 * largest datagram it carried, so an idle endpoint holds almost nothing.
 */
final class Delivery implements Runnable {

    /** The smallest buffer allocated, on first use: a full Ethernet-sized segment fits. */
    private static final int MIN_CAPACITY = 2048;

    private final RawSocketTransport endpoint;
    private byte[] bytes = new byte[0];
    private ByteBuffer buffer = ByteBuffer.wrap(bytes);
    private InetAddress source;

    Delivery(RawSocketTransport endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * Copies a datagram out of native memory.
     *
     * @param from the source address
     * @param data the receive buffer
     * @param offset where the payload starts in it
     * @param length the payload's length
     */
    void fill(InetAddress from, Pointer data, long offset, int length) {
        if (bytes.length < length) {
            bytes = new byte[Math.max(length, Math.max(MIN_CAPACITY, bytes.length * 2))];
            buffer = ByteBuffer.wrap(bytes);
        }
        data.read(offset, bytes, 0, length);
        buffer.clear().limit(length);
        source = from;
    }

    InetAddress source() {
        return source;
    }

    ByteBuffer segment() {
        return buffer;
    }

    /** Runs on the stack's scheduler thread. */
    @Override
    public void run() {
        endpoint.deliver(this);
    }
}
