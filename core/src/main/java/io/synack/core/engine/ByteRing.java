package io.synack.core.engine;

import java.nio.ByteBuffer;

/**
 * A bounded circular byte buffer (send or receive buffer of one connection). Its storage is
 * allocated on first use, so an idle connection costs no buffer memory.
 */
final class ByteRing {
    private final int capacity;
    private byte[] data;
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
        if (data == null) {
            data = new byte[capacity];
        }
        int tail = (head + size) % capacity;
        int first = Math.min(n, capacity - tail);
        src.get(data, tail, first);
        if (n > first) {
            src.get(data, 0, n - first);
        }
        size += n;
        return n;
    }

    /** Copies {@code n} bytes starting {@code offset} bytes after the head into {@code dst}, without consuming. */
    void peek(int offset, ByteBuffer dst, int n) {
        int start = (head + offset) % capacity;
        int first = Math.min(n, capacity - start);
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
        head = (head + n) % capacity;
        size -= n;
        if (size == 0) {
            head = 0;
        }
    }
}
