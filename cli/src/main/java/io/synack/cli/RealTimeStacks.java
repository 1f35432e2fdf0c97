package io.synack.cli;

import io.synack.api.SynackException;
import io.synack.core.SynackRuntime;
import io.synack.core.driver.DriverOptions;
import io.synack.core.driver.StackDriver;
import io.synack.core.engine.EngineConfig;
import io.synack.core.engine.TcpEngine;
import io.synack.spi.DatagramRecorder;
import io.synack.spi.TransportFactory;
import io.synack.transport.rawsocket.RawSocketSettings;
import java.net.InetAddress;
import java.util.SplittableRandom;

/**
 * Opens real-time stacks (each on its own event loop) for the interactive commands, with the
 * engine configured from the run's settings and the driver's checksum policy from the transport's.
 */
final class RealTimeStacks {

    private RealTimeStacks() {}

    /**
     * @param runtime the run's composition
     * @param factory the transport factory (one instance shared by stacks that must meet, as on loopback)
     * @param local the stack's address
     * @return the running driver
     * @throws SynackException if the transport cannot be opened at that address
     */
    static StackDriver open(SynackRuntime runtime, TransportFactory factory, InetAddress local) throws SynackException {
        EngineConfig config = EngineConfig.from(runtime.settings());
        // The seed comes from SecureRandom in openRealTime; SplittableRandom only expands it.
        boolean trustLoopback = "rawsocket".equals(runtime.transportName())
                && runtime.settings().keys().contains(RawSocketSettings.TRUST_LOOPBACK_CHECKSUMS.key())
                && runtime.settings().get(RawSocketSettings.TRUST_LOOPBACK_CHECKSUMS);
        return StackDriver.openRealTime(local, factory, runtime.transportName(),
                (address, seed) -> TcpEngine.create(address, config, new SplittableRandom(seed)),
                new DriverOptions(true, trustLoopback, DatagramRecorder.NONE));
    }
}
