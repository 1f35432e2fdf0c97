/**
 * The transport SPI: a {@link io.synack.spi.Transport} moves IP datagrams (source, destination,
 * TCP segment bytes) and nothing else; a {@link io.synack.spi.TransportPlugin} (also a Guice
 * module) contributes a {@link io.synack.spi.TransportFactory} under its name. Also the
 * {@link io.synack.spi.Scheduler}/{@link io.synack.spi.Clock} the drivers run on, the
 * {@link io.synack.spi.Setting}s plugins declare, and the {@link io.synack.spi.DatagramRecorder}
 * that sees every datagram.
 */
package io.synack.spi;
