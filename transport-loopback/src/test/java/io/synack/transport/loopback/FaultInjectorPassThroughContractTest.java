package io.synack.transport.loopback;

import io.synack.spi.tck.TransportContractTest;
import io.synack.spi.tck.TransportUnderTest;
import java.net.InetAddress;

/**
 * The fault injector keeps the transport contract when its faults are on a path the tests never
 * use: every datagram passes straight through the decorator.
 */
class FaultInjectorPassThroughContractTest extends TransportContractTest {

    @Override
    protected TransportUnderTest newTransport() throws Exception {
        return around(FaultModel.parse("10.9.9.9>*:loss=1"));
    }

    static TransportUnderTest around(FaultModel model) throws Exception {
        return TransportUnderTest.of(new FaultInjector(new LoopbackTransportFactory(new LoopbackNetwork()), model, 1),
                        InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.2"))
                .withIpv6(InetAddress.getByName("fd00::1"), InetAddress.getByName("fd00::2"));
    }
}
