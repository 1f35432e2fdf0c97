package io.synack.transport.rawsocket;

/**
 * The nftables rule that stops the host kernel's RSTs for synack's port, for the README and the
 * CLI to print. synack never installs it: changing a host's firewall is the user's decision.
 *
 * <p>Why it is needed: with {@code synack.rawsocket.protocol=tcp}, the host's own TCP also
 * receives every segment addressed to synack's port; it owns no socket for it and answers each
 * one with a RST (RFC 9293 §3.10.7.1), which tears down synack's connection at the peer. The rule
 * drops, on the output hook, TCP segments from that local port with RST set whose packet mark is
 * not synack's ({@code SO_MARK}, {@link RawSocketSettings#MARK}), so synack's own RSTs still
 * leave. It relies on the kernel sending its RSTs unmarked, which it does while
 * {@code net.ipv4.fwmark_reflect} and {@code net.ipv6.fwmark_reflect} are 0 (the default); with
 * reflection on, the kernel would copy the mark of the segment it answers. Table family
 * {@code inet} covers IPv4 and IPv6. The {@code counter} shows how many RSTs it stopped
 * ({@code nft list table inet synack}).
 */
public final class NftRules {

    /** The table the rule lives in: {@code nft delete table inet synack} removes it. */
    public static final String TABLE = "inet synack";

    private NftRules() {
    }

    /**
     * The ruleset text, to load with {@code sudo nft -f FILE} (or {@code nft -f -} on stdin).
     *
     * @param localPort synack's local TCP port, 1 to 65535
     * @param mark synack's {@code SO_MARK}, 1 to 0xffffffff (with mark 0 synack's own RSTs could not
     *     be told apart)
     * @return the ruleset
     * @throws IllegalArgumentException if the port or the mark is out of range
     */
    public static String dropKernelResets(int localPort, long mark) {
        if (localPort < 1 || localPort > 65535) {
            throw new IllegalArgumentException("a TCP port is 1 to 65535, not " + localPort);
        }
        if (mark < 1 || mark > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("the mark must be 1 to 0xffffffff so that synack's own RSTs pass, not "
                    + mark + "; set " + RawSocketSettings.MARK.key());
        }
        return "# Drop the kernel's RSTs for synack's port " + localPort + "; synack's own (mark "
                + RawSocketSettings.formatMark(mark) + ") pass.\n"
                + "table " + TABLE + " {\n"
                + "\tchain drop_kernel_rst_" + localPort + " {\n"
                + "\t\ttype filter hook output priority filter; policy accept;\n"
                + "\t\ttcp sport " + localPort + " tcp flags & rst == rst meta mark != "
                + RawSocketSettings.formatMark(mark) + " counter drop\n"
                + "\t}\n"
                + "}\n";
    }

    /** The command that removes the table again. */
    public static String removeCommand() {
        return "nft delete table " + TABLE;
    }
}
