package io.synack.core.engine;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.net.InetAddress;

/**
 * RFC 6528 §3: {@code ISN = M + F(localip, localport, remoteip, remoteport, secretkey)}, where M is a
 * timer ticking every 4 microseconds (the RFC 9293 §3.4.1 clock) and F is SipHash-2-4 keyed with
 * a 128-bit secret, so an off-path attacker cannot predict the ISN of another 4-tuple.
 */
public final class SipHashIsnGenerator implements IsnGenerator {
    private final HashFunction f;

    /**
     * @param k0 first half of the secret key
     * @param k1 second half of the secret key
     */
    public SipHashIsnGenerator(long k0, long k1) {
        this.f = Hashing.sipHash24(k0, k1);
    }

    @Override
    public int isn(InetAddress local, int localPort, InetAddress remote, int remotePort, long now) {
        Hasher h = f.newHasher();
        h.putBytes(local.getAddress()).putShort((short) localPort)
                .putBytes(remote.getAddress()).putShort((short) remotePort);
        // RFC 6528 §3: M is a 4-microsecond timer; it wraps every ~4.77 hours like the RFC 9293 clock.
        int m = (int) Math.floorDiv(now, 4_000L);
        return m + h.hash().asInt();
    }
}
