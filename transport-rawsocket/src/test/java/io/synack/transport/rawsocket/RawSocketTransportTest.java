package io.synack.transport.rawsocket;

import io.synack.spi.tck.TransportContractTest;
import io.synack.spi.tck.TransportUnderTest;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;

/**
 * The transport contract (TCK) for the raw socket with protocol 253, both endpoints in one
 * private network namespace talking over {@code lo} (127.0.0.1 and 127.0.0.2; fd00:5959::1 and
 * ::2).
 */
class RawSocketTransportTest extends TransportContractTest {

    private static final Setups SETUPS = new Setups(Namespaces.Path.LOOPBACK, RawSocketConfiguration.defaults());

    @AfterAll
    static void removeNamespaces() throws IOException {
        SETUPS.close();
    }

    @Override
    protected TransportUnderTest newTransport() throws Exception {
        return SETUPS.underTest();
    }
}
