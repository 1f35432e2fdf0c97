package io.synack.conformance.runner;

import io.synack.api.ConnectionId;

/** A script file descriptor: a socket, a listener or a connection of the engine. */
final class SocketFd {
    enum Kind {
        /** socket() called, nothing else yet. */
        SOCKET,
        /** listen() called. */
        LISTENER,
        /** connect() called or returned by accept(). */
        CONNECTION
    }

    final int number;
    Kind kind = Kind.SOCKET;
    boolean nonBlocking;
    int boundPort;
    int listener = -1;
    int handle = -1;
    ConnectionId id;
    /** The engine released the connection (Closed event): its handle is no longer ours. */
    boolean released;
    boolean connected;
    /** Pending socket error (errno), reported once by a call or SO_ERROR, as Linux's sk_err. */
    int pendingError;
    /** An error was reported: later writes get EPIPE, reads 0. */
    boolean errorReported;
    boolean shutRead;
    boolean shutWrite;
    boolean reuseAddress;
    boolean lingerAbort;
    int lingerOnOff;
    int lingerSeconds;
    boolean noDelay;
    boolean keepAlive;
    long userTimeoutMillis;
    int receiveBuffer;
    int sendBuffer;

    SocketFd(int number) {
        this.number = number;
    }
}
