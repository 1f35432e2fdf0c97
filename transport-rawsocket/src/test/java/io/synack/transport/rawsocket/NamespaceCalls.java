package io.synack.transport.rawsocket;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/** The C calls the namespace test utility needs, by JNA direct mapping. */
final class NamespaceCalls {

    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;

    static {
        Native.register(NamespaceCalls.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private NamespaceCalls() {
    }

    static native int open(String path, int flags);

    static native int setns(int fd, int namespaceType);

    static native int close(int fd);
}
