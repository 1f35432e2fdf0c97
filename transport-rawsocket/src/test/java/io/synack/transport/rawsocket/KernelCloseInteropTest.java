package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.CloseReason;
import io.synack.api.ConnectionEvent;
import io.synack.api.TcpState;
import io.synack.core.engine.EngineConfig;
import io.synack.transport.rawsocket.KernelInterop.Connected;
import io.synack.transport.rawsocket.KernelInterop.Role;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenario 4 of issue 6 against the Linux kernel's TCP, in both roles: the graceful close started
 * by either side, where the active closer ends in TIME-WAIT and the passive one goes through
 * CLOSE-WAIT and LAST-ACK to CLOSED (RFC 9293 §3.6 case 1 and 2, Figure 12), and the simultaneous
 * close, where both sides send FIN before they see the other's, pass through CLOSING and both end
 * in TIME-WAIT (§3.6 case 3, Figure 13). The kernel's TIME-WAIT is read from its socket table
 * ({@code ss -tan state time-wait} inside its namespace), synack's from its connection.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KernelCloseInteropTest extends KernelInteropTestBase {

    private final List<ConnectionEvent.StateChanged> transitions = new CopyOnWriteArrayList<>();

    private Connected connect(Role role) throws Exception {
        Connected c = net.connect(role, 0, EngineConfig.defaults());
        c.stack().addEventListener(e -> {
            if (e instanceof ConnectionEvent.StateChanged s) {
                transitions.add(s);
            }
        });
        String sent = KernelInterop.send(c.synack(), 5, 5);
        assertEquals(List.of("5", sent), c.kernel().call("recvn", "5"));
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Role.class)
    void synackClosesFirstAndEndsInTimeWaitWhileTheKernelGoesThroughLastAck(Role role) throws Exception {
        net.capture("close-synack-first-" + role.name());
        Connected c = connect(role);
        c.synack().close();
        KernelInterop.await("synack in FIN-WAIT-2", () -> c.synack().state() == TcpState.FIN_WAIT_2);
        assertEquals(List.of("0", KernelInterop.EMPTY_SHA256), c.kernel().call("recv"), "the kernel reads EOF");
        c.kernel().call("close");
        awaitTimeWait(c);
        assertEquals(List.of("ESTABLISHED -> FIN-WAIT-1", "FIN-WAIT-1 -> FIN-WAIT-2", "FIN-WAIT-2 -> TIME-WAIT"),
                path());
        // The kernel closed passively: LAST-ACK, then gone, no TIME-WAIT.
        KernelInterop.await("the kernel's LAST-ACK ends", () -> sockets("all", c).isEmpty());
        assertEquals(List.of(), sockets("time-wait", c));
        net.checkedCapture(false);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Role.class)
    void theKernelClosesFirstAndEndsInTimeWaitWhileSynackGoesThroughLastAck(Role role) throws Exception {
        net.capture("close-kernel-first-" + role.name());
        Connected c = connect(role);
        c.kernel().call("close");
        assertEquals(0, KernelInterop.receiveAll(c.synack()).bytes(), "synack reads EOF");
        assertEquals(TcpState.CLOSE_WAIT, c.synack().state());
        c.synack().close();
        assertEquals(CloseReason.GRACEFUL, KernelInterop.await(c.synack().closeFuture().toCompletableFuture(),
                "synack's LAST-ACK"));
        assertEquals(List.of("ESTABLISHED -> CLOSE-WAIT", "CLOSE-WAIT -> LAST-ACK", "LAST-ACK -> CLOSED"), path());
        KernelInterop.await("the kernel in TIME-WAIT", () -> sockets("time-wait", c).size() == 1);
        net.checkedCapture(false);
    }

    /**
     * Both FINs cross: synack's FIN is held back by a rule in synack's namespace (it drops
     * segments that carry synack's mark from its port) until the kernel's FIN has reached synack,
     * so that each side has sent its FIN before it sees the other's.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Role.class)
    void simultaneousClosePassesThroughClosingOnBothSidesAndBothEndInTimeWait(Role role) throws Exception {
        net.capture("close-simultaneous-" + role.name());
        Connected c = connect(role);
        String hold = "table inet synack_hold {\n\tchain out {\n\t\ttype filter hook output priority filter; policy accept;\n"
                + "\t\ttcp sport " + c.synackPort() + " meta mark " + RawSocketSettings.formatMark(RawSocketSettings.DEFAULT_MARK)
                + " drop\n\t}\n}\n";
        net.synackSide.execWithInput(hold, "nft", "-f", "-");
        c.synack().close(); // FIN-WAIT-1; the FIN is dropped before the wire
        KernelInterop.await("synack in FIN-WAIT-1", () -> c.synack().state() == TcpState.FIN_WAIT_1);
        c.kernel().call("close"); // the kernel's FIN, sent before it saw synack's
        KernelInterop.await("synack in CLOSING", () -> c.synack().state() == TcpState.CLOSING);
        net.synackSide.exec("nft", "delete", "table", "inet", "synack_hold");
        // synack retransmits its FIN; the kernel, in FIN-WAIT-1 or CLOSING, acknowledges it.
        awaitTimeWait(c);
        assertEquals(List.of("ESTABLISHED -> FIN-WAIT-1", "FIN-WAIT-1 -> CLOSING", "CLOSING -> TIME-WAIT"), path());
        KernelInterop.await("the kernel in TIME-WAIT", () -> sockets("time-wait", c).size() == 1);
        List<WireSegment> wire = WireSegment.read(net.checkedCapture(false), false);
        List<WireSegment> fins = wire.stream().filter(w -> w.has(WireSegment.FIN)).toList();
        // Each side's FIN may be retransmitted (the kernel's RTO can expire while synack's answer is
        // held on a loaded machine); retransmissions repeat the first FIN's sequence number.
        List<WireSegment> kernelFins = fins.stream().filter(w -> !w.from(c.synackPort())).toList();
        List<WireSegment> synackFins = fins.stream().filter(w -> w.from(c.synackPort())).toList();
        assertTrue(!kernelFins.isEmpty() && !synackFins.isEmpty(), wire.toString());
        WireSegment kernelFin = kernelFins.get(0);
        WireSegment synackFin = synackFins.get(0);
        assertTrue(kernelFins.stream().allMatch(f -> f.seq() == kernelFin.seq())
                && synackFins.stream().allMatch(f -> f.seq() == synackFin.seq()), "only retransmissions: " + fins);
        assertTrue(fins.indexOf(kernelFin) < fins.indexOf(synackFin), "the kernel's FIN is on the wire first: " + fins);
        // The FINs crossed: the kernel's acknowledges synack's bytes but not synack's FIN (sent,
        // but not seen), while synack's FIN acknowledges the kernel's.
        assertEquals(synackFin.seq(), kernelFin.ack(), fins.toString());
        assertEquals(kernelFin.seq() + 1, synackFin.ack(), fins.toString());
    }

    /**
     * Waits until synack's connection entered TIME-WAIT and the stack holds it there. (The
     * connection object itself reports CLOSED once the application has closed it: the stack keeps
     * TIME-WAIT in its compact table, not in the connection's TCB.)
     */
    private void awaitTimeWait(Connected c) throws InterruptedException {
        KernelInterop.await("synack enters TIME-WAIT", () -> path().stream().anyMatch(t -> t.endsWith("-> TIME-WAIT")));
        assertEquals(1, c.stack().statistics().connectionsIn(TcpState.TIME_WAIT), c.stack().statistics().toString());
    }

    /** synack's transitions as "FROM -> TO", from ESTABLISHED on. */
    private List<String> path() {
        List<String> all = transitions.stream().map(t -> t.from() + " -> " + t.to()).toList();
        int start = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).startsWith("ESTABLISHED ->")) {
                start = i;
                break;
            }
        }
        return all.subList(start, all.size());
    }

    private List<String> sockets(String state, Connected c) {
        try {
            return net.kernelSockets(state, c.synackPort());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
