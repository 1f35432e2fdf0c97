package io.synack.transport.rawsocket;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few C library calls the raw-socket transport makes, bound with JNA <em>direct mapping</em>
 * ({@link Native#register}): each call is a static native method with primitive and
 * {@link Pointer} arguments only, so a call on the send or receive path neither reflects nor
 * allocates. Sizes ({@code size_t}, {@code ssize_t}, {@code nfds_t}, {@code unsigned long}) are
 * Java {@code long}: the transport runs on 64-bit Linux only ({@link Linux#supported()}).
 *
 * <p>A call that fails returns -1 and leaves {@code errno} in {@link Native#getLastError()}, which
 * JNA captures on the calling thread right after the call; the callers turn it into a
 * {@link io.synack.api.SynackException} with {@link Errno}. No method here throws for an errno,
 * so that an expected one ({@code EAGAIN} on a drained socket) costs no exception.
 *
 * <p>Loading this class loads the C library; callers touch it only after {@link Linux#supported()}.
 */
final class LibC {

    static {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibC() {
    }

    /** socket(2). */
    static native int socket(int domain, int type, int protocol);

    /** close(2). */
    static native int close(int fd);

    /** bind(2). */
    static native int bind(int fd, Pointer address, int addressLength);

    /** setsockopt(2). */
    static native int setsockopt(int fd, int level, int name, Pointer value, int valueLength);

    /** getsockopt(2); {@code valueLength} points at an in/out {@code socklen_t}. */
    static native int getsockopt(int fd, int level, int name, Pointer value, Pointer valueLength);

    /** sendto(2). */
    static native long sendto(int fd, Pointer buffer, long length, int flags, Pointer address, int addressLength);

    /** recvmsg(2). */
    static native long recvmsg(int fd, Pointer message, int flags);

    /** poll(2). */
    static native int poll(Pointer fds, long count, int timeoutMillis);

    /** eventfd(2). */
    static native int eventfd(int initialValue, int flags);

    /** write(2). */
    static native long write(int fd, Pointer buffer, long count);

    /** read(2). */
    static native long read(int fd, Pointer buffer, long count);

    /** ioctl(2) with a pointer argument (the only form used: {@code SIOCGIFMTU}). */
    static native int ioctl(int fd, long request, Pointer argument);

    /** getifaddrs(3): {@code list} points at a {@code struct ifaddrs *} to fill. */
    static native int getifaddrs(Pointer list);

    /** freeifaddrs(3). */
    static native void freeifaddrs(Pointer list);

    /** strerror(3): the C library's text for an errno. */
    static native String strerror(int errno);
}
