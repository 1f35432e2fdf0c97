package io.synack.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Property test: the ring behaves as a bounded FIFO of bytes (seeded; the seed is the test name). */
class ByteRingTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void behavesAsBoundedFifo(long seed) {
        Random r = new Random(seed);
        int capacity = 1 + r.nextInt(10_000);
        ByteRing ring = new ByteRing(capacity);
        ArrayDeque<Byte> model = new ArrayDeque<>();
        byte next = 0;
        for (int step = 0; step < 2000; step++) {
            switch (r.nextInt(3)) {
                case 0 -> {
                    byte[] b = new byte[r.nextInt(3000)];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = next++;
                    }
                    ByteBuffer src = ByteBuffer.wrap(b);
                    int n = ring.write(src);
                    assertEquals(Math.min(b.length, capacity - model.size()), n, "seed " + seed);
                    for (int i = 0; i < n; i++) {
                        model.add(b[i]);
                    }
                    next -= (byte) (b.length - n);
                }
                case 1 -> {
                    int off = model.isEmpty() ? 0 : r.nextInt(model.size());
                    int n = model.size() - off == 0 ? 0 : r.nextInt(model.size() - off + 1);
                    ByteBuffer dst = ByteBuffer.allocate(n);
                    if (n > 0) {
                        ring.peek(off, dst, n);
                    }
                    Byte[] m = model.toArray(new Byte[0]);
                    for (int i = 0; i < n; i++) {
                        assertEquals((byte) m[off + i], dst.get(i), "seed " + seed);
                    }
                }
                default -> {
                    ByteBuffer dst = ByteBuffer.allocate(r.nextInt(3000));
                    int n = ring.read(dst);
                    assertEquals(Math.min(dst.capacity(), model.size()), n, "seed " + seed);
                    for (int i = 0; i < n; i++) {
                        assertEquals((byte) model.poll(), dst.get(i), "seed " + seed);
                    }
                }
            }
            assertEquals(model.size(), ring.size());
        }
    }
}
