package io.synack.transport.rawsocket;

import io.synack.spi.tck.TransportContractTest;
import io.synack.spi.tck.TransportUnderTest;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;

/**
 * The transport contract (TCK) for the raw socket with protocol {@code tcp} (6) over a veth pair
 * between two namespaces. The TCK's datagrams are not TCP segments with valid checksums (the veth
 * has transmit checksum offload off, so the receiving kernel verifies them), so the kernel's TCP
 * drops them as bad; the raw socket still receives its copy first.
 */
class RawSocketTcpProtocolTransportTest extends TransportContractTest {

    private static final Setups SETUPS = new Setups(Namespaces.Path.VETH,
            RawSocketConfiguration.defaults().withProtocol(RawSocketSettings.IPPROTO_TCP));

    @AfterAll
    static void removeNamespaces() throws IOException {
        SETUPS.close();
    }

    @Override
    protected TransportUnderTest newTransport() throws Exception {
        return SETUPS.underTest();
    }
}
