package io.synack.cli.session;

import io.synack.api.TcpConnection;
import java.io.IOException;
import java.io.InputStream;

/**
 * Copies standard input to the current connection, on one daemon thread for the whole command
 * (so that {@code listen --keep-open} never has two readers on one stdin). End of input
 * half-closes the current connection (RFC 9293 §3.6: CLOSE of our direction, a FIN after the
 * queued data) and every later one, as {@code nc -k} does. Input is read only while a connection
 * is attached; bytes read as a connection ends wait for the next one.
 */
public final class StdinForwarder {

    private final InputStream in;
    private volatile TcpConnection current;
    private volatile boolean endOfInput;

    /** @param in standard input */
    public StdinForwarder(InputStream in) {
        this.in = in;
    }

    /** Starts the copying thread. */
    public void start() {
        Thread t = new Thread(this::run, "synack-stdin");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Makes {@code connection} the target of standard input; half-closes it at once if input has
     * already ended.
     *
     * @param connection the connection, or null to detach
     */
    public void attach(TcpConnection connection) {
        boolean ended;
        synchronized (this) {
            current = connection;
            ended = endOfInput;
            notifyAll();
        }
        if (connection != null && ended) {
            connection.shutdownOutput();
        }
    }

    private synchronized TcpConnection awaitConnection() throws InterruptedException {
        while (current == null) {
            wait();
        }
        return current;
    }

    /** Whether standard input has ended. */
    public boolean endOfInput() {
        return endOfInput;
    }

    private void run() {
        byte[] buffer = new byte[16 * 1024];
        while (true) {
            int n;
            TcpConnection c;
            try {
                awaitConnection();
                n = in.read(buffer);
                c = awaitConnection();
            } catch (IOException e) {
                n = -1;
                c = current;
            } catch (InterruptedException e) {
                return;
            }
            if (n < 0) {
                synchronized (this) {
                    endOfInput = true;
                    c = current;
                }
                if (c != null) {
                    c.shutdownOutput();
                }
                return;
            }
            if (n == 0) {
                continue;
            }
            try {
                c.outputStream().write(buffer, 0, n);
            } catch (IOException | RuntimeException e) {
                // The connection failed or was shut: the session's reader reports why; drop the bytes.
                continue;
            }
        }
    }
}
