package io.synack.cli.session;

import io.synack.api.ConnectionResetException;
import io.synack.api.ConnectionTimedOutException;
import io.synack.api.TcpConnection;
import io.synack.api.TcpState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One {@code nc}-style session on an established connection: standard input goes to the
 * connection (through the {@link StdinForwarder}), the connection goes to standard output,
 * flushed after every read. Standard output carries only the peer's bytes; every message goes to
 * standard error.
 *
 * <p>End of standard input half-closes (FIN) and the session keeps printing until the peer's FIN.
 * The peer's FIN ends the session too, as {@code ncat} does: the session then closes its own
 * direction (RFC 9293 §3.6 CLOSE: FIN after the queued data) and waits until the connection is in
 * TIME-WAIT or CLOSED, so that our FIN was acknowledged (the 2MSL wait itself is the stack's
 * business, not the user's). SIGINT (Ctrl-C) runs a shutdown hook that ABORTs the connection
 * (RFC 9293 §3.10.5: RST), says so on standard error, and the JVM exits with 130.
 */
public final class Session {

    /** How long the close may take for our FIN to be acknowledged before the session gives up. */
    static final Duration CLOSE_LIMIT = Duration.ofSeconds(30);

    private final TcpConnection connection;
    private final StdinForwarder stdin;
    private final SessionEvents events;
    private final OutputStream out;
    private final PrintWriter err;
    private final boolean verbose;
    private volatile boolean finished;
    private volatile boolean aborted;

    /**
     * @param connection the established connection
     * @param stdin the forwarder of standard input
     * @param events the stack's event watcher
     * @param out standard output (peer data only)
     * @param err standard error (messages)
     * @param verbose whether to tell the progress of the close too, not only failures
     */
    public Session(TcpConnection connection, StdinForwarder stdin, SessionEvents events, OutputStream out,
            PrintWriter err, boolean verbose) {
        this.verbose = verbose;
        this.connection = connection;
        this.stdin = stdin;
        this.events = events;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the session to its end.
     *
     * @return 0 after a graceful close, 1 if the connection was reset, timed out or could not close
     */
    public int run() {
        Thread hook = new Thread(this::interrupted, "synack-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return pump();
        } finally {
            finished = true;
            stdin.attach(null);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already exiting (Ctrl-C): the hook runs and reports.
            }
        }
    }

    private int pump() {
        stdin.attach(connection);
        InputStream in = connection.inputStream();
        byte[] buffer = new byte[16 * 1024];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (ConnectionResetException e) {
            return failed("connection reset by peer");
        } catch (ConnectionTimedOutException e) {
            return failed("connection timed out (" + e.getMessage() + ")");
        } catch (IOException e) {
            return failed(e.getMessage());
        }
        info("peer closed its direction (FIN received); closing");
        connection.close();
        try {
            TcpState end = events.done(connection.id()).get(CLOSE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            info("connection closed (" + end + ")");
            return 0;
        } catch (TimeoutException e) {
            connection.abort();
            return failed("the peer did not acknowledge our FIN within " + CLOSE_LIMIT.toSeconds() + "s; aborted");
        } catch (ExecutionException e) {
            return failed(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed("interrupted");
        }
    }

    private int failed(String why) {
        if (!aborted) {
            message(why);
        }
        return 1;
    }

    private void interrupted() {
        if (finished) {
            return;
        }
        aborted = true;
        connection.abort();
        try {
            // The abort runs on the stack's thread; wait for it (and, with -v, its transition line)
            // before the JVM exits, so what the user sees on stderr is complete.
            events.done(connection.id()).get(2, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // exit all the same: the RST was handed to the stack
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        message("interrupted: connection " + connection.id() + " aborted (RST sent)");
    }

    private void info(String text) {
        if (verbose) {
            message(text);
        }
    }

    private void message(String text) {
        synchronized (err) {
            err.println("synack: " + text);
            err.flush();
        }
    }
}
