package io.synack.core.capture;

/**
 * The link-layer header types (tcpdump.org "LINK-LAYER HEADER TYPES") that {@link PcapReader}
 * understands; {@link PcapWriter} writes {@link #RAW}.
 */
public final class LinkType {
    private LinkType() {}

    /** BSD loopback: a 4-octet address family in the capturing host's byte order. */
    public static final int NULL = 0;
    /** IEEE 802.3 Ethernet (with optional 802.1Q / 802.1ad tags). */
    public static final int ETHERNET = 1;
    /** Raw IP: the packet begins with an IPv4 or IPv6 header. */
    public static final int RAW = 101;
    /** OpenBSD loopback: like {@link #NULL}, the family in network byte order. */
    public static final int LOOP = 108;
    /** Linux "cooked" capture v1: a 16-octet header, protocol type in octets 14-15. */
    public static final int LINUX_SLL = 113;
    /** Raw IPv4. */
    public static final int IPV4 = 228;
    /** Raw IPv6. */
    public static final int IPV6 = 229;
    /** Linux "cooked" capture v2: a 20-octet header, protocol type in octets 0-1. */
    public static final int LINUX_SLL2 = 276;
}
