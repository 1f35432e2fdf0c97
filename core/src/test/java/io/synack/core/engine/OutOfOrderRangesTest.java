package io.synack.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The held ranges of the receive path, and the receive ring's out-of-order storage. */
class OutOfOrderRangesTest {

    @Test
    void mergesTouchingAndOverlappingRanges() {
        OutOfOrderRanges r = new OutOfOrderRanges();
        assertTrue(r.add(100, 200));
        assertTrue(r.add(300, 400));
        assertTrue(r.add(200, 250)); // touches the first
        assertEquals(2, r.count());
        assertTrue(r.add(240, 310)); // bridges both
        assertEquals(1, r.count());
        assertTrue(r.covers(100, 400));
        assertFalse(r.covers(90, 110));
        assertEquals(50, r.advance(50), "RCV.NXT before the range: nothing joins");
        assertEquals(400, r.advance(100));
        assertTrue(r.isEmpty());
    }

    @Test
    void worksAcrossTheSequenceWrap() {
        OutOfOrderRanges r = new OutOfOrderRanges();
        int base = -50; // 2^32 - 50
        assertTrue(r.add(base + 10, base + 30));
        assertTrue(r.add(base + 60, base + 80)); // beyond the wrap
        assertEquals(2, r.count());
        assertEquals(base + 30, r.advance(base + 10));
        assertEquals(base + 80, r.advance(base + 60));
    }

    @Test
    void boundedNumberOfRanges() {
        OutOfOrderRanges r = new OutOfOrderRanges();
        for (int i = 0; i < OutOfOrderRanges.MAX_RANGES; i++) {
            assertTrue(r.add(10 * i + 1, 10 * i + 2));
        }
        assertFalse(r.add(1000, 1001), "one range too many is refused");
        assertTrue(r.add(2, 3), "merging into an existing range still works");
        assertEquals(OutOfOrderRanges.MAX_RANGES, r.count());
    }

    @Test
    void sackBlocksNewestFirstThenHighest() {
        OutOfOrderRanges r = new OutOfOrderRanges();
        r.add(100, 110);
        r.add(300, 310);
        r.add(500, 510);
        r.add(700, 710);
        r.add(900, 910);
        r.add(105, 120); // most recent: extends the first range
        int[] b = new int[8];
        assertEquals(4, r.sackBlocks(b, 0, 4));
        assertArrayEquals(new int[] {100, 120, 900, 910, 700, 710, 500, 510}, b);
        assertEquals(2, r.sackBlocks(b, 0, 2));
    }

    /** Against a bitmap model: whatever is added in whatever order, RCV.NXT ends where the model says. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void matchesABitmapModel(long seed) {
        Random random = new Random(seed);
        int base = random.nextInt();
        OutOfOrderRanges r = new OutOfOrderRanges();
        BitSet model = new BitSet();
        int rcvNxt = 0; // relative to base
        for (int step = 0; step < 2000; step++) {
            int start = random.nextInt(4) == 0 ? rcvNxt : rcvNxt + 1 + random.nextInt(4000);
            int end = start + 1 + random.nextInt(300);
            if (start == rcvNxt) {
                model.set(start, end);
                rcvNxt = model.nextClearBit(rcvNxt);
                int got = r.advance(base + end) - base;
                assertEquals(rcvNxt, got, "seed " + seed + " step " + step);
            } else if (r.add(base + start, base + end)) {
                model.set(start, end);
            }
            // Every held range is exactly a run of set bits beyond RCV.NXT.
            int[] b = new int[2 * OutOfOrderRanges.MAX_RANGES];
            int n = r.sackBlocks(b, 0, OutOfOrderRanges.MAX_RANGES);
            assertEquals(r.count(), n);
            for (int k = 0; k < n; k++) {
                int s = b[2 * k] - base;
                int e = b[2 * k + 1] - base;
                assertTrue(s > rcvNxt, "held ranges lie right of RCV.NXT");
                assertFalse(model.get(s - 1), "range starts at a run's start");
                assertEquals(e, model.nextClearBit(s), "range ends at the run's end");
            }
        }
    }

    @Test
    void ringStoresOutOfOrderBytesAcrossGrowthAndWrap() {
        ByteRing ring = new ByteRing(8192);
        assertEquals(0, ring.allocated(), "nothing allocated before the first byte");
        // Move the head so that later writes wrap.
        ring.writeAt(0, ByteBuffer.wrap(new byte[1500]), 1500);
        ring.commit(1500);
        ring.discard(1500);
        // Out of order: bytes 3000..3999 held beyond the (empty) readable part; the ring grows.
        byte[] far = new byte[1000];
        for (int i = 0; i < far.length; i++) {
            far[i] = (byte) (3000 + i);
        }
        ring.writeAt(3000, ByteBuffer.wrap(far), 1000);
        assertEquals(0, ring.size());
        byte[] near = new byte[3000];
        for (int i = 0; i < near.length; i++) {
            near[i] = (byte) i;
        }
        ring.writeAt(0, ByteBuffer.wrap(near), 3000);
        ring.commit(4000);
        ByteBuffer out = ByteBuffer.allocate(4000);
        assertEquals(4000, ring.read(out));
        for (int i = 0; i < 4000; i++) {
            assertEquals((byte) i, out.get(i), "byte " + i);
        }
        assertTrue(ring.allocated() <= 8192);
    }
}
