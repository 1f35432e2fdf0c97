package io.synack.cli.session;

import io.synack.api.ConnectionEvent;
import io.synack.api.ConnectionEventListener;
import io.synack.api.ConnectionId;
import io.synack.api.TcpState;
import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Watches a stack's events for the sessions: tells when a connection is done for the user (it
 * reached TIME-WAIT, whose 2MSL wait the user need not sit through, or CLOSED), and with
 * {@code -v} prints every state transition to standard error.
 */
public final class SessionEvents implements ConnectionEventListener {

    private final PrintWriter err;
    private final boolean verbose;
    private final ConcurrentMap<ConnectionId, CompletableFuture<TcpState>> done = new ConcurrentHashMap<>();

    /**
     * @param err where transitions are printed
     * @param verbose whether to print them
     */
    public SessionEvents(PrintWriter err, boolean verbose) {
        this.err = err;
        this.verbose = verbose;
    }

    @Override
    public void onEvent(ConnectionEvent event) {
        if (event instanceof ConnectionEvent.StateChanged s) {
            if (verbose) {
                synchronized (err) {
                    err.println("synack: " + s.connection() + " " + s.from() + " -> " + s.to() + " (" + s.cause() + ")");
                    err.flush();
                }
            }
            if (s.to() == TcpState.TIME_WAIT || s.to() == TcpState.CLOSED) {
                done(s.connection()).complete(s.to());
            }
        } else if (event instanceof ConnectionEvent.Closed c) {
            done(c.connection()).complete(TcpState.CLOSED);
        }
    }

    /**
     * Completes with TIME-WAIT or CLOSED when the connection reaches either.
     *
     * @param id the connection
     * @return the future
     */
    public CompletableFuture<TcpState> done(ConnectionId id) {
        return done.computeIfAbsent(id, k -> new CompletableFuture<>());
    }
}
