package io.synack.core.engine;

import java.net.InetAddress;

/**
 * The demultiplexing key of a connection within one engine (RFC 9293 §3.2: a pair of sockets
 * identifies a connection; the local address is the engine's own). One mutable instance serves as
 * the lookup probe, so demultiplexing a segment allocates nothing; keys stored in tables are never
 * changed.
 */
final class ConnectionKey {
    InetAddress remote;
    int remotePort;
    int localPort;

    ConnectionKey() {}

    ConnectionKey(InetAddress remote, int remotePort, int localPort) {
        set(remote, remotePort, localPort);
    }

    ConnectionKey set(InetAddress remote, int remotePort, int localPort) {
        this.remote = remote;
        this.remotePort = remotePort;
        this.localPort = localPort;
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectionKey k && k.remotePort == remotePort && k.localPort == localPort
                && k.remote.equals(remote);
    }

    @Override
    public int hashCode() {
        return (remote.hashCode() * 31 + remotePort) * 65599 + localPort;
    }

    @Override
    public String toString() {
        return localPort + "<->" + remote.getHostAddress() + ":" + remotePort;
    }
}
