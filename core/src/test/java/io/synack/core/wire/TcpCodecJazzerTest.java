package io.synack.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzzing of {@link TcpCodec#decode} with Jazzer. Without {@code JAZZER_FUZZ=1}
 * this runs as a regression test over the inputs in {@code TcpCodecJazzerTestInputs/}; with it,
 * Jazzer explores new inputs. Either way decode must not throw, and an accepted segment must
 * survive re-encoding.
 */
class TcpCodecJazzerTest {

    private static final InetAddress SRC = InetAddress.getLoopbackAddress();

    @FuzzTest(maxDuration = "20s")
    void decodeNeverThrows(FuzzedDataProvider data) {
        boolean verify = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();
        ByteBuffer datagram = ByteBuffer.wrap(bytes);
        Segment into = new Segment();
        DecodeStatus status = TcpCodec.decode(datagram, SRC, SRC, verify, into);
        if (status == DecodeStatus.OK) {
            ByteBuffer out = ByteBuffer.allocate(TcpCodec.encodedLength(into));
            TcpCodec.encode(into, SRC, SRC, out);
            out.flip();
            Segment again = new Segment();
            assertEquals(DecodeStatus.OK, TcpCodec.decode(out, SRC, SRC, true, again));
            assertEquals(into.toString(), again.toString());
        }
    }
}
