package io.synack.transport.loopback;

import io.synack.spi.DatagramFate;
import io.synack.spi.DatagramRecorder;
import io.synack.spi.Setting;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The fault state of one path (source → destination) of one {@link FaultInjector}: its plan, its
 * own random stream, how many datagrams it carried, the Gilbert–Elliott channel state, when its
 * link is free again, and how often each scripted rule fired. Decides the fate of each datagram
 * in the order {@link FaultPlan} documents, records it, and hands each surviving copy to a
 * {@link Sink} with its delivery time.
 *
 * <p>Its random stream is derived from the injector's seed and the two addresses, so a path's
 * fates depend on the seed and on that path's own traffic only — not on how datagrams of other
 * paths interleave with it, which in real time depends on thread scheduling.
 */
final class PathFaults {

    /** Where surviving copies go. */
    interface Sink {
        /**
         * @param atNanos when to hand it on (scheduler clock); at or before now means at once
         * @param bytes the datagram, owned by the sink from now on
         */
        void deliver(long atNanos, byte[] bytes);
    }

    /** Bounded retries when a multi-bit flip would leave the one's complement sum unchanged. */
    private static final int MAX_FLIP_ATTEMPTS = 64;

    private final InetAddress source;
    private final InetAddress destination;
    private final FaultPlan plan;
    private final SplittableRandom random;
    private final int ipHeaderLength;
    private final int[] picked;
    private final boolean none;
    private long count;
    private boolean bad;
    private long linkBusyUntil = Long.MIN_VALUE;

    PathFaults(InetAddress source, InetAddress destination, FaultPlan plan, long seed) {
        this.source = source;
        this.destination = destination;
        this.plan = plan;
        this.random = new SplittableRandom(pathSeed(seed, source, destination));
        this.ipHeaderLength = source instanceof Inet4Address ? 20 : 40;
        this.picked = new int[plan.scripted.size()];
        this.none = plan.isNone();
    }

    FaultPlan plan() {
        return plan;
    }

    /** Whether the path has no faults: its datagrams pass untouched and are not counted. */
    boolean isNone() {
        return none;
    }

    /**
     * Decides the fate of one datagram, records it, and passes each copy that survives to
     * {@code sink}.
     *
     * @param now the scheduler clock
     * @param epoch the injector's epoch on that clock
     * @param bytes the datagram (a private copy the sink may keep)
     * @param recorder where fates go
     * @param sink where surviving copies go
     */
    void decide(long now, long epoch, byte[] bytes, DatagramRecorder recorder, Sink sink) {
        // Decide under the lock; hand the copies on outside it, since handing on may run a
        // receiver that sends (on another path, whose lock it then takes).
        Survivors survivors;
        synchronized (this) {
            survivors = decideLocked(now, epoch, bytes, recorder);
        }
        if (survivors != null) {
            sink.deliver(survivors.at, survivors.bytes);
            if (survivors.copy != null) {
                sink.deliver(survivors.copyAt, survivors.copy);
            }
        }
    }

    /** What survived: the datagram and, if duplicated, its copy, each with its delivery time. */
    private record Survivors(long at, byte[] bytes, long copyAt, byte[] copy) {}

    private Survivors decideLocked(long now, long epoch, byte[] bytes, DatagramRecorder recorder) {
        long index = ++count;
        long holdUntil = Long.MIN_VALUE;
        String held = "";
        for (int i = 0; i < picked.length; i++) {
            ScriptedRule rule = plan.scripted.get(i);
            if (rule.picks(index, ByteBuffer.wrap(bytes), picked[i])) {
                picked[i]++;
                if (rule.drops()) {
                    record(recorder, now, bytes, DatagramFate.DROPPED, "script: " + rule.description());
                    return null;
                }
                holdUntil = epoch + rule.holdUntil().toNanos();
                held = " (script: " + rule.description() + ")";
                break;
            }
        }
        for (PartitionWindow w : plan.partitions) {
            if (w.contains(now - epoch)) {
                record(recorder, now, bytes, DatagramFate.DROPPED, "partition");
                return null;
            }
        }
        if (plan.mtu != 0 && bytes.length + ipHeaderLength > plan.mtu) {
            record(recorder, now, bytes, DatagramFate.DROPPED, "mtu");
            return null;
        }
        if (plan.burst != null) {
            boolean lost = bad && chance(plan.burst.lossInBad());
            // Gilbert–Elliott: the state the datagram crossed in decides its loss; then the
            // channel moves for the next one.
            bad = bad ? !chance(plan.burst.r()) : chance(plan.burst.p());
            if (lost) {
                record(recorder, now, bytes, DatagramFate.DROPPED, "burst-loss");
                return null;
            }
        }
        if (plan.loss != 0 && chance(plan.loss)) {
            record(recorder, now, bytes, DatagramFate.DROPPED, "loss");
            return null;
        }
        if (plan.corrupt != 0 && chance(plan.corrupt) && bytes.length > 0) {
            int flipped = flipBits(bytes, 1 + random.nextInt(plan.corruptBits), random);
            record(recorder, now, bytes, DatagramFate.CORRUPTED, flipped + (flipped == 1 ? " bit" : " bits") + " flipped");
        }
        boolean duplicated = plan.duplicate != 0 && chance(plan.duplicate);
        byte[] copy = duplicated ? bytes.clone() : null;
        long at = arrival(now, bytes.length);
        boolean reordered = plan.reorder != 0 && chance(plan.reorder);
        if (reordered) {
            at += plan.reorderDelay.toNanos();
        }
        if (holdUntil > at) {
            at = holdUntil;
        }
        if (at > now) {
            record(recorder, now, bytes, DatagramFate.DELAYED, until(now, at) + (reordered ? " (reordered)" : "") + held);
        }
        if (!duplicated) {
            return new Survivors(at, bytes, 0, null);
        }
        long copyAt = arrival(now, copy.length);
        record(recorder, now, copy, DatagramFate.DUPLICATED, copyAt > now ? until(now, copyAt) : "");
        return new Survivors(at, bytes, copyAt, copy);
    }

    /** Serialisation behind earlier datagrams at the link rate, then the drawn delay. */
    private long arrival(long now, int length) {
        long departure = now;
        if (plan.rateBytesPerSecond != 0) {
            long start = Math.max(now, linkBusyUntil);
            long wire = (long) length + ipHeaderLength;
            linkBusyUntil = start + (wire * 1_000_000_000L + plan.rateBytesPerSecond - 1) / plan.rateBytesPerSecond;
            departure = linkBusyUntil;
        }
        return departure + plan.delay.sampleNanos(random);
    }

    private boolean chance(double probability) {
        return probability >= 1 || random.nextDouble() < probability;
    }

    private void record(DatagramRecorder recorder, long now, byte[] bytes, DatagramFate fate, String detail) {
        recorder.record(now, source, destination, ByteBuffer.wrap(bytes).asReadOnlyBuffer(), fate, detail);
    }

    private static String until(long now, long at) {
        return "until " + at + "ns (+" + Setting.formatDuration(Duration.ofNanos(at - now)) + ")";
    }

    /**
     * Flips {@code bits} distinct bits (at most all of them), chosen so that the 16-bit one's
     * complement sum of the bytes changes: then the TCP checksum (RFC 9293 §3.1), computed over
     * these bytes and an unchanged pseudo-header, no longer verifies. A single flip always
     * changes the sum (by ±2^k, never 0 mod 0xFFFF); several flips could cancel, so the last one
     * is re-chosen until they do not.
     *
     * @return how many bits were flipped
     */
    static int flipBits(byte[] bytes, int bits, SplittableRandom random) {
        int n = Math.min(bits, bytes.length * 8);
        int[] positions = new int[n];
        long delta = 0;
        for (int i = 0; i < n; i++) {
            int pos = distinct(positions, i, bytes.length * 8, random);
            if (i == n - 1 && n > 1) {
                for (int attempt = 0; mod(delta + contribution(bytes, pos)) == 0; attempt++) {
                    if (attempt == MAX_FLIP_ATTEMPTS) {
                        // Undo every flip and fall back to one, which always changes the sum.
                        for (int j = 0; j < i; j++) {
                            flip(bytes, positions[j]);
                        }
                        flip(bytes, positions[0]);
                        return 1;
                    }
                    pos = distinct(positions, i, bytes.length * 8, random);
                }
            }
            delta += contribution(bytes, pos);
            positions[i] = pos;
            flip(bytes, pos);
        }
        return n;
    }

    private static int distinct(int[] taken, int count, int limit, SplittableRandom random) {
        while (true) {
            int pos = random.nextInt(limit);
            boolean seen = false;
            for (int j = 0; j < count; j++) {
                seen |= taken[j] == pos;
            }
            if (!seen) {
                return pos;
            }
        }
    }

    /** How flipping bit {@code pos} (0 = most significant bit of byte 0) changes the word sum. */
    private static long contribution(byte[] bytes, int pos) {
        int index = pos >>> 3;
        int bitInByte = 7 - (pos & 7);
        // Even offsets are the high byte of a 16-bit word (RFC 1071 §1).
        long weight = 1L << (bitInByte + ((index & 1) == 0 ? 8 : 0));
        boolean set = (bytes[index] & (1 << bitInByte)) != 0;
        return set ? -weight : weight;
    }

    private static long mod(long value) {
        return Math.floorMod(value, 0xFFFFL);
    }

    private static void flip(byte[] bytes, int pos) {
        bytes[pos >>> 3] ^= (byte) (1 << (7 - (pos & 7)));
    }

    private static long pathSeed(long seed, InetAddress source, InetAddress destination) {
        long h = seed ^ 0xcbf29ce484222325L;
        for (byte b : source.getAddress()) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ 0x3e) * 0x100000001b3L;
        for (byte b : destination.getAddress()) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        // SplittableRandom's constructor mixes the seed further (its mix64), so nearby seeds give
        // unrelated streams.
        return h;
    }
}
