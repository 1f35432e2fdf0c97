package io.synack.cli;

import io.synack.core.SynackRuntime;
import io.synack.transport.rawsocket.NftRules;
import io.synack.transport.rawsocket.RawSocketSettings;
import java.io.PrintWriter;

/**
 * The warning {@code listen} and {@code connect} print on standard error when they speak real TCP
 * (protocol 6) over raw sockets: the host's own TCP has no socket for synack's port and answers
 * each segment with a RST (RFC 9293 §3.10.7.1), which would tear the connection down at the peer.
 * synack never changes a firewall itself; it prints the nftables rule that stops those RSTs.
 */
final class KernelResetHint {

    private KernelResetHint() {}

    /**
     * @param err standard error
     * @param runtime the run's composition
     * @param localPort synack's local port
     */
    static void printIfNeeded(PrintWriter err, SynackRuntime runtime, int localPort) {
        if (!"rawsocket".equals(runtime.transportName())
                || runtime.settings().get(RawSocketSettings.PROTOCOL) != RawSocketSettings.IPPROTO_TCP) {
            return;
        }
        long mark = runtime.settings().get(RawSocketSettings.MARK);
        err.println("synack: note: the host's TCP answers segments for port " + localPort
                + " with RST unless they are dropped, e.g. with 'nft -f -' of:");
        if (mark == 0) {
            err.println("  (none possible with synack.rawsocket.mark=0: set a mark so synack's own RSTs can pass)");
        } else {
            for (String line : NftRules.dropKernelResets(localPort, mark).split("\n")) {
                err.println("  " + line);
            }
            err.println("  (remove it with: " + NftRules.removeCommand() + ")");
        }
        err.flush();
    }
}
