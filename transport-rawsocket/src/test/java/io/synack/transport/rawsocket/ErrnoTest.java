package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Kernel errors read as their symbolic name and the C library's text. */
class ErrnoTest {

    @Test
    void namesAndTexts() {
        assertEquals("EPERM", Errno.name(1));
        assertEquals("EADDRNOTAVAIL", Errno.name(99));
        assertEquals("errno 150", Errno.name(150));
        assertEquals("errno 0", Errno.name(0));
        assertEquals("EPERM (Operation not permitted)", Errno.describe(Errno.EPERM));
        assertEquals("ENOBUFS (No buffer space available)", Errno.describe(Errno.ENOBUFS));
        assertEquals("socket(AF_INET, SOCK_RAW, 253) failed: EAFNOSUPPORT (Address family not supported by protocol)",
                Errno.failure("socket(AF_INET, SOCK_RAW, 253)", Errno.EAFNOSUPPORT).getMessage());
    }
}
