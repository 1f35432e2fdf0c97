package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.synack.transport.rawsocket.Endpoints.Endpoint;
import io.synack.transport.rawsocket.Endpoints.Received;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The nftables rule for the kernel's RSTs: its exact text, that nft accepts it, and that it does
 * what it says inside a namespace — the kernel's RST for a segment to synack's port is dropped,
 * synack's own marked RST leaves.
 */
class NftRulesTest {

    private static final int SYNACK_PORT = 5555;
    private static final int PEER_PORT = 40000;

    @Test
    void theRulesetText() {
        assertEquals("""
                # Drop the kernel's RSTs for synack's port 5555; synack's own (mark 0x5359) pass.
                table inet synack {
                \tchain drop_kernel_rst_5555 {
                \t\ttype filter hook output priority filter; policy accept;
                \t\ttcp sport 5555 tcp flags & rst == rst meta mark != 0x5359 counter drop
                \t}
                }
                """, NftRules.dropKernelResets(5555, 0x5359));
        assertEquals("nft delete table inet synack", NftRules.removeCommand());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65536})
    void aPortOutOfRangeIsRefused(int port) {
        assertEquals("a TCP port is 1 to 65535, not " + port,
                assertThrows(IllegalArgumentException.class, () -> NftRules.dropKernelResets(port, 1)).getMessage());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, 0x100000000L})
    void aMarkThatCannotTellSynackApartIsRefused(long mark) {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NftRules.dropKernelResets(80, mark))
                .getMessage().endsWith("; set synack.rawsocket.mark"));
    }

    @Test
    void nftAcceptsTheRulesetAndLoadsItForSeveralPorts() throws Exception {
        try (Namespaces n = Namespaces.create(Namespaces.Path.LOOPBACK)) {
            Prerequisites.requireCommand("nft", "nftables");
            n.first.execWithInput(NftRules.dropKernelResets(1, 0xffffffffL), "nft", "-c", "-f", "-");
            n.first.execWithInput(NftRules.dropKernelResets(5555, 0x5359), "nft", "-f", "-");
            n.first.execWithInput(NftRules.dropKernelResets(443, 7), "nft", "-f", "-");
            String table = n.first.exec("nft", "list", "table", "inet", "synack");
            assertTrue(table.contains("tcp sport 5555 tcp flags & rst == rst meta mark != 0x00005359 counter packets 0"),
                    table);
            assertTrue(table.contains("tcp sport 443 tcp flags & rst == rst meta mark != 0x00000007 counter packets 0"),
                    table);
            n.first.exec(NftRules.removeCommand().split(" "));
            assertFalse(n.first.exec("nft", "list", "tables").contains("synack"));
        }
    }

    /**
     * Protocol tcp on lo: a SYN to a port the kernel has no socket for is answered by the kernel
     * with a RST (RFC 9293 §3.10.7.1); with the rule loaded that RST is dropped and counted, and a
     * RST synack sends from the same port (marked) still arrives.
     */
    @Test
    void theRuleDropsTheKernelsRstButNotSynacksMarkedOne() throws Exception {
        RawSocketConfiguration tcp = RawSocketConfiguration.defaults().withProtocol(RawSocketSettings.IPPROTO_TCP);
        try (Namespaces n = Namespaces.create(Namespaces.Path.LOOPBACK); Endpoints endpoints = new Endpoints()) {
            Prerequisites.requireCommand("nft", "nftables");
            Endpoint peer = endpoints.open(n.first, n.ipv4First, tcp);
            Endpoint synack = endpoints.open(n.first, n.ipv4Second, tcp);

            // Without the rule, the kernel answers the peer's SYN to synack's port with a RST.
            peer.send(synack.address(), syn(peer, synack, 1000));
            assertEquals(1000, TcpSegments.seq(synack.next().bytes()), "synack's raw socket sees the SYN");
            byte[] kernelRst = nextSegmentFrom(peer, SYNACK_PORT);
            assertEquals(TcpSegments.RST | TcpSegments.ACK, TcpSegments.flags(kernelRst));

            n.first.execWithInput(NftRules.dropKernelResets(SYNACK_PORT, RawSocketSettings.DEFAULT_MARK), "nft", "-f", "-");
            peer.send(synack.address(), syn(peer, synack, 2000));
            assertEquals(2000, TcpSegments.seq(synack.next().bytes()));
            awaitDropped(n, 1);
            byte[] ours = TcpSegments.segment(synack.address(), peer.address(), SYNACK_PORT, PEER_PORT, 777, 2001,
                    TcpSegments.RST | TcpSegments.ACK);
            synack.send(peer.address(), ours);
            Received next = peer.next();
            assertEquals(synack.address(), next.source());
            assertEquals(777, TcpSegments.seq(next.bytes()), "the first segment after the rule is synack's own RST");
            assertEquals(1, dropped(n), "synack's marked RST was not dropped");
        }
    }

    private static byte[] syn(Endpoint from, Endpoint to, long seq) {
        return TcpSegments.segment(from.address(), to.address(), PEER_PORT, SYNACK_PORT, seq, 0, TcpSegments.SYN);
    }

    private static byte[] nextSegmentFrom(Endpoint at, int port) throws InterruptedException {
        Received r = at.next();
        assertEquals(port, TcpSegments.sourcePort(r.bytes()));
        assertEquals(PEER_PORT, TcpSegments.destinationPort(r.bytes()));
        return r.bytes();
    }

    /** Waits (bounded) until the rule's counter shows {@code packets}: the kernel's RST is generated asynchronously. */
    private static void awaitDropped(Namespaces n, long packets) throws Exception {
        long deadline = System.nanoTime() + Endpoints.TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (dropped(n) == packets) {
                return;
            }
            Thread.onSpinWait();
        }
        fail("the rule did not count " + packets + " dropped RST(s) within " + Endpoints.TIMEOUT);
    }

    private static long dropped(Namespaces n) throws Exception {
        String table = n.first.exec("nft", "list", "table", "inet", "synack");
        Matcher m = Pattern.compile("counter packets (\\d+)").matcher(table);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
