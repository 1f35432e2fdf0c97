package io.synack.core.engine;

import java.nio.ByteBuffer;

/**
 * A bounded circular byte buffer (send or receive buffer of one connection). Its storage is
 * allocated on first use and grows by doubling up to the capacity, so an idle connection costs no
 * buffer memory and a connection moving a few bytes costs a few KiB, not the whole capacity.
 *
 * <p>The receive buffer also holds out-of-order bytes at their place beyond the readable ones
 * ({@link #writeAt}), made readable by {@link #commit} when the hole before them fills: one copy
 * in, one copy out, no per-segment allocation.
 */
final class ByteRing {
    private static final int INITIAL = 2048;
    private static final byte[] NONE = new byte[0];
    private final int capacity;
    private byte[] data = NONE;
    private int head;
    private int size;
    /** Bytes from the head that may hold data: the readable ones plus out-of-order bytes beyond them. */
    private int extent;

    ByteRing(int capacity) {
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    int size() {
        return size;
    }

    int free() {
        return capacity - size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Appends as much of {@code src} as fits; returns the count taken. */
    int write(ByteBuffer src) {
        int n = Math.min(src.remaining(), free());
        writeAt(size, src, n);
        commit(n);
        return n;
    }

    /**
     * Stores {@code n} bytes of {@code src} at {@code offset} bytes after the head without making
     * them readable (out-of-order data held for reassembly, or in-order data before {@link #commit}).
     * Requires {@code offset + n <= capacity()}.
     */
    void writeAt(int offset, ByteBuffer src, int n) {
        if (offset + n > capacity) {
            throw new IllegalArgumentException("beyond capacity: " + offset + "+" + n + " > " + capacity);
        }
        if (n == 0) {
            return;
        }
        if (offset + n > data.length) {
            grow(offset + n);
        }
        int len = data.length;
        int at = (head + offset) % len;
        int first = Math.min(n, len - at);
        src.get(data, at, first);
        if (n > first) {
            src.get(data, 0, n - first);
        }
        extent = Math.max(extent, offset + n);
    }

    /** Makes the {@code n} bytes stored after the readable ones (by {@link #writeAt}) readable. */
    void commit(int n) {
        size += n;
        extent = Math.max(extent, size);
    }

    /** The storage currently allocated (0 until the first byte arrives), for memory checks. */
    int allocated() {
        return data.length;
    }

    private void grow(int needed) {
        int len = Math.max(data.length, Math.min(INITIAL, capacity));
        while (len < needed) {
            len = (int) Math.min(capacity, 2L * len);
        }
        byte[] bigger = new byte[len];
        int used = Math.max(size, extent);
        if (used > 0) {
            int first = Math.min(used, data.length - head);
            System.arraycopy(data, head, bigger, 0, first);
            System.arraycopy(data, 0, bigger, first, used - first);
        }
        data = bigger;
        head = 0;
    }

    /** Copies {@code n} bytes starting {@code offset} bytes after the head into {@code dst}, without consuming. */
    void peek(int offset, ByteBuffer dst, int n) {
        int start = (head + offset) % data.length;
        int first = Math.min(n, data.length - start);
        dst.put(data, start, first);
        if (n > first) {
            dst.put(data, 0, n - first);
        }
    }

    /** Moves up to {@code dst.remaining()} bytes from the head into {@code dst}; returns the count. */
    int read(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), size);
        if (n == 0) {
            return 0;
        }
        peek(0, dst, n);
        discard(n);
        return n;
    }

    /** Drops {@code n} bytes from the head. */
    void discard(int n) {
        head = data.length == 0 ? 0 : (head + n) % data.length;
        size -= n;
        extent = Math.max(0, extent - n);
        if (extent == 0) {
            head = 0;
        }
    }
}
