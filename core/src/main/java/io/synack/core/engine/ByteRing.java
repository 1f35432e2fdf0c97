package io.synack.core.engine;

import java.nio.ByteBuffer;

/**
 * A bounded circular byte buffer (send or receive buffer of one connection). Its storage is
 * allocated on first use and grows by doubling up to the capacity, so an idle connection costs no
 * buffer memory and a connection moving a few bytes costs a few KiB, not the whole capacity.
 */
final class ByteRing {
    private static final int INITIAL = 2048;
    private static final byte[] NONE = new byte[0];
    private final int capacity;
    private byte[] data = NONE;
    private int head;
    private int size;

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
        if (n == 0) {
            return 0;
        }
        if (size + n > data.length) {
            grow(size + n);
        }
        int len = data.length;
        int tail = (head + size) % len;
        int first = Math.min(n, len - tail);
        src.get(data, tail, first);
        if (n > first) {
            src.get(data, 0, n - first);
        }
        size += n;
        return n;
    }

    private void grow(int needed) {
        int len = Math.max(data.length, Math.min(INITIAL, capacity));
        while (len < needed) {
            len = (int) Math.min(capacity, 2L * len);
        }
        byte[] bigger = new byte[len];
        if (size > 0) {
            int first = Math.min(size, data.length - head);
            System.arraycopy(data, head, bigger, 0, first);
            System.arraycopy(data, 0, bigger, first, size - first);
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
        if (size == 0) {
            head = 0;
        }
    }
}
