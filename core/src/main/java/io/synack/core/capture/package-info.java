/**
 * Captures in the classic pcap format, so that Wireshark and tshark can show what crossed a
 * transport: {@link io.synack.core.capture.PcapWriter} is a
 * {@link io.synack.spi.DatagramRecorder} for any transport (LINKTYPE_RAW, with IPv4/IPv6 headers
 * synthesised around each TCP segment), and {@link io.synack.core.capture.PcapReader} reads TCP
 * segments back from captures made by synack, tcpdump or Wireshark (raw IP, Ethernet, Linux cooked
 * v1/v2, BSD loopback).
 *
 * <p>Classic pcap rather than pcapng: it is what every tool reads, its records are fixed-layout (so
 * writing one allocates nothing), and LINKTYPE_RAW carries exactly what a transport moves, an IP
 * datagram, without inventing link-layer addresses.
 */
package io.synack.core.capture;
