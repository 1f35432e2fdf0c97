package io.synack.api;

import java.net.InetSocketAddress;

/**
 * A connection's 4-tuple (RFC 9293 §3.2: "a pair of sockets uniquely identifies each connection").
 *
 * @param local the local address and port
 * @param remote the remote address and port
 */
public record ConnectionId(InetSocketAddress local, InetSocketAddress remote) {
    @Override
    public String toString() {
        return local.getAddress().getHostAddress() + ":" + local.getPort() + "<->"
                + remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }
}
