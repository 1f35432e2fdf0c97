package io.synack.spi;

import java.net.InetAddress;

/**
 * What a transport needs to open an endpoint for one stack.
 *
 * @param localAddress the IP address to attach to (IPv4 or IPv6)
 * @param receiver where received datagrams go, called on {@code scheduler}'s thread
 * @param scheduler the stack's thread and clock
 */
public record TransportContext(InetAddress localAddress, DatagramReceiver receiver, Scheduler scheduler) {}
