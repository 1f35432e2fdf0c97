/**
 * The loopback transport: an in-memory IP network, and a seeded fault model that can wrap any
 * transport.
 *
 * <ul>
 *   <li>{@link io.synack.transport.loopback.LoopbackNetwork} is the network — an instance, never a
 *       static registry; endpoints ({@link io.synack.transport.loopback.LoopbackTransport}) attach
 *       by IP address and receive on their stack's scheduler, FIFO per pair of endpoints.
 *   <li>{@link io.synack.transport.loopback.FaultInjector} wraps any
 *       {@link io.synack.spi.TransportFactory}; each datagram meets the
 *       {@link io.synack.transport.loopback.FaultPlan} of its path, chosen from a
 *       {@link io.synack.transport.loopback.FaultModel}: loss (independent and
 *       {@linkplain io.synack.transport.loopback.GilbertElliott bursty}), duplication, reordering,
 *       {@linkplain io.synack.transport.loopback.DelayDistribution delay}, corruption that the TCP
 *       checksum catches, link rate, MTU, {@linkplain io.synack.transport.loopback.PartitionWindow
 *       partitions} and {@linkplain io.synack.transport.loopback.ScriptedRule scripted} drops and
 *       holds. All randomness derives from one seed, and delays go through the stack's
 *       {@link io.synack.spi.Scheduler}, so a run in virtual time replays exactly.
 *   <li>{@link io.synack.transport.loopback.LoopbackPlugin} wires it into Guice under the name
 *       {@code loopback}, with the {@link io.synack.transport.loopback.LoopbackSettings
 *       synack.loopback.*} settings.
 * </ul>
 */
package io.synack.transport.loopback;
