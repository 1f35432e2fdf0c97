# The Linux kernel's TCP as a test peer, driven line by line: KernelPeer (Java) writes one command
# per line on stdin, this script answers one line on stdout: "ok ..." or "error ERRNAME message".
# It runs inside a network namespace (ip netns exec NS python3 -u -c ...); the sockets are plain
# AF_INET/AF_INET6 SOCK_STREAM sockets, so every segment on the wire is the kernel's own.
#
# Commands:
#   listen HOST PORT [MSS]     bind + listen (SO_REUSEADDR; TCP_MAXSEG if MSS is given)  -> ok
#   accept                     accept one connection                  -> ok PEERHOST PEERPORT
#   connect HOST PORT [LPORT [MSS]]  connect (from LPORT unless 0; TCP_MAXSEG if MSS is given)
#                                                                     -> ok LOCALPORT | error ECONNREFUSED ...
#   send N                     N random bytes, all written            -> ok N SHA256
#   recv                       read until end of stream               -> ok N SHA256
#   recvn N                    read exactly N bytes                   -> ok N SHA256
#   exchange N                 send N random bytes then SHUT_WR while reading until end of stream
#                                                                     -> ok SENT SENTSHA RECEIVED RECEIVEDSHA
#   shutwr                     shutdown(SHUT_WR): FIN                 -> ok
#   close                      close()                                -> ok
#   linger0                    SO_LINGER {1, 0}, close(): RST         -> ok
#   info                       TCP_INFO                               -> ok key=value ...
#   closelisten                close the listening socket             -> ok
# For the benchmark (KernelInteropBenchmarkTest):
#   blast N                    send N bytes from one reused buffer, then close   -> ok N
#   drain                      read to end of stream, no digest      -> ok N
#   connectloop HOST PORT K    K times: connect (timed), then SO_LINGER 0 close  -> ok NS1 NS2 ... (nanoseconds)
#   acceptloop K               K times: accept, then close                        -> ok
import errno
import hashlib
import os
import socket
import struct
import sys
import threading
import time

TCPI_OPT_TIMESTAMPS, TCPI_OPT_SACK, TCPI_OPT_WSCALE = 1, 2, 4
STATES = {1: "ESTABLISHED", 2: "SYN-SENT", 3: "SYN-RECEIVED", 4: "FIN-WAIT-1", 5: "FIN-WAIT-2", 6: "TIME-WAIT",
          7: "CLOSED", 8: "CLOSE-WAIT", 9: "LAST-ACK", 10: "LISTEN", 11: "CLOSING"}

listener = None
conn = None


def reply(*words):
    sys.stdout.write(" ".join(str(w) for w in words) + "\n")
    sys.stdout.flush()


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def send_random(sock, n):
    digest = hashlib.sha256()
    left = n
    while left > 0:
        chunk = os.urandom(min(left, 1 << 20))
        sock.sendall(chunk)
        digest.update(chunk)
        left -= len(chunk)
    return digest.hexdigest()


def receive(sock, limit=None):
    digest = hashlib.sha256()
    total = 0
    while limit is None or total < limit:
        data = sock.recv(1 << 20 if limit is None else min(1 << 20, limit - total))
        if not data:
            break
        digest.update(data)
        total += len(data)
    return total, digest.hexdigest()


def info(sock):
    raw = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    state, _ca, _retr, _probes, _backoff, options, wscales = struct.unpack_from("7B", raw, 0)
    rto, ato, snd_mss, rcv_mss, unacked, sacked, lost, retrans, fackets = struct.unpack_from("9I", raw, 8)
    (_lds, _las, _ldr, _lar, pmtu, rcv_ssthresh, rtt, rttvar, snd_ssthresh, snd_cwnd, advmss, reordering,
     rcv_rtt, rcv_space, total_retrans) = struct.unpack_from("15I", raw, 44)
    return ["state=" + STATES.get(state, str(state)),
            "timestamps=" + str(bool(options & TCPI_OPT_TIMESTAMPS)).lower(),
            "sack=" + str(bool(options & TCPI_OPT_SACK)).lower(),
            "wscale=" + str(bool(options & TCPI_OPT_WSCALE)).lower(),
            "snd_wscale=%d" % (wscales & 0xF), "rcv_wscale=%d" % (wscales >> 4),
            "snd_mss=%d" % snd_mss, "rcv_mss=%d" % rcv_mss, "advmss=%d" % advmss, "pmtu=%d" % pmtu,
            "total_retrans=%d" % total_retrans, "sacked=%d" % sacked]


def handle(words):
    global listener, conn
    cmd, args = words[0], words[1:]
    if cmd == "listen":
        listener = socket.socket(family(args[0]), socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if len(args) > 2:
            listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, int(args[2]))
        listener.bind((args[0], int(args[1])))
        listener.listen(16)
        return []
    if cmd == "accept":
        conn, peer = listener.accept()
        return [peer[0], peer[1]]
    if cmd == "connect":
        conn = socket.socket(family(args[0]), socket.SOCK_STREAM)
        if len(args) > 2 and args[2] != "0":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            conn.bind(("", int(args[2])))
        if len(args) > 3:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, int(args[3]))
        conn.connect((args[0], int(args[1])))
        return [conn.getsockname()[1]]
    if cmd == "send":
        n = int(args[0])
        return [n, send_random(conn, n)]
    if cmd == "recv":
        return list(receive(conn))
    if cmd == "recvn":
        return list(receive(conn, int(args[0])))
    if cmd == "exchange":
        n = int(args[0])
        sent = {}

        def sender():
            try:
                sent["sha"] = send_random(conn, n)
                conn.shutdown(socket.SHUT_WR)
            except OSError as e:
                sent["error"] = e
        t = threading.Thread(target=sender)
        t.start()
        received = receive(conn)
        t.join()
        if "error" in sent:
            raise sent["error"]
        return [n, sent["sha"], received[0], received[1]]
    if cmd == "shutwr":
        conn.shutdown(socket.SHUT_WR)
        return []
    if cmd == "close":
        conn.close()
        return []
    if cmd == "linger0":
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()
        return []
    if cmd == "info":
        return info(conn)
    if cmd == "blast":
        n = int(args[0])
        chunk = memoryview(os.urandom(1 << 20))
        left = n
        while left > 0:
            conn.sendall(chunk[:min(left, len(chunk))])
            left -= min(left, len(chunk))
        conn.close()
        return [n]
    if cmd == "drain":
        total = 0
        buffer = bytearray(1 << 20)
        while True:
            r = conn.recv_into(buffer)
            if r == 0:
                break
            total += r
        return [total]
    if cmd == "connectloop":
        times = []
        for _ in range(int(args[2])):
            s = socket.socket(family(args[0]), socket.SOCK_STREAM)
            start = time.perf_counter_ns()
            s.connect((args[0], int(args[1])))
            times.append(time.perf_counter_ns() - start)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        return times
    if cmd == "acceptloop":
        # A plain close: a RST from here could reach the client before its connect() returned.
        for _ in range(int(args[0])):
            s, _peer = listener.accept()
            s.close()
        return []
    if cmd == "closelisten":
        listener.close()
        return []
    raise ValueError("unknown command " + cmd)


reply("ready")
for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    try:
        reply("ok", *handle(words))
    except OSError as e:
        reply("error", errno.errorcode.get(e.errno, str(e.errno)), str(e.strerror).replace(" ", "_"))
    except Exception as e:  # a bug in a test's command: say so instead of dying silently
        reply("error", "EXCEPTION", repr(e).replace(" ", "_"))
