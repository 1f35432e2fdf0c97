package io.synack.transport.rawsocket;

import io.synack.spi.Setting;
import java.util.List;
import java.util.Locale;

/**
 * The {@code synack.rawsocket.*} settings, validated with the rest of the configuration.
 *
 * <ul>
 *   <li>{@link #PROTOCOL}: the IP protocol number of the datagrams, {@code 253} (RFC 3692's
 *       experimental number: synack talks to synack over real IP and the host's own TCP never sees
 *       a segment) or {@code tcp} (6: interoperate with real TCP stacks; then see {@link NftRules}
 *       for the kernel's RSTs);
 *   <li>{@link #MARK}: the {@code SO_MARK} of every datagram synack sends, so that a firewall rule
 *       can tell them from the kernel's own segments;
 *   <li>{@link #INTERFACE}: bind the sockets to one network device ({@code SO_BINDTODEVICE});
 *   <li>{@link #BUFFER}: the socket send and receive buffers;
 *   <li>{@link #TRUST_LOOPBACK_CHECKSUMS}: read by the stack's driver, not by the transport.
 * </ul>
 */
public final class RawSocketSettings {

    /** {@code tcp}: the protocol number of TCP (RFC 9293 §3.1). */
    public static final int IPPROTO_TCP = 6;

    /** RFC 3692's experimental protocol number, the default. */
    public static final int IPPROTO_EXPERIMENTAL = 253;

    /**
     * The default mark, {@code 0x5359}: the ASCII letters "SY" (for synack), a value unlikely to
     * collide with marks that policy routing or a container runtime set.
     */
    public static final long DEFAULT_MARK = 0x5359;

    /** The IP protocol number: {@code 253} (default), {@code tcp}, or any number from 1 to 254. */
    public static final Setting<Integer> PROTOCOL = Setting.custom("synack.rawsocket.protocol",
            "IP protocol number of the datagrams: 253 (RFC 3692 experimental; synack to synack without the "
                    + "host's TCP) or tcp (6; interoperate with real TCP stacks)",
            IPPROTO_EXPERIMENTAL,
            "253, tcp, or an IP protocol number from 1 to 254 (255 is IPPROTO_RAW, a send-only socket on Linux)",
            RawSocketSettings::parseProtocol, RawSocketSettings::formatProtocol);

    /** The {@code SO_MARK} of sent datagrams; 0 sends them unmarked. */
    public static final Setting<Long> MARK = Setting.custom("synack.rawsocket.mark",
            "SO_MARK (firewall mark) set on every datagram synack sends, so that an nft rule can drop only the "
                    + "kernel's unmarked RSTs; 0 for none",
            DEFAULT_MARK, "a 32-bit mark, decimal or 0x-hexadecimal (e.g. 0x5359), or 0 for none",
            RawSocketSettings::parseMark, RawSocketSettings::formatMark);

    /** The network device the sockets are bound to, or empty for none. */
    public static final Setting<String> INTERFACE = Setting.custom("synack.rawsocket.interface",
            "network device the sockets are bound to (SO_BINDTODEVICE), e.g. eth0; empty for any",
            "", "a network device name of 1 to 15 characters without '/', ':' or white space, or empty for any",
            RawSocketSettings::parseInterface, name -> name);

    /** The socket send and receive buffers. */
    public static final Setting<Long> BUFFER = Setting.size("synack.rawsocket.buffer",
            "socket send and receive buffer each (SO_SNDBUFFORCE/SO_RCVBUFFORCE when permitted, else capped by "
                    + "net.core.wmem_max/rmem_max)",
            4L << 20, 64L << 10, 1L << 30);

    /**
     * Whether the driver trusts the TCP checksum of segments that arrive from a loopback address.
     * The Linux kernel leaves the checksum of its own TCP segments partial (only the pseudo-header
     * sum) on {@code lo}, as it does on any device with transmit checksum offload, and its own TCP
     * does not verify segments that arrived on {@code lo} either ({@code CHECKSUM_UNNECESSARY}). The
     * transport does not read this: the stack's driver does, skips verification for such segments
     * and counts them; everything else is fully verified.
     */
    public static final Setting<Boolean> TRUST_LOOPBACK_CHECKSUMS = Setting.bool(
            "synack.rawsocket.trust-loopback-checksums",
            "trust the TCP checksum of segments from a loopback address, as the Linux kernel does (it leaves its "
                    + "own checksums partial on lo); counted in the statistics",
            true);

    /** Every setting of this plugin, in the order documented. */
    public static final List<Setting<?>> ALL =
            List.of(PROTOCOL, MARK, INTERFACE, BUFFER, TRUST_LOOPBACK_CHECKSUMS);

    private RawSocketSettings() {
    }

    static Integer parseProtocol(String text) {
        if (text.equalsIgnoreCase("tcp")) {
            return IPPROTO_TCP;
        }
        int n = Integer.parseInt(text);
        return n >= 1 && n <= 254 ? n : null;
    }

    static String formatProtocol(Integer protocol) {
        return protocol == IPPROTO_TCP ? "tcp" : String.valueOf(protocol);
    }

    static Long parseMark(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        long mark = t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
        return mark >= 0 && mark <= 0xFFFF_FFFFL ? mark : null;
    }

    static String formatMark(Long mark) {
        return mark == 0 ? "0" : "0x" + Long.toHexString(mark);
    }

    static String parseInterface(String text) {
        if (text.isEmpty()) {
            return text;
        }
        // The kernel's dev_valid_name(): shorter than IFNAMSIZ, not "." or "..", no '/', ':' or space.
        if (text.length() >= Linux.IFNAMSIZ || text.equals(".") || text.equals("..")) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c > 0x7e || c < 0x21) {
                return null;
            }
        }
        return text;
    }
}
