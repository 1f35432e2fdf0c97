package io.synack.conformance.runner;

import java.util.HashMap;
import java.util.Map;

/**
 * The Linux values of the symbolic constants scripts use (socket API and errno), so that
 * {@code [ECONNREFUSED]} or {@code O_RDWR|O_NONBLOCK} evaluate as on the stack scripts are written for.
 */
final class Constants {
    private Constants() {}

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOL_SOCKET = 1;
    static final int IPPROTO_TCP = 6;
    static final int SO_REUSEADDR = 2;
    static final int SO_ERROR = 4;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_KEEPALIVE = 9;
    static final int SO_LINGER = 13;
    static final int TCP_NODELAY = 1;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 04000;
    static final int SHUT_RD = 0;
    static final int SHUT_WR = 1;
    static final int SHUT_RDWR = 2;
    static final int FIONREAD = 0x541B;
    static final int MSG_PEEK = 0x2;
    static final int MSG_DONTWAIT = 0x40;

    private static final Map<String, Long> SYMBOLS = new HashMap<>();
    private static final Map<String, Integer> ERRNO = new HashMap<>();
    private static final Map<Integer, String> ERRNO_NAMES = new HashMap<>();

    static {
        sym("AF_INET", AF_INET);
        sym("AF_INET6", AF_INET6);
        sym("PF_INET", AF_INET);
        sym("PF_INET6", AF_INET6);
        sym("SOCK_STREAM", 1);
        sym("IPPROTO_TCP", IPPROTO_TCP);
        sym("IPPROTO_IP", 0);
        sym("SOL_SOCKET", SOL_SOCKET);
        sym("SOL_TCP", IPPROTO_TCP);
        sym("SO_REUSEADDR", SO_REUSEADDR);
        sym("SO_ERROR", SO_ERROR);
        sym("SO_SNDBUF", SO_SNDBUF);
        sym("SO_RCVBUF", SO_RCVBUF);
        sym("SO_KEEPALIVE", SO_KEEPALIVE);
        sym("SO_LINGER", SO_LINGER);
        sym("TCP_NODELAY", TCP_NODELAY);
        sym("TCP_USER_TIMEOUT", 18);
        sym("F_GETFL", F_GETFL);
        sym("F_SETFL", F_SETFL);
        sym("O_RDONLY", 0);
        sym("O_WRONLY", 1);
        sym("O_RDWR", O_RDWR);
        sym("O_NONBLOCK", O_NONBLOCK);
        sym("SHUT_RD", SHUT_RD);
        sym("SHUT_WR", SHUT_WR);
        sym("SHUT_RDWR", SHUT_RDWR);
        sym("FIONREAD", FIONREAD);
        sym("SIOCINQ", FIONREAD);
        sym("MSG_DONTWAIT", MSG_DONTWAIT);
        sym("MSG_PEEK", MSG_PEEK);
        sym("MSG_NOSIGNAL", 0x4000);
        sym("NULL", 0);
        String[][] errnos = {
            {"EPERM", "1"}, {"ENOENT", "2"}, {"EINTR", "4"}, {"EIO", "5"}, {"EBADF", "9"}, {"EAGAIN", "11"},
            {"EWOULDBLOCK", "11"}, {"ENOMEM", "12"}, {"EACCES", "13"}, {"EFAULT", "14"}, {"EINVAL", "22"},
            {"EPIPE", "32"}, {"ENOTSOCK", "88"}, {"EDESTADDRREQ", "89"}, {"EMSGSIZE", "90"},
            {"EPROTOTYPE", "91"}, {"ENOPROTOOPT", "92"}, {"EOPNOTSUPP", "95"}, {"EAFNOSUPPORT", "97"},
            {"EADDRINUSE", "98"}, {"EADDRNOTAVAIL", "99"}, {"ENETUNREACH", "101"}, {"ECONNABORTED", "103"},
            {"ECONNRESET", "104"}, {"ENOBUFS", "105"}, {"EISCONN", "106"}, {"ENOTCONN", "107"},
            {"ETIMEDOUT", "110"}, {"ECONNREFUSED", "111"}, {"EHOSTUNREACH", "113"}, {"EALREADY", "114"},
            {"EINPROGRESS", "115"},
        };
        for (String[] e : errnos) {
            int n = Integer.parseInt(e[1]);
            ERRNO.put(e[0], n);
            ERRNO_NAMES.putIfAbsent(n, e[0]);
            sym(e[0], n);
        }
    }

    private static void sym(String name, long value) {
        SYMBOLS.put(name, value);
    }

    /** The value of a symbol, or null if unknown. */
    static Long symbol(String name) {
        return SYMBOLS.get(name);
    }

    /** The errno number of a name, or null. */
    static Integer errno(String name) {
        return ERRNO.get(name);
    }

    /** The canonical name of an errno number ({@code EAGAIN} for 11). */
    static String errnoName(int errno) {
        return ERRNO_NAMES.getOrDefault(errno, "errno " + errno);
    }
}
