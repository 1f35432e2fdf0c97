package io.synack.transport.loopback;

import io.synack.spi.tck.TransportContractTest;
import io.synack.spi.tck.TransportUnderTest;

/**
 * The fault injector keeps the transport contract with a fixed delay on every path, in real
 * time: every datagram is copied, scheduled on the sender's scheduler and sent later, in order;
 * closing drops what is still held.
 */
class FaultInjectorDelayContractTest extends TransportContractTest {

    @Override
    protected TransportUnderTest newTransport() throws Exception {
        return FaultInjectorPassThroughContractTest.around(FaultModel.parse("delay=fixed:200us"));
    }
}
