package io.synack.transport.rawsocket;

import io.synack.spi.tck.TransportContractTest;
import io.synack.spi.tck.TransportUnderTest;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;

/**
 * The transport contract (TCK) for the raw socket with protocol 253 between two private network
 * namespaces joined by a veth pair (198.18.0.1 and .2; fd00:5959::1 and ::2; MTU 1500).
 */
class RawSocketVethTransportTest extends TransportContractTest {

    private static final Setups SETUPS = new Setups(Namespaces.Path.VETH, RawSocketConfiguration.defaults());

    @AfterAll
    static void removeNamespaces() throws IOException {
        SETUPS.close();
    }

    @Override
    protected TransportUnderTest newTransport() throws Exception {
        return SETUPS.underTest();
    }
}
