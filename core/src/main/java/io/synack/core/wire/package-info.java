/**
 * The TCP wire format: {@link io.synack.core.wire.Segment} (a reusable decoded segment),
 * {@link io.synack.core.wire.SeqNum} (modulo-2^32 comparisons), and
 * {@link io.synack.core.wire.TcpCodec}, which turns bytes into segments and back: the RFC 9293 §3.1
 * header, the options of RFC 9293 §3.2, RFC 7323 and RFC 2018, and the checksum over the IPv4 or
 * IPv6 pseudo-header ({@link io.synack.core.wire.InternetChecksum},
 * {@link io.synack.core.wire.IpAddresses}).
 *
 * <p>Design choices, and why:
 * <ul>
 *   <li>Decoding never throws; it returns a {@link io.synack.core.wire.DecodeStatus} whose
 *       {@code reason()} is the statistics key, because nothing a peer sends may throw out of the
 *       engine (the drop is counted, RFC 9293 §3.10.7).
 *   <li>Parsing follows Linux where the RFC leaves room (unknown and wrong-length options skipped,
 *       window scale clamped to 14, checksum checked before options), and encoding lays options
 *       out exactly as Linux does, so captures of synack and of Linux look alike.
 *   <li>Nothing is allocated per segment: addresses are read without
 *       {@link java.net.InetAddress#getAddress()}, sums run over eight octets at a time, and the
 *       decoded payload view is reused. {@code TcpCodecAllocationTest} holds this at zero bytes.
 * </ul>
 */
package io.synack.core.wire;
