package io.synack.transport.rawsocket;

import io.synack.spi.Settings;

/**
 * The transport's validated settings, read once from {@link Settings}.
 *
 * @param protocol the IP protocol number, 1 to 254
 * @param mark the {@code SO_MARK} of sent datagrams, 0 for none
 * @param interfaceName the device to bind to, or empty
 * @param buffer the socket send and receive buffer in bytes
 */
record RawSocketConfiguration(int protocol, long mark, String interfaceName, long buffer) {

    /** The defaults: protocol 253, mark 0x5359, any device, 4 MiB. */
    static RawSocketConfiguration defaults() {
        return new RawSocketConfiguration(RawSocketSettings.PROTOCOL.defaultValue(),
                RawSocketSettings.MARK.defaultValue(), RawSocketSettings.INTERFACE.defaultValue(),
                RawSocketSettings.BUFFER.defaultValue());
    }

    /** Reads the {@code synack.rawsocket.*} settings. */
    static RawSocketConfiguration from(Settings settings) {
        return new RawSocketConfiguration(settings.get(RawSocketSettings.PROTOCOL),
                settings.get(RawSocketSettings.MARK), settings.get(RawSocketSettings.INTERFACE),
                settings.get(RawSocketSettings.BUFFER));
    }

    RawSocketConfiguration withProtocol(int p) {
        return new RawSocketConfiguration(p, mark, interfaceName, buffer);
    }

    RawSocketConfiguration withMark(long m) {
        return new RawSocketConfiguration(protocol, m, interfaceName, buffer);
    }

    RawSocketConfiguration withInterface(String name) {
        return new RawSocketConfiguration(protocol, mark, name, buffer);
    }
}
