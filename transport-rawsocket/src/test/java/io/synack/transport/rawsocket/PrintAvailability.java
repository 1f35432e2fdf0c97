package io.synack.transport.rawsocket;

import io.synack.api.SynackException;
import io.synack.spi.Availability;
import io.synack.spi.Transport;
import io.synack.spi.TransportContext;
import io.synack.spi.tck.ThreadScheduler;
import java.net.InetAddress;

/**
 * Run in a child JVM by {@link RawSocketAvailabilityTest} (under {@code capsh --drop=cap_net_raw}):
 * prints what a user would see — the factory's availability and, when unavailable, what
 * {@code open} throws. When available it opens nothing (the child runs in the host's namespace).
 */
public final class PrintAvailability {

    private PrintAvailability() {
    }

    /** @param args ignored */
    public static void main(String[] args) throws Exception {
        RawSocketTransportFactory factory = new RawSocketTransportFactory(RawSocketConfiguration.defaults());
        Availability availability = factory.availability();
        System.out.println("available=" + availability.available());
        System.out.println("cause=" + availability.cause());
        if (!availability.available()) {
            try (ThreadScheduler scheduler = new ThreadScheduler("print-availability")) {
                Transport t = factory.open(new TransportContext(InetAddress.getLoopbackAddress(), (s, d, b) -> { },
                        scheduler));
                t.close();
                System.out.println("open=opened");
            } catch (SynackException e) {
                System.out.println("open=" + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }
}
