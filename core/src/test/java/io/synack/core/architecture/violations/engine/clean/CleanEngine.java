package io.synack.core.architecture.violations.engine.clean;

import io.synack.api.SynackException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Everything an engine may do: addresses as values, buffers, durations, seeded randomness, {@code now}. */
public class CleanEngine {
    private final Random random = new Random(42);
    private final ByteBuffer out = ByteBuffer.allocate(64);

    /**
     * @param peer the remote address
     * @param now the current time, given
     * @param rto the retransmission timeout
     * @return the deadline
     * @throws SynackException never; typed errors are allowed
     */
    public long handle(InetSocketAddress peer, long now, Duration rto) throws SynackException {
        InetAddress address = peer.getAddress();
        out.clear().putInt(address.hashCode()).putInt(random.nextInt());
        if (rto.isNegative()) {
            throw new SynackException("negative RTO");
        }
        return now + TimeUnit.MILLISECONDS.toNanos(rto.toMillis());
    }
}
