package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.TcpState;
import io.synack.core.engine.EngineConfig;
import io.synack.core.engine.EngineSettings;
import io.synack.transport.rawsocket.KernelInterop.Connected;
import io.synack.transport.rawsocket.KernelInterop.Received;
import io.synack.transport.rawsocket.KernelInterop.Role;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenario 1 of issue 6 against the Linux kernel's TCP, in both roles: the three-way handshake,
 * the options negotiated on it, and that both sides honour them afterwards. The kernel socket
 * announces an MSS of {@value #KERNEL_MSS} ({@code TCP_MAXSEG}) and synack one of
 * {@value #SYNACK_MSS}, both below what the veth's MTU allows, so that honouring each other's MSS
 * (RFC 9293 §3.7.1, MUST-14/15: the sender's segments carry at most the MSS the receiver
 * announced) is visible in the capture rather than a coincidence of the MTU.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KernelHandshakeInteropTest {

    static final int KERNEL_MSS = 1200;
    static final int SYNACK_MSS = 1000;
    private static final int BYTES = 256 * 1024;

    private KernelInterop net;

    @BeforeEach
    void network() throws Exception {
        net = KernelInterop.create();
    }

    @AfterEach
    void remove() throws Exception {
        if (net != null) {
            net.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Role.class)
    void handshakeNegotiatesTheMssBothWaysAndEachSideSegmentsToThePeersMss(Role role) throws Exception {
        net.capture("handshake-" + role.name());
        EngineConfig engine = configWithMss(SYNACK_MSS);
        Connected c = net.connect(role, KERNEL_MSS, engine);
        assertEquals(TcpState.ESTABLISHED, c.synack().state());
        Map<String, String> info = c.kernel().info();
        assertEquals("ESTABLISHED", info.get("state"), info.toString());
        // The kernel sends at most the MSS synack announced (its snd_mss), synack at most the kernel's.
        assertEquals(Integer.toString(SYNACK_MSS), info.get("snd_mss"), info.toString());
        assertEquals(KERNEL_MSS, c.synack().statistics().peerMss());

        CompletableFuture<String> sent = KernelInterop.async(() -> KernelInterop.send(c.synack(), BYTES, 1));
        List<String> kernelReceived = c.kernel().call("recvn", Integer.toString(BYTES));
        assertEquals(List.of(Integer.toString(BYTES), KernelInterop.await(sent, "synack's send")), kernelReceived);
        List<String> kernelSent = c.kernel().call("send", Integer.toString(BYTES));
        Received synackReceived = KernelInterop.receive(c.synack(), BYTES);
        assertEquals(kernelSent, synackReceived.words());
        c.kernel().call("close");
        c.synack().close();
        KernelInterop.await(c.synack().closeFuture().toCompletableFuture(), "synack's close");

        List<WireSegment> wire = WireSegment.read(net.checkedCapture(false), false);
        int synackPort = c.synackPort();
        List<String> syns = wire.stream().filter(w -> w.has(WireSegment.SYN))
                .map(w -> w.sourcePort() + " ack=" + w.has(WireSegment.ACK) + " mss=" + w.mss()).toList();
        String synackSyn = synackPort + " ack=" + (role == Role.KERNEL_CLIENT) + " mss=" + SYNACK_MSS;
        String kernelSyn = c.kernelPort() + " ack=" + (role == Role.SYNACK_CLIENT) + " mss=" + KERNEL_MSS;
        assertEquals(role == Role.SYNACK_CLIENT ? List.of(synackSyn, kernelSyn) : List.of(kernelSyn, synackSyn), syns);
        assertSegmentsAtMost(wire.stream().filter(w -> w.from(synackPort)).toList(), KERNEL_MSS);
        assertSegmentsAtMost(wire.stream().filter(w -> !w.from(synackPort)).toList(), SYNACK_MSS);
        assertEquals(0, c.stack().statistics().dropped("bad-checksum"), c.stack().statistics().toString());
    }

    /** Every data segment has at most {@code mss} bytes, and some have exactly that. */
    static void assertSegmentsAtMost(List<WireSegment> segments, int mss) {
        List<Integer> lengths = segments.stream().map(WireSegment::length).filter(l -> l > 0).toList();
        assertTrue(lengths.stream().allMatch(l -> l <= mss), "segments above MSS " + mss + ": " + lengths);
        assertTrue(lengths.contains(mss), "no full-sized segment of " + mss + " bytes: " + lengths);
    }

    static EngineConfig configWithMss(int mss) {
        return KernelInterop.engine(Map.of(EngineSettings.MSS, mss));
    }
}
