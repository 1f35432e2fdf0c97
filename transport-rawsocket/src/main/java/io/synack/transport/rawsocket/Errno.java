package io.synack.transport.rawsocket;

import com.sun.jna.Native;
import io.synack.api.SynackException;

/**
 * Turns a Linux {@code errno} into words: its symbolic name (from {@code asm-generic/errno.h},
 * the numbering of every architecture {@link Linux} accepts) and the C library's
 * {@code strerror} text, so that an error reads {@code bind(198.18.0.1) failed: EADDRNOTAVAIL
 * (Cannot assign requested address)}.
 */
final class Errno {

    static final int EPERM = 1;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EAFNOSUPPORT = 97;
    static final int EADDRNOTAVAIL = 99;
    static final int ENETDOWN = 100;
    static final int ENETUNREACH = 101;
    static final int ENOBUFS = 105;
    static final int ECONNREFUSED = 111;
    static final int EHOSTDOWN = 112;
    static final int EHOSTUNREACH = 113;
    static final int ENODEV = 19;

    private static final String[] NAMES = new String[134];

    static {
        String[] named = {
            "1 EPERM", "2 ENOENT", "3 ESRCH", "4 EINTR", "5 EIO", "6 ENXIO", "7 E2BIG", "8 ENOEXEC",
            "9 EBADF", "10 ECHILD", "11 EAGAIN", "12 ENOMEM", "13 EACCES", "14 EFAULT", "16 EBUSY",
            "17 EEXIST", "19 ENODEV", "20 ENOTDIR", "21 EISDIR", "22 EINVAL", "23 ENFILE", "24 EMFILE",
            "25 ENOTTY", "28 ENOSPC", "32 EPIPE", "34 ERANGE", "38 ENOSYS", "88 ENOTSOCK",
            "89 EDESTADDRREQ", "90 EMSGSIZE", "91 EPROTOTYPE", "92 ENOPROTOOPT", "93 EPROTONOSUPPORT",
            "94 ESOCKTNOSUPPORT", "95 EOPNOTSUPP", "96 EPFNOSUPPORT", "97 EAFNOSUPPORT", "98 EADDRINUSE",
            "99 EADDRNOTAVAIL", "100 ENETDOWN", "101 ENETUNREACH", "102 ENETRESET", "103 ECONNABORTED",
            "104 ECONNRESET", "105 ENOBUFS", "106 EISCONN", "107 ENOTCONN", "110 ETIMEDOUT",
            "111 ECONNREFUSED", "112 EHOSTDOWN", "113 EHOSTUNREACH", "133 EHWPOISON",
        };
        for (String entry : named) {
            int space = entry.indexOf(' ');
            NAMES[Integer.parseInt(entry.substring(0, space))] = entry.substring(space + 1);
        }
    }

    private Errno() {
    }

    /** The errno the last native call on this thread left. */
    static int last() {
        return Native.getLastError();
    }

    /** The symbolic name, e.g. {@code EPERM}, or {@code errno 150} for one not in the table. */
    static String name(int errno) {
        String name = errno > 0 && errno < NAMES.length ? NAMES[errno] : null;
        return name != null ? name : "errno " + errno;
    }

    /** {@code NAME (strerror text)}. */
    static String describe(int errno) {
        String text;
        try {
            text = LibC.strerror(errno);
        } catch (RuntimeException | LinkageError e) {
            text = null;
        }
        return name(errno) + (text == null || text.isEmpty() ? "" : " (" + text + ")");
    }

    /**
     * The exception for a failed call.
     *
     * @param call what was attempted, e.g. {@code setsockopt(SO_MARK, 0x5359)}
     * @param errno the errno it failed with
     * @return {@code call failed: NAME (text)}
     */
    static SynackException failure(String call, int errno) {
        return new SynackException(call + " failed: " + describe(errno));
    }
}
