package io.synack.core.capture;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.synack.core.wire.Segment;
import io.synack.core.wire.TcpCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Coverage-guided fuzzing of {@link PcapReader} with Jazzer (regression inputs in
 * {@code PcapReaderJazzerTestInputs/}; {@code JAZZER_FUZZ=1} explores): any file either reads or
 * fails with {@link PcapFormatException}, and every segment it yields decodes without throwing.
 */
class PcapReaderJazzerTest {

    @FuzzTest(maxDuration = "20s")
    void readNeverThrowsUnexpectedly(byte[] file) throws IOException {
        try (PcapReader reader = new PcapReader(new ByteArrayInputStream(file))) {
            Segment segment = new Segment();
            for (PcapPacket p = reader.next(); p != null; p = reader.next()) {
                if (p.segment().remaining() > p.segmentLength() || p.segment().remaining() < TcpCodec.MIN_HEADER_LENGTH) {
                    throw new AssertionError("segment of " + p.segment().remaining() + " octets, length " + p.segmentLength());
                }
                TcpCodec.decode(p.segment(), p.source(), p.destination(), p.complete(), segment);
            }
        } catch (PcapFormatException expected) {
            // reported, not crashed
        }
    }
}
