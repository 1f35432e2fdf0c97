package io.synack.transport.rawsocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fixture every kernel-interop test class shares: a fresh {@link KernelInterop} (two private
 * namespaces, the kernel peer, the RST rule) before each test, removed after it, also on failure.
 */
abstract class KernelInteropTestBase {

    /** The network of the running test. */
    KernelInterop net;

    @BeforeEach
    void network() throws Exception {
        net = KernelInterop.create();
    }

    @AfterEach
    void remove() throws Exception {
        if (net != null) {
            net.close();
        }
    }
}
