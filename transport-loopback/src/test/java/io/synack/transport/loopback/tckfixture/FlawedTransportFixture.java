package io.synack.transport.loopback.tckfixture;

import io.synack.spi.tck.TransportContractTest;
import io.synack.spi.tck.TransportUnderTest;
import java.net.InetAddress;

/**
 * The transport contract run against a {@link FlawedTransportFactory} whose flaw is named by the
 * system property {@code tck.flaw}. Not a test by itself (its name keeps Surefire away); the
 * {@code TransportContractSelfTest} launches it.
 */
public class FlawedTransportFixture extends TransportContractTest {

    /** The property naming the flaw. */
    public static final String FLAW = "tck.flaw";

    @Override
    protected TransportUnderTest newTransport() throws Exception {
        return TransportUnderTest.of(
                new FlawedTransportFactory(FlawedTransportFactory.Flaw.valueOf(System.getProperty(FLAW, "NONE"))),
                InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.2"));
    }
}
