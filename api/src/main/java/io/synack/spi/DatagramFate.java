package io.synack.spi;

/** What became of a datagram that crossed a transport, as a recorder sees it. */
public enum DatagramFate {
    /** Handed to the transport by the sending stack. */
    SENT,
    /** Handed to the receiving stack. */
    DELIVERED,
    /** Lost: the fault model or the network dropped it (the detail says why). */
    DROPPED,
    /** Delivered more than once; this is the extra copy. */
    DUPLICATED,
    /** Held back; the detail says until when. */
    DELAYED,
    /** Bits were flipped in flight (the receiver's checksum should catch it). */
    CORRUPTED
}
