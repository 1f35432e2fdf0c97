/**
 * The {@code rawsocket} transport: synack's TCP segments as real IP datagrams through Linux
 * {@code SOCK_RAW} sockets (JNA direct mapping), IPv4 and IPv6, IP protocol 253 (RFC 3692
 * experimental) or 6.
 *
 * <p>The story of the package: {@link io.synack.transport.rawsocket.RawSocketPlugin} binds the
 * {@link io.synack.transport.rawsocket.RawSocketTransportFactory}, which asks
 * {@code RawSocketAvailability} whether raw sockets can be opened here and opens
 * {@link io.synack.transport.rawsocket.RawSocketTransport} endpoints; each owns a
 * {@code RawSocket} (descriptor, options, bind, MTU via {@code InterfaceMtu}) and a
 * {@code ReceiveLoop} thread handing {@code Delivery} copies to the stack's scheduler.
 * {@code LibC}, {@code Linux} and {@code Errno} are the native layer.
 * {@link io.synack.transport.rawsocket.NftRules} prints the firewall rule a user adds against the
 * kernel's RSTs in {@code tcp} mode; {@link io.synack.transport.rawsocket.RawSocketSettings}
 * declares the {@code synack.rawsocket.*} keys.
 */
package io.synack.transport.rawsocket;
