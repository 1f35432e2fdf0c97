package io.synack.core.engine;

import org.agrona.collections.IntArrayQueue;

/**
 * A passive OPEN on a port (RFC 9293 §3.10.1): LISTEN, with its SYN queue (children in
 * SYN-RECEIVED) and accept queue (children ESTABLISHED, not yet accepted), both bounded by the
 * backlog as Linux bounds {@code sk_max_ack_backlog}.
 */
final class Listener {
    final int handle;
    final int port;
    final int backlog;
    /** Children of this listener in SYN-RECEIVED. */
    int synQueue;
    /** Handles of established children waiting for {@code accept}. */
    final IntArrayQueue acceptQueue = new IntArrayQueue(-1);

    Listener(int handle, int port, int backlog) {
        this.handle = handle;
        this.port = port;
        this.backlog = backlog;
    }

    /** RFC 9293 leaves the queue policy open; Linux drops a SYN when either queue is full. */
    boolean full() {
        return synQueue >= backlog || acceptQueue.size() >= backlog;
    }
}
