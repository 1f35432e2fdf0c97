package io.synack.core.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.synack.core.driver.DriverOptions;
import io.synack.core.driver.DrivenStack;
import io.synack.core.driver.Simulation;
import io.synack.core.driver.StackDriver;
import io.synack.core.engine.EngineConfig;
import io.synack.core.engine.TcpEngine;
import io.synack.core.wire.Segment;
import io.synack.core.wire.TcpCodec;
import io.synack.spi.DatagramRecorder;
import io.synack.transport.loopback.LoopbackNetwork;
import io.synack.transport.loopback.LoopbackTransportFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The driver's checksum policy end to end with the real codec and engine: a segment whose checksum
 * is wrong is dropped and counted as {@code bad-checksum} (RFC 9293 §3.1, MUST-2/MUST-3) — unless
 * its source is a loopback address and the stack was told to trust those (the raw-socket transport
 * over {@code lo}, where the kernel leaves locally generated checksums unfilled), in which case it
 * is processed and counted as {@value StackDriver#CHECKSUM_TRUSTED_LOOPBACK}.
 */
class ChecksumPolicyTest {

    @ParameterizedTest(name = "{0} -> {1}, trust loopback {2}")
    @CsvSource({
        "10.0.0.1, 10.0.0.2, false, false",
        "10.0.0.1, 10.0.0.2, true, false",
        "127.0.0.1, 127.0.0.2, false, false",
        "127.0.0.1, 127.0.0.2, true, true",
        "::1, fd00::2, true, true",
    })
    void aSynWithABadChecksumIsDroppedUnlessItsLoopbackSourceIsTrusted(String from, String to, boolean trust,
            boolean processed) throws Exception {
        InetAddress source = InetAddress.getByName(from);
        InetAddress destination = InetAddress.getByName(to);
        FaultScript faults = new FaultScript(new LoopbackTransportFactory(new LoopbackNetwork()), DatagramRecorder.NONE);
        Simulation sim = Simulation.create(77, faults,
                (address, seed) -> TcpEngine.create(address, EngineConfig.defaults(), new SplittableRandom(seed)))
                .withOptions(new DriverOptions(true, trust, DatagramRecorder.NONE));
        sim.addStack(source);
        DrivenStack server = sim.addStack(destination);
        server.listen(80, 4);
        java.util.List<String> transitions = new java.util.ArrayList<>();
        server.addEventListener(e -> {
            if (e instanceof io.synack.api.ConnectionEvent.StateChanged c) {
                transitions.add(c.from() + " => " + c.to());
            }
        });

        Segment syn = new Segment();
        syn.sourcePort = 4444;
        syn.destinationPort = 80;
        syn.seq = 1000;
        syn.flags = Segment.SYN;
        syn.window = 65_535;
        ByteBuffer bytes = ByteBuffer.allocate(TcpCodec.encodedLength(syn));
        TcpCodec.encode(syn, source, destination, bytes);
        byte[] datagram = bytes.array();
        datagram[17] ^= 0x5a; // the checksum field (offset 16-17) no longer matches
        faults.injectRaw(source, destination, datagram);
        sim.runFor(Duration.ofMillis(1));

        Long trusted = server.driver().counters().get(StackDriver.CHECKSUM_TRUSTED_LOOPBACK);
        if (processed) {
            assertEquals(0, server.statistics().dropped("bad-checksum"));
            // The SYN was taken; the peer's stack, which sent no SYN, reset the SYN,ACK (Figure 8's
            // lesson again) and that RST came from a loopback address too.
            assertEquals(java.util.List.of("LISTEN => SYN-RECEIVED", "SYN-RECEIVED => LISTEN"), transitions);
            assertEquals(2L, trusted, "the SYN and the RST were not verified, and counted");
        } else {
            assertEquals(1, server.statistics().dropped("bad-checksum"));
            assertEquals(java.util.List.of(), transitions, "the corrupt SYN changed nothing");
            assertNull(trusted);
        }
    }
}
