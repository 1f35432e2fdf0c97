package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.CloseReason;
import io.synack.api.ConnectionRefusedException;
import io.synack.api.ConnectionResetException;
import io.synack.api.TcpStack;
import io.synack.core.engine.EngineConfig;
import io.synack.transport.rawsocket.KernelInterop.Connected;
import io.synack.transport.rawsocket.KernelInterop.Role;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenarios 5 and 6 of issue 6 against the Linux kernel's TCP: an abort (RST) from either side in
 * both roles — synack's ABORT (RFC 9293 §3.10.5), the kernel's {@code SO_LINGER {1, 0}} close,
 * and either side's close with received data still unread, which Linux and synack turn into a RST
 * (RFC 2525 §2.17) — and a connection to a port nobody listens on, refused with a RST
 * (RFC 9293 §3.10.7.1) each way.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KernelResetInteropTest extends KernelInteropTestBase {

    /** How a side ends the connection with a RST. */
    enum Abort {
        /** synack: {@code abort()}; the kernel: {@code SO_LINGER {1, 0}} and {@code close()}. */
        EXPLICIT,
        /** close() while received data is unread (RFC 2525 §2.17). */
        CLOSE_WITH_UNREAD_DATA
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Role.class)
    void synackAbortsAndTheKernelSeesTheConnectionReset(Role role) throws Exception {
        synackResets(role, Abort.EXPLICIT);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Role.class)
    void synackClosesWithUnreadDataAndTheKernelSeesTheConnectionReset(Role role) throws Exception {
        synackResets(role, Abort.CLOSE_WITH_UNREAD_DATA);
    }

    private void synackResets(Role role, Abort how) throws Exception {
        net.capture("abort-synack-" + how.name().toLowerCase() + "-" + role.name());
        Connected c = net.connect(role, 0, EngineConfig.defaults());
        if (how == Abort.EXPLICIT) {
            c.synack().abort();
        } else {
            c.kernel().call("send", "1000");
            KernelInterop.await("the kernel's bytes at synack",
                    () -> c.synack().statistics().bytesReceived() == 1000);
            c.synack().close();
        }
        assertEquals(CloseReason.ABORTED, KernelInterop.await(c.synack().closeFuture().toCompletableFuture(),
                "synack's abort"));
        assertEquals("ECONNRESET", c.kernel().callExpectingError("recv"));
        assertEquals(List.of(), net.kernelSockets("all", c.synackPort()), "the kernel dropped the connection");
        assertEquals(1, c.stack().statistics().resetsSent());
        List<WireSegment> wire = WireSegment.read(net.checkedCapture(false), false);
        List<WireSegment> resets = wire.stream().filter(w -> w.has(WireSegment.RST)).toList();
        assertEquals(1, resets.size(), wire.toString());
        assertTrue(resets.get(0).from(c.synackPort()), resets.toString());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Role.class)
    void theKernelClosesWithSoLingerZeroAndSynackSeesTheConnectionReset(Role role) throws Exception {
        kernelResets(role, Abort.EXPLICIT);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Role.class)
    void theKernelClosesWithUnreadDataAndSynackSeesTheConnectionReset(Role role) throws Exception {
        kernelResets(role, Abort.CLOSE_WITH_UNREAD_DATA);
    }

    private void kernelResets(Role role, Abort how) throws Exception {
        net.capture("abort-kernel-" + how.name().toLowerCase() + "-" + role.name());
        Connected c = net.connect(role, 0, EngineConfig.defaults());
        if (how == Abort.EXPLICIT) {
            c.kernel().call("linger0");
        } else {
            KernelInterop.send(c.synack(), 1000, 6);
            KernelInterop.await("synack's bytes unread in the kernel's receive queue", () -> kernelHoldsUnread(1000));
            c.kernel().call("close");
        }
        assertThrows(ConnectionResetException.class, () -> c.synack().inputStream().read());
        assertEquals(CloseReason.RESET, KernelInterop.await(c.synack().closeFuture().toCompletableFuture(),
                "synack's reset"));
        assertEquals(0, c.stack().statistics().resetsSent());
        List<WireSegment> wire = WireSegment.read(net.checkedCapture(false), false);
        List<WireSegment> resets = wire.stream().filter(w -> w.has(WireSegment.RST)).toList();
        assertEquals(1, resets.size(), wire.toString());
        assertTrue(!resets.get(0).from(c.synackPort()), resets.toString());
    }

    /** Whether the kernel's connection has {@code bytes} received but unread (its Recv-Q). */
    private boolean kernelHoldsUnread(int bytes) {
        try {
            return net.kernelSide.exec("ss", "-Htn", "state", "established").lines()
                    .anyMatch(l -> l.trim().startsWith(bytes + " "));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void synackConnectingToAKernelPortNobodyListensOnIsRefused() throws Exception {
        net.capture("refused-by-kernel");
        KernelInterop.dropKernelResets(net.synackSide, KernelInterop.SYNACK_CLIENT_PORT);
        TcpStack stack = net.synack(net.synack4);
        assertThrows(ConnectionRefusedException.class, () -> stack.connect(
                new InetSocketAddress(net.kernel4, KernelInterop.KERNEL_SERVER_PORT), KernelInterop.SYNACK_CLIENT_PORT,
                KernelInterop.LIMIT));
        List<WireSegment> wire = WireSegment.read(net.checkedCapture(false), false);
        assertEquals(List.of("S", "R."), wire.stream().map(KernelResetInteropTest::flags).toList(), wire.toString());
        // RFC 9293 §3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> to a SYN (relative: ack 1).
        assertEquals(1, wire.get(1).ack(), wire.toString());
    }

    @Test
    void theKernelConnectingToASynackPortNobodyListensOnIsRefusedBySynacksRst() throws Exception {
        net.capture("refused-by-synack");
        // Without the rule, synack's namespace kernel would refuse too; with it, only synack answers.
        KernelInterop.dropKernelResets(net.synackSide, KernelInterop.SYNACK_SERVER_PORT);
        TcpStack stack = net.synack(net.synack4);
        KernelPeer kernel = net.kernel();
        assertEquals("ECONNREFUSED", kernel.callExpectingError("connect", net.synack4.getHostAddress(),
                Integer.toString(KernelInterop.SYNACK_SERVER_PORT)));
        assertEquals(1, stack.statistics().resetsSent());
        List<WireSegment> wire = WireSegment.read(net.checkedCapture(false), false);
        assertEquals(List.of("S", "R."), wire.stream().map(KernelResetInteropTest::flags).toList(), wire.toString());
        assertEquals(1, wire.get(1).ack(), wire.toString());
        // The namespace kernel's own RST was there and was dropped: the one on the wire is synack's.
        String table = net.synackSide.exec("nft", "list", "table", "inet", "synack");
        Matcher dropped = Pattern.compile("counter packets (\\d+)").matcher(table);
        assertTrue(dropped.find() && Integer.parseInt(dropped.group(1)) == 1, table);
    }

    private static String flags(WireSegment w) {
        return (w.has(WireSegment.SYN) ? "S" : "") + (w.has(WireSegment.FIN) ? "F" : "")
                + (w.has(WireSegment.RST) ? "R" : "") + (w.has(WireSegment.ACK) ? "." : "");
    }
}
