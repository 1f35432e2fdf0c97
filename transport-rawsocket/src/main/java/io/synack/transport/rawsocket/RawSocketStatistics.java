package io.synack.transport.rawsocket;

/**
 * What one raw-socket endpoint has moved and dropped so far. Every drop is counted here, never
 * silent: a datagram the kernel handed over that is not delivered to the stack, or one the stack
 * handed over that the kernel did not take.
 *
 * @param sent datagrams the kernel accepted from {@code sendto}
 * @param sendDropped datagrams the kernel refused with a transient error (queue full, no route,
 *     a local firewall rule): lost, as IP may lose them
 * @param delivered datagrams handed to the stack's receiver
 * @param malformed IPv4 datagrams with an impossible header, or IPv6 ones without their
 *     destination (no {@code IPV6_PKTINFO})
 * @param foreignDestination datagrams addressed to another address than the endpoint's
 * @param truncated datagrams larger than the receive buffer ({@code MSG_TRUNC})
 * @param overruns datagrams dropped because the stack had not yet taken the previous
 *     {@value RawSocketTransport#DELIVERIES_IN_FLIGHT} (its scheduler is behind)
 * @param receiveErrors failed {@code recvmsg} calls other than "nothing to read"
 */
public record RawSocketStatistics(long sent, long sendDropped, long delivered, long malformed,
        long foreignDestination, long truncated, long overruns, long receiveErrors) {}
