package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.synack.transport.rawsocket.Endpoints.Endpoint;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the raw socket puts on a real wire, as tshark sees it on the veth device (one capture, to
 * start tshark once): protocol-tcp segments with exactly the addresses and ports given and
 * checksums tshark verifies as good, protocol-253 datagrams carrying IP protocol 253 and their
 * bytes, IPv4 and IPv6, and no malformed packet.
 */
class RawSocketCaptureTest {

    private static final String A4 = NetworkNamespace.IPV4_PREFIX + "1";
    private static final String B4 = NetworkNamespace.IPV4_PREFIX + "2";
    private static final String A6 = NetworkNamespace.IPV6_PREFIX + "1";
    private static final String B6 = NetworkNamespace.IPV6_PREFIX + "2";

    @TempDir
    Path dir;

    @Test
    void whatTheWireCarriesIsExactlyWhatWasSentAndWellFormed() throws Exception {
        RawSocketConfiguration tcp = RawSocketConfiguration.defaults().withProtocol(RawSocketSettings.IPPROTO_TCP);
        RawSocketConfiguration experimental = RawSocketConfiguration.defaults();
        try (Namespaces n = Namespaces.create(Namespaces.Path.VETH); Endpoints endpoints = new Endpoints()) {
            Endpoint tcpA4 = endpoints.open(n.first, n.ipv4First, tcp);
            Endpoint tcpB4 = endpoints.open(n.second, n.ipv4Second, tcp);
            Endpoint tcpA6 = endpoints.open(n.first, n.ipv6First, tcp);
            Endpoint tcpB6 = endpoints.open(n.second, n.ipv6Second, tcp);
            Path pcap;
            try (Capture capture = Capture.start(n.second, n.veth.deviceB(), "tcp or ip proto 253 or ip6 proto 253", 6,
                    dir.resolve("wire.pcap"))) {
                exchange(tcpA4, tcpB4);
                exchange(tcpA6, tcpB6);
                tcpA4.transport.close();
                tcpB4.transport.close();
                tcpA6.transport.close();
                tcpB6.transport.close();
                Endpoint a4 = endpoints.open(n.first, n.ipv4First, experimental);
                Endpoint b4 = endpoints.open(n.second, n.ipv4Second, experimental);
                Endpoint a6 = endpoints.open(n.first, n.ipv6First, experimental);
                Endpoint b6 = endpoints.open(n.second, n.ipv6Second, experimental);
                a4.send(b4.address(), new byte[] {(byte) 0xca, (byte) 0xfe, 0x53, 0x59});
                b4.next();
                a6.send(b6.address(), new byte[] {0x53, 0x59, 0x4e, 0x06});
                b6.next();
                pcap = capture.awaitFinished();
            }
            assertEquals(List.of(
                    A4 + "\t" + B4 + "\t\t\t40000\t5555\t1",
                    B4 + "\t" + A4 + "\t\t\t5555\t40000\t1",
                    "\t\t" + A6 + "\t" + B6 + "\t40000\t5555\t1",
                    "\t\t" + B6 + "\t" + A6 + "\t5555\t40000\t1"),
                    Capture.fields(pcap, "tcp", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport",
                            "tcp.checksum.status"));
            assertEquals(List.of("253\t\t" + A4 + "\t" + B4 + "\tcafe5359", "\t253\t" + A6 + "\t" + B6 + "\t53594e06"),
                    Capture.fields(pcap, "!tcp", "ip.proto", "ipv6.nxt", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
                            "data.data").stream().map(RawSocketCaptureTest::squeeze).toList());
            assertEquals(List.of(), Capture.problems(pcap));
        }
    }

    /** Joins the source and destination columns of whichever family the packet has. */
    private static String squeeze(String line) {
        String[] f = line.split("\t", -1);
        return f[0] + "\t" + f[1] + "\t" + f[2] + f[3] + "\t" + f[4] + f[5] + "\t" + f[6];
    }

    private static void exchange(Endpoint a, Endpoint b) throws Exception {
        a.send(b.address(), TcpSegments.segment(a.address(), b.address(), 40000, 5555, 100, 0, TcpSegments.RST));
        b.next();
        b.send(a.address(), TcpSegments.segment(b.address(), a.address(), 5555, 40000, 200, 0, TcpSegments.RST));
        a.next();
    }
}
