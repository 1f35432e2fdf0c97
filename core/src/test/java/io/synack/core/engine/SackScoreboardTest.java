package io.synack.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The sender's SACK scoreboard (RFC 2018 §5, RFC 6675 §3-§4), including across sequence-number wrap. */
class SackScoreboardTest {
    static final int UNA = -5000; // ranges straddle 2^32
    static final int MAX = UNA + 100_000;

    @Test
    void recordsMergesAndClipsBlocks() {
        SackScoreboard sb = new SackScoreboard();
        assertEquals(1000, sb.add(UNA + 2000, UNA + 3000, UNA, MAX));
        assertEquals(1000, sb.add(UNA + 5000, UNA + 6000, UNA, MAX));
        assertEquals(0, sb.add(UNA + 2500, UNA + 3000, UNA, MAX), "already known");
        assertEquals(2000, sb.add(UNA + 3000, UNA + 5000, UNA, MAX), "fills the gap: adjacent ranges merge");
        assertEquals(1, sb.ranges());
        assertEquals(4000, sb.sackedBytes());
        assertEquals(0, sb.add(UNA - 500, UNA, UNA, MAX), "a D-SACK below SND.UNA adds nothing");
        assertEquals(0, sb.add(MAX, MAX + 10, UNA, MAX), "beyond SND.MAX adds nothing");
        assertEquals(1000, sb.add(MAX - 1000, MAX + 10, UNA, MAX), "clipped to SND.MAX");
        assertEquals(2, sb.ranges());
    }

    @Test
    void answersTheQuestionsOfLossRecovery() {
        SackScoreboard sb = new SackScoreboard();
        sb.add(UNA + 1460, UNA + 2920, UNA, MAX);
        sb.add(UNA + 4380, UNA + 8760, UNA, MAX);
        assertEquals(UNA, sb.skipSacked(UNA));
        assertEquals(UNA + 2920, sb.skipSacked(UNA + 1460));
        assertEquals(UNA + 2920, sb.skipSacked(UNA + 2000));
        assertEquals(UNA + 1460, sb.nextSackedStart(UNA, MAX));
        assertEquals(UNA + 4380, sb.nextSackedStart(UNA + 2920, MAX));
        assertEquals(MAX, sb.nextSackedStart(UNA + 4380, MAX));
        assertEquals(UNA + 8760, sb.highSacked(UNA));
        assertEquals(1460 + 1460, sb.unsackedBytes(UNA, UNA + 4380));
        assertEquals(MAX - UNA - 1460 - 4380, sb.unsackedBytes(UNA, MAX));
        // IsLost with DupThresh 3, SMSS 1460: more than 2920 bytes SACKed above. The range at 4380
        // holds 4380 bytes: everything un-SACKed below 4380 is lost.
        assertEquals(UNA + 4380, sb.lostBoundary(UNA, 1460, 3));
        assertEquals(UNA, sb.lostBoundary(UNA, 1460, 5), "4380 + 1460 is not more than 4 * 1460");
    }

    @Test
    void advancingSndUnaForgetsAndDetectsReneging() {
        SackScoreboard sb = new SackScoreboard();
        sb.add(UNA + 1000, UNA + 2000, UNA, MAX);
        sb.add(UNA + 3000, UNA + 4000, UNA, MAX);
        sb.advance(UNA + 1000);
        assertTrue(sb.reneged(UNA + 1000), "SND.UNA stopped at the start of a SACKed range: the peer dropped it");
        sb.advance(UNA + 2000);
        assertFalse(sb.reneged(UNA + 2000));
        assertEquals(1, sb.ranges());
        sb.advance(UNA + 3500);
        assertEquals(500, sb.sackedBytes(), "a range cut in two by SND.UNA keeps its upper part");
        sb.advance(UNA + 4000);
        assertTrue(sb.isEmpty());
    }

    @Test
    void isBoundedInMemory() {
        SackScoreboard sb = new SackScoreboard();
        for (int i = 0; i < 3 * SackScoreboard.MAX_RANGES; i++) {
            sb.add(UNA + 100 * i + 50, UNA + 100 * i + 60, UNA, MAX);
        }
        assertEquals(SackScoreboard.MAX_RANGES, sb.ranges(), "further ranges are not recorded (safe: more is resent)");
    }

    /** Against a bitmap model: random blocks and advances keep the same answers. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void agreesWithABitmap(long seed) {
        Random r = new Random(seed);
        int span = 4000;
        boolean[] model = new boolean[span];
        SackScoreboard sb = new SackScoreboard();
        int una = UNA;
        int max = UNA + span;
        for (int step = 0; step < 400; step++) {
            if (r.nextInt(10) == 0) {
                int adv = r.nextInt(200);
                for (int i = 0; i < adv && una - UNA < span; i++) {
                    model[una - UNA] = false;
                    una++;
                }
                sb.advance(una);
                if (sb.reneged(una)) {
                    sb.clear();
                    java.util.Arrays.fill(model, false);
                }
            } else {
                int a = UNA + r.nextInt(span);
                int b = a + 1 + r.nextInt(300);
                int added = sb.add(a, b, una, max);
                int expected = 0;
                int from = Math.max(a - UNA, una - UNA);
                int to = Math.min(b - UNA, span);
                boolean fits = sb.ranges() < SackScoreboard.MAX_RANGES || added > 0;
                if (added > 0 || fits) {
                    for (int i = from; i < to; i++) {
                        if (!model[i]) {
                            model[i] = true;
                            expected++;
                        }
                    }
                }
                if (added != expected) {
                    // the scoreboard was full and refused a new range: resynchronise the model
                    assertEquals(0, added);
                    for (int i = from; i < to; i++) {
                        model[i] = false;
                    }
                    rebuild(model, sb, una);
                }
            }
            int count = 0;
            for (int i = una - UNA; i < span; i++) {
                count += model[i] ? 1 : 0;
            }
            assertEquals(count, sb.sackedBytes(), "step " + step);
            int probe = una + r.nextInt(Math.max(1, max - una));
            int unsacked = 0;
            for (int i = una - UNA; i < probe - UNA; i++) {
                unsacked += model[i] ? 0 : 1;
            }
            assertEquals(unsacked, sb.unsackedBytes(una, probe), "step " + step);
            int skip = probe;
            while (skip - UNA < span && model[skip - UNA]) {
                skip++;
            }
            assertEquals(skip, sb.skipSacked(probe), "step " + step);
        }
    }

    private static void rebuild(boolean[] model, SackScoreboard sb, int una) {
        // make the model equal to what the scoreboard holds
        for (int i = 0; i < model.length; i++) {
            int seq = UNA + i;
            model[i] = seq - una >= 0 && sb.skipSacked(seq) != seq;
        }
    }
}
