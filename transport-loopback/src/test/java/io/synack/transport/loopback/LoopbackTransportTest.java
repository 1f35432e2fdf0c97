package io.synack.transport.loopback;

import io.synack.spi.tck.TransportContractTest;
import io.synack.spi.tck.TransportUnderTest;
import java.net.InetAddress;

/** The loopback transport passes the transport contract, over IPv4 and IPv6. */
class LoopbackTransportTest extends TransportContractTest {

    @Override
    protected TransportUnderTest newTransport() throws Exception {
        return TransportUnderTest.of(new LoopbackTransportFactory(new LoopbackNetwork()),
                        InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.2"))
                .withIpv6(InetAddress.getByName("fd00::1"), InetAddress.getByName("fd00::2"));
    }
}
