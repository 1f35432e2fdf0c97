package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.TcpState;
import io.synack.core.engine.EngineConfig;
import io.synack.core.engine.EngineSettings;
import io.synack.transport.rawsocket.KernelInterop.Connected;
import io.synack.transport.rawsocket.KernelInterop.Received;
import io.synack.transport.rawsocket.KernelInterop.Role;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenario 1 of issue 6 against the Linux kernel's TCP, in both roles: the three-way handshake,
 * the options negotiated on it — MSS, window scale, SACK-permitted, timestamps — and that both
 * sides honour them afterwards, checked segment by segment in the capture:
 * <ul>
 * <li>MSS (RFC 9293 §3.7.1, MUST-14/15; RFC 6691 §2): data and options of a segment together fit
 * in the MSS the receiver announced. The kernel socket announces {@value #KERNEL_MSS}
 * ({@code TCP_MAXSEG}) and synack {@value #SYNACK_MSS}, both below what the veth's MTU allows, so
 * that honouring them is visible, not a coincidence of the MTU.
 * <li>Window scale (RFC 7323 §2.3): no segment goes beyond the right edge of the peer's window
 * scaled by the shift in the peer's SYN, and synack really uses the scaled window (it has more in
 * flight than the unscaled field would allow).
 * <li>Timestamps (RFC 7323 §3.2, §4.3): once negotiated, every segment but a RST carries the
 * option, and each TSecr echoes a TSval the other side sent before.
 * <li>SACK (RFC 2018, RFC 6675): with every 40th data segment of one side dropped, the receiver
 * reports the data above the hole in SACK blocks, and the sender retransmits only what was not
 * SACKed.
 * </ul>
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KernelHandshakeInteropTest extends KernelInteropTestBase {

    static final int KERNEL_MSS = 1200;
    static final int SYNACK_MSS = 1000;
    /** The timestamps option as sent with its padding (RFC 7323 Appendix A): 12 bytes. */
    static final int TIMESTAMPS_OPTION = 12;
    private static final int BYTES = 512 * 1024;
    private static final int KIND_MSS = 2;
    private static final int KIND_WINDOW_SCALE = 3;
    private static final int KIND_SACK_PERMITTED = 4;
    private static final int KIND_SACK = 5;
    private static final int KIND_TIMESTAMPS = 8;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Role.class)
    void handshakeNegotiatesMssWindowScaleSackAndTimestampsAndBothSidesHonourThem(Role role) throws Exception {
        net.capture("handshake-" + role.name());
        Connected c = net.connect(role, KERNEL_MSS, KernelInterop.engine(Map.of(EngineSettings.MSS, SYNACK_MSS)));
        assertEquals(TcpState.ESTABLISHED, c.synack().state());
        Map<String, String> info = c.kernel().info();
        assertEquals("ESTABLISHED", info.get("state"), info.toString());
        assertEquals("true", info.get("timestamps"), "the kernel agreed to timestamps: " + info);
        assertEquals("true", info.get("sack"), "the kernel agreed to SACK: " + info);
        assertEquals("true", info.get("wscale"), "the kernel agreed to window scaling: " + info);
        // The kernel's send MSS is synack's MSS less the timestamps option it carries on every segment.
        assertEquals(Integer.toString(SYNACK_MSS - TIMESTAMPS_OPTION), info.get("snd_mss"), info.toString());
        assertEquals(KERNEL_MSS, c.synack().statistics().peerMss());
        exchange(c);

        List<WireSegment> wire = WireSegment.read(net.checkedCapture(false), false);
        int synackPort = c.synackPort();
        WireSegment synackSyn = syn(wire, synackPort, true);
        WireSegment kernelSyn = syn(wire, synackPort, false);
        for (WireSegment syn : List.of(synackSyn, kernelSyn)) {
            assertTrue(syn.optionKinds().containsAll(List.of(KIND_MSS, KIND_WINDOW_SCALE, KIND_SACK_PERMITTED,
                    KIND_TIMESTAMPS)), "SYN without all four options: " + syn);
        }
        assertEquals(SYNACK_MSS, synackSyn.mss());
        assertEquals(KERNEL_MSS, kernelSyn.mss());
        // What the kernel recorded of the shifts is what the SYNs carried.
        assertEquals(Integer.toString(synackSyn.windowScale()), info.get("snd_wscale"), info.toString());
        assertEquals(Integer.toString(kernelSyn.windowScale()), info.get("rcv_wscale"), info.toString());
        assertTrue(synackSyn.windowScale() > 0, "synack offers a shift above 0 for its receive buffer: " + synackSyn);

        assertSegmentsFitMss(wire, synackPort, true, KERNEL_MSS);
        assertSegmentsFitMss(wire, synackPort, false, SYNACK_MSS);
        assertWithinScaledWindow(wire, synackPort, true, kernelSyn.windowScale());
        assertWithinScaledWindow(wire, synackPort, false, synackSyn.windowScale());
        assertTimestampsEchoed(wire, synackPort, true);
        assertTimestampsEchoed(wire, synackPort, false);
        // synack uses the scale: at some moment it had more unacknowledged than the raw field allows.
        assertTrue(maxBeyondRawWindow(wire, synackPort) > 0, "synack never used more than the unscaled window");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Role.class)
    void sackBlocksOfTheKernelSpareSynackRetransmittingWhatArrived(Role role) throws Exception {
        net.capture("sack-kernel-" + role.name());
        Connected c = net.connect(role, 0, EngineConfig.defaults());
        dropEvery40thDataSegment("output", "sport", c.synackPort());
        exchange(c);
        List<WireSegment> wire = WireSegment.read(net.checkedCapture(false), false);
        assertTrue(c.stack().statistics().retransmissions() > 0, "no loss happened");
        List<WireSegment> kernelSacks = wire.stream()
                .filter(w -> !w.from(c.synackPort()) && !w.sackBlocks().isEmpty()).toList();
        assertFalse(kernelSacks.isEmpty(), "the kernel sent no SACK block");
        assertRetransmitsOnlyWhatWasNotSacked(wire, c.synackPort(), true);
    }

    /**
     * RFC 6675 §5 (NextSeg): a retransmission fills a hole; it never repeats data the receiver
     * reported in a SACK block before. Also asserts that something was retransmitted.
     */
    static void assertRetransmitsOnlyWhatWasNotSacked(List<WireSegment> wire, int synackPort, boolean synackSends) {
        List<long[]> sacked = new ArrayList<>();
        long highest = 0;
        int retransmissions = 0;
        for (WireSegment w : wire) {
            if (w.from(synackPort) != synackSends) {
                sacked.addAll(w.sackBlocks());
            } else if (w.length() > 0) {
                if (w.seq() < highest) {
                    retransmissions++;
                    for (long[] block : sacked) {
                        assertFalse(w.seq() < block[1] && block[0] < w.end(),
                                "retransmitted SACKed data " + block[0] + "-" + block[1] + ": " + w);
                    }
                }
                highest = Math.max(highest, w.end());
            }
        }
        assertTrue(retransmissions > 0, "nothing was retransmitted");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Role.class)
    void synackReportsTheKernelsLostSegmentsWithSackBlocks(Role role) throws Exception {
        net.capture("sack-synack-" + role.name());
        Connected c = net.connect(role, 0, EngineConfig.defaults());
        dropEvery40thDataSegment("input", "dport", c.synackPort());
        exchange(c);
        List<WireSegment> wire = WireSegment.read(net.checkedCapture(false), false);
        List<WireSegment> synackSacks = wire.stream()
                .filter(w -> w.from(c.synackPort()) && !w.sackBlocks().isEmpty()).toList();
        assertFalse(synackSacks.isEmpty(), "synack sent no SACK block");
        // RFC 2018 §4: a block reports data received above the cumulative ACK; the kernel sent it.
        long kernelSent = 0;
        for (WireSegment w : wire) {
            if (!w.from(c.synackPort())) {
                kernelSent = Math.max(kernelSent, w.end());
            } else {
                for (long[] block : w.sackBlocks()) {
                    assertTrue(w.ack() < block[0] && block[0] < block[1] && block[1] <= kernelSent,
                            "block " + block[0] + "-" + block[1] + " with ack " + w.ack() + ", kernel sent up to "
                                    + kernelSent + ": " + w);
                }
            }
        }
        // The kernel accepted the blocks: it retransmitted the holes only.
        assertRetransmitsOnlyWhatWasNotSacked(wire, c.synackPort(), false);
    }

    /** {@value #BYTES} bytes each way, one after the other, compared by SHA-256; then both close. */
    private static void exchange(Connected c) throws Exception {
        CompletableFuture<String> sent = KernelInterop.async(() -> KernelInterop.send(c.synack(), BYTES, 1));
        List<String> kernelReceived = c.kernel().call("recvn", Integer.toString(BYTES));
        assertEquals(List.of(Integer.toString(BYTES), KernelInterop.await(sent, "synack's send")), kernelReceived);
        CompletableFuture<Received> received = KernelInterop.async(() -> KernelInterop.receive(c.synack(), BYTES));
        List<String> kernelSent = c.kernel().call("send", Integer.toString(BYTES));
        assertEquals(kernelSent, KernelInterop.await(received, "synack's receive").words());
        c.kernel().call("close");
        c.synack().close();
        KernelInterop.await(c.synack().closeFuture().toCompletableFuture(), "synack's close");
    }

    /**
     * Drops every 40th data segment synack sends ({@code output}, {@code sport}) or receives
     * ({@code input}, {@code dport}), inside synack's namespace. The capture on the veth sees a
     * received segment before the drop and a sent one not at all.
     */
    private void dropEvery40thDataSegment(String hook, String direction, int synackPort) throws Exception {
        net.synackSide.execWithInput("table inet synack_loss {\n\tchain " + hook + " {\n\t\ttype filter hook " + hook
                + " priority filter; policy accept;\n\t\ttcp " + direction + " " + synackPort
                + " meta length > 200 numgen inc mod 40 == 7 counter drop\n\t}\n}\n", "nft", "-f", "-");
    }

    private static WireSegment syn(List<WireSegment> wire, int synackPort, boolean fromSynack) {
        return wire.stream().filter(w -> w.has(WireSegment.SYN) && w.from(synackPort) == fromSynack).findFirst()
                .orElseThrow(() -> new AssertionError("no SYN in " + wire));
    }

    /** RFC 6691 §2: data plus options of every segment from one side fit the MSS the other announced. */
    static void assertSegmentsFitMss(List<WireSegment> wire, int synackPort, boolean fromSynack, int mss) {
        List<WireSegment> data = wire.stream().filter(w -> w.from(synackPort) == fromSynack && w.length() > 0).toList();
        for (WireSegment w : data) {
            assertTrue(w.length() + w.optionBytes() <= mss, "beyond the MSS of " + mss + ": " + w);
        }
        int largest = data.stream().mapToInt(WireSegment::length).max().orElse(0);
        assertEquals(mss - TIMESTAMPS_OPTION, largest, "full-sized segments carry MSS less the timestamps option");
    }

    /**
     * RFC 7323 §2.3: no segment from one side goes beyond the right edge of the other side's
     * latest window, the window field shifted left by the other side's scale (a SYN's window is
     * never scaled).
     */
    static void assertWithinScaledWindow(List<WireSegment> wire, int synackPort, boolean fromSynack, int peerShift) {
        WireSegment latest = null;
        for (WireSegment w : wire) {
            if (w.from(synackPort) != fromSynack) {
                if (w.has(WireSegment.ACK) && !w.has(WireSegment.RST)) {
                    latest = w;
                }
            } else if (w.length() > 0 && latest != null) {
                long window = latest.has(WireSegment.SYN) ? latest.rawWindow() : (long) latest.rawWindow() << peerShift;
                assertTrue(w.end() <= latest.ack() + window, "beyond the right edge " + latest.ack() + "+" + window
                        + " of " + latest + ": " + w);
            }
        }
    }

    /** How far synack's data went beyond the kernel's latest ack plus its unscaled window field, at most. */
    static long maxBeyondRawWindow(List<WireSegment> wire, int synackPort) {
        long most = 0;
        WireSegment latest = null;
        for (WireSegment w : wire) {
            if (!w.from(synackPort)) {
                if (!w.has(WireSegment.SYN) && w.has(WireSegment.ACK)) {
                    latest = w;
                }
            } else if (w.length() > 0 && latest != null) {
                most = Math.max(most, w.end() - (latest.ack() + latest.rawWindow()));
            }
        }
        return most;
    }

    /**
     * RFC 7323 §3.2: every non-RST segment of one side after the SYNs carries timestamps, and its
     * TSecr is a TSval the other side sent earlier (the capture, on synack's side of the veth,
     * sees the kernel's segments before synack processes them and synack's before the kernel does).
     */
    static void assertTimestampsEchoed(List<WireSegment> wire, int synackPort, boolean fromSynack) {
        Set<Long> peerTsvals = new HashSet<>();
        long lastTsval = -1;
        for (WireSegment w : wire) {
            if (w.from(synackPort) != fromSynack) {
                if (w.tsval() >= 0) {
                    peerTsvals.add(w.tsval());
                }
                continue;
            }
            if (w.has(WireSegment.RST)) {
                continue;
            }
            assertTrue(w.optionKinds().contains(KIND_TIMESTAMPS), "no timestamps: " + w);
            assertTrue(Integer.compareUnsigned((int) w.tsval(), (int) lastTsval) >= 0 || lastTsval < 0,
                    "TSval went backwards from " + lastTsval + ": " + w);
            lastTsval = w.tsval();
            boolean synWithoutAck = w.has(WireSegment.SYN) && !w.has(WireSegment.ACK);
            if (!synWithoutAck) {
                assertTrue(peerTsvals.contains(w.tsecr()), "TSecr echoes no TSval the peer sent: " + w);
            }
        }
    }
}
