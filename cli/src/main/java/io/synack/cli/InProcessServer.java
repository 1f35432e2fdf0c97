package io.synack.cli;

import io.synack.api.SynackException;
import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The peer {@code synack connect} talks to on the loopback transport, where no other process can
 * reach the network: accepts connections on a daemon thread and either echoes each one (closing its
 * direction after the client's FIN) or sends a fixed response, closes its direction, and reads
 * until the client's FIN (so that its close is graceful, never a reset for unread data).
 */
final class InProcessServer {

    private InProcessServer() {}

    /**
     * @param listener where connections arrive
     * @param response the bytes to send, or null to echo
     */
    static void start(TcpListener listener, byte[] response) {
        Thread t = new Thread(() -> acceptLoop(listener, response), "synack-inprocess-server");
        t.setDaemon(true);
        t.start();
    }

    private static void acceptLoop(TcpListener listener, byte[] response) {
        while (true) {
            TcpConnection c;
            try {
                c = listener.accept();
            } catch (SynackException closed) {
                return;
            }
            Thread t = new Thread(() -> serve(c, response), "synack-inprocess-" + c.id().remote().getPort());
            t.setDaemon(true);
            t.start();
        }
    }

    private static void serve(TcpConnection c, byte[] response) {
        InputStream in = c.inputStream();
        OutputStream out = c.outputStream();
        try {
            byte[] buffer = new byte[16 * 1024];
            if (response != null) {
                out.write(response);
                c.shutdownOutput();
                while (in.read(buffer) >= 0) {
                    // The responder ignores what the client sends; reading it keeps the close graceful.
                }
            } else {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
                c.shutdownOutput();
            }
        } catch (IOException e) {
            // Reset or timed out: the client's session reports it.
            return;
        }
        c.close();
    }
}
