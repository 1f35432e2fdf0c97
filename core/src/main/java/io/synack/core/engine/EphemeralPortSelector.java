package io.synack.core.engine;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.net.InetAddress;
import java.util.function.IntPredicate;

/**
 * Ephemeral port selection per RFC 6056 §3.3.4, Algorithm 4 ("Double-Hash Port Selection"):
 * {@code offset = F(local, remote, remoteport, key1)}, {@code index = G(same, key2)},
 * {@code port = min + (offset + table[index]) mod range}; {@code table[index]} advances on every
 * try so consecutive connections to one peer get distinct ports while ports towards different
 * peers are unpredictable to an off-path attacker. Linux uses the same scheme.
 */
public final class EphemeralPortSelector {
    private static final int TABLE_SIZE = 256;
    private final HashFunction f;
    private final HashFunction g;
    private final short[] table = new short[TABLE_SIZE];
    private final int low;
    private final int count;

    /**
     * @param low lowest port
     * @param high highest port
     * @param k0 key part
     * @param k1 key part
     */
    public EphemeralPortSelector(int low, int high, long k0, long k1) {
        this.low = low;
        this.count = high - low + 1;
        this.f = Hashing.sipHash24(k0, k1);
        this.g = Hashing.sipHash24(k1 ^ 0x5bd1e995L, k0 ^ 0x27d4eb2fL);
    }

    /**
     * Picks a port for a connection to {@code remote:remotePort}.
     *
     * @param local local address
     * @param remote remote address
     * @param remotePort remote port
     * @param suitable whether a candidate port is free for that 4-tuple
     * @return a port, or -1 if every port of the range is in use
     */
    public int select(InetAddress local, InetAddress remote, int remotePort, IntPredicate suitable) {
        int offset = f.newHasher().putBytes(local.getAddress()).putBytes(remote.getAddress())
                .putShort((short) remotePort).hash().asInt();
        int index = g.newHasher().putBytes(local.getAddress()).putBytes(remote.getAddress())
                .putShort((short) remotePort).hash().asInt() & (TABLE_SIZE - 1);
        for (int tries = 0; tries < count; tries++) {
            int next = table[index] & 0xffff;
            int port = low + (int) (Integer.toUnsignedLong(offset + next) % count);
            table[index] = (short) (next + 1);
            if (suitable.test(port)) {
                return port;
            }
        }
        return -1;
    }
}
