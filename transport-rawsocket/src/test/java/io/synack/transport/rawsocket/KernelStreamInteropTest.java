package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.CloseReason;
import io.synack.api.TcpState;
import io.synack.core.engine.EngineConfig;
import io.synack.transport.rawsocket.KernelInterop.Connected;
import io.synack.transport.rawsocket.KernelInterop.Received;
import io.synack.transport.rawsocket.KernelInterop.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenarios 2 and 3 of issue 6 against the Linux kernel's TCP, in both roles: a bulk transfer of
 * {@value #BULK} bytes each way at the same time, compared end to end by SHA-256, and the
 * half-close each way (RFC 9293 §3.6: after one side's CLOSE, "it can continue to RECEIVE until
 * it is told that the other side has CLOSED"; the other side keeps sending and everything arrives).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KernelStreamInteropTest extends KernelInteropTestBase {

    /** 16 MiB each way (the minimum). */
    static final int BULK = 16 << 20;
    /** What the side that did not close keeps sending after the other's FIN. */
    static final int AFTER_FIN = 1 << 20;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Role.class)
    void sixteenMebibytesEachWayAtOnceArriveIntactBothWays(Role role) throws Exception {
        net.capture("bulk-" + role.name());
        Connected c = net.connect(role, 0, EngineConfig.defaults());
        CompletableFuture<String> synackSent = KernelInterop.async(() -> {
            String sha = KernelInterop.send(c.synack(), BULK, 2);
            c.synack().shutdownOutput();
            return sha;
        });
        CompletableFuture<Received> synackReceived = KernelInterop.async(() -> KernelInterop.receiveAll(c.synack()));
        // The kernel sends its BULK bytes and FIN while reading synack's up to its FIN.
        List<String> kernel = c.kernel().call("exchange", Integer.toString(BULK));
        Received received = KernelInterop.await(synackReceived, "synack reading the kernel's bytes");
        assertEquals(List.of(Integer.toString(BULK), kernel.get(1)), received.words(), "kernel -> synack");
        assertEquals(List.of(Integer.toString(BULK), KernelInterop.await(synackSent, "synack's send")),
                kernel.subList(2, 4), "synack -> kernel");
        c.kernel().call("close");
        c.synack().close();
        assertEquals(CloseReason.GRACEFUL, KernelInterop.await(c.synack().closeFuture().toCompletableFuture(),
                "synack's close"));

        List<WireSegment> wire = WireSegment.read(net.checkedCapture(false), false);
        long synackBytes = wire.stream().filter(w -> w.from(c.synackPort())).mapToLong(WireSegment::length).sum();
        long kernelBytes = wire.stream().filter(w -> !w.from(c.synackPort())).mapToLong(WireSegment::length).sum();
        assertTrue(synackBytes >= BULK && kernelBytes >= BULK, "on the wire: synack " + synackBytes + ", kernel "
                + kernelBytes);
        assertEquals(0, c.stack().statistics().dropped("bad-checksum"), c.stack().statistics().toString());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Role.class)
    void synackShutsDownOutputAndKeepsReceivingWhatTheKernelStillSends(Role role) throws Exception {
        net.capture("half-close-synack-" + role.name());
        Connected c = net.connect(role, 0, EngineConfig.defaults());
        String sent = KernelInterop.send(c.synack(), 100_000, 3);
        c.synack().shutdownOutput();
        assertEquals(List.of("100000", sent), c.kernel().call("recv"), "the kernel reads synack's bytes, then EOF");
        assertEquals("CLOSE-WAIT", c.kernel().info().get("state"));
        KernelInterop.await("synack in FIN-WAIT-2", () -> c.synack().state() == TcpState.FIN_WAIT_2);
        // RFC 9293 §3.6: synack's direction is closed, the kernel's is not.
        CompletableFuture<Received> received = KernelInterop.async(() -> KernelInterop.receive(c.synack(), AFTER_FIN));
        List<String> more = c.kernel().call("send", Integer.toString(AFTER_FIN));
        assertEquals(more, KernelInterop.await(received, "synack reading after its FIN").words());
        assertEquals(TcpState.FIN_WAIT_2, c.synack().state());
        c.kernel().call("close");
        assertEquals(0, KernelInterop.receiveAll(c.synack()).bytes(), "end of stream after the kernel's FIN");
        KernelInterop.await("synack in TIME-WAIT", () -> c.synack().state() == TcpState.TIME_WAIT);
        net.checkedCapture(false);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Role.class)
    void theKernelShutsDownOutputAndKeepsReceivingWhatSynackStillSends(Role role) throws Exception {
        net.capture("half-close-kernel-" + role.name());
        Connected c = net.connect(role, 0, EngineConfig.defaults());
        List<String> kernelSent = c.kernel().call("send", "100000");
        c.kernel().call("shutwr");
        assertEquals(kernelSent, KernelInterop.receiveAll(c.synack()).words(), "synack reads the kernel's bytes, then EOF");
        assertEquals(TcpState.CLOSE_WAIT, c.synack().state());
        KernelInterop.await("the kernel in FIN-WAIT-2", () -> kernelState(c).equals("FIN-WAIT-2"));
        CompletableFuture<String> more = KernelInterop.async(() -> KernelInterop.send(c.synack(), AFTER_FIN, 4));
        List<String> kernelReceived = c.kernel().call("recvn", Integer.toString(AFTER_FIN));
        assertEquals(List.of(Integer.toString(AFTER_FIN), KernelInterop.await(more, "synack sending after the "
                + "kernel's FIN")), kernelReceived);
        c.synack().close();
        assertEquals(List.of("0", KernelInterop.EMPTY_SHA256), c.kernel().call("recv"),
                "end of stream after synack's FIN");
        assertEquals(CloseReason.GRACEFUL, KernelInterop.await(c.synack().closeFuture().toCompletableFuture(),
                "synack's LAST-ACK"));
        // The kernel, active closer, holds the connection in TIME-WAIT (its socket itself is closed).
        assertEquals(1, net.kernelSockets("time-wait", c.synackPort()).size(), net.kernelSockets("all", 0).toString());
        net.checkedCapture(false);
    }

    private static String kernelState(Connected c) {
        try {
            return c.kernel().info().get("state");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
