package io.synack.core.driver;

import io.synack.spi.DatagramRecorder;
import java.util.Objects;

/**
 * How a {@link StackDriver} treats datagrams.
 *
 * @param verifyChecksums whether received segments' checksums are verified (RFC 9293 §3.1,
 *     MUST-2/MUST-3: a receiver checks the checksum); off only for experiments
 * @param trustLoopbackChecksums skip verification for segments whose source is a loopback address:
 *     the kernel leaves the checksum of locally-generated packets unfilled when offloading it
 *     (the raw-socket transport declares {@code synack.rawsocket.trust-loopback-checksums}); each
 *     skip is counted as {@value StackDriver#CHECKSUM_TRUSTED_LOOPBACK}
 * @param recorder sees every datagram this stack sends ({@code SENT}) and receives
 *     ({@code DELIVERED}), as bytes on the wire
 */
public record DriverOptions(boolean verifyChecksums, boolean trustLoopbackChecksums, DatagramRecorder recorder) {

    /** Verify every checksum; record nothing. */
    public static final DriverOptions DEFAULT = new DriverOptions(true, false, DatagramRecorder.NONE);

    /** @throws NullPointerException if recorder is null */
    public DriverOptions {
        Objects.requireNonNull(recorder, "recorder");
    }

    /**
     * A copy with another recorder.
     *
     * @param recorder the recorder
     * @return the options
     */
    public DriverOptions withRecorder(DatagramRecorder recorder) {
        return new DriverOptions(verifyChecksums, trustLoopbackChecksums, recorder);
    }
}
