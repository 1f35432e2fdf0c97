#!/usr/bin/env python3
"""Independent generator of the known-answer vectors in TcpCodecKnownAnswerTest.

Builds each TCP segment with struct and its own RFC 1071 checksum (nothing shared with the Java
code), prints the hex, and writes kat.pcap (LINKTYPE_RAW, IPv4/IPv6 headers around each segment)
so that tshark can check the checksums independently:

    python3 kat_vectors.py && tshark -r kat.pcap -o tcp.check_checksum:TRUE \
        -T fields -e tcp.checksum -e tcp.checksum.status -e tcp.flags.str -e tcp.options
"""
import ipaddress
import struct


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp(src, dst, sport, dport, seq, ack, flags, win, options: bytes, payload: bytes, urg=0):
    assert len(options) % 4 == 0
    doff = (20 + len(options)) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags, win, 0, urg) + options
    seg = hdr + payload
    s, d = ipaddress.ip_address(src), ipaddress.ip_address(dst)
    if s.version == 4:
        pseudo = s.packed + d.packed + struct.pack("!BBH", 0, 6, len(seg))
    else:
        pseudo = s.packed + d.packed + struct.pack("!I3xB", len(seg), 6)
    c = csum(pseudo + seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def ip(src, dst, seg):
    s, d = ipaddress.ip_address(src), ipaddress.ip_address(dst)
    if s.version == 4:
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(seg), 0, 0x4000, 64, 6, 0, s.packed, d.packed)
        h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
        return h + seg
    return struct.pack("!IHBB16s16s", 6 << 28, len(seg), 6, 64, s.packed, d.packed) + seg


MSS = lambda v: struct.pack("!BBH", 2, 4, v)
SACKOK_TS = lambda val, ecr: struct.pack("!BBBBII", 4, 2, 8, 10, val, ecr)
NOP_NOP_TS = lambda val, ecr: struct.pack("!BBBBII", 1, 1, 8, 10, val, ecr)
NOP_WS = lambda s: struct.pack("!BBBB", 1, 3, 3, s)
NOP_NOP_SACKOK = struct.pack("!BBBB", 1, 1, 4, 2)
SACK = lambda *edges: struct.pack("!BBBB", 1, 1, 5, 2 + 4 * len(edges)) + struct.pack("!%dI" % len(edges), *edges)

A4, B4 = "192.0.2.1", "198.51.100.2"
A6, B6 = "2001:db8::1", "2001:db8::2"
vectors = [
    ("ipv4Syn", A4, B4, tcp(A4, B4, 40000, 80, 0x01020304, 0, 0x02, 64240,
                            MSS(1460) + SACKOK_TS(0x11223344, 0) + NOP_WS(7), b"")),
    ("ipv4PshAckWithData", A4, B4, tcp(A4, B4, 40000, 80, 0x01020305, 0xA0B0C0D1, 0x18, 502,
                                      NOP_NOP_TS(0x11223350, 0x55667788), b"hello")),
    ("ipv4Rst", B4, A4, tcp(B4, A4, 80, 40001, 0, 0x01020305, 0x14, 0, b"", b"")),
    ("ipv6SynAck", B6, A6, tcp(B6, A6, 443, 50000, 0xFFFFFFF0, 0x00000001, 0x12, 65160,
                               MSS(1440) + SACKOK_TS(0xDEADBEEF, 0x01010101) + NOP_WS(9), b"")),
    ("ipv6AckWithSackAndData", A6, B6, tcp(A6, B6, 50000, 443, 0x00000001, 0xFFFFFFF1, 0x10, 1024,
                                          NOP_NOP_TS(7, 8) + SACK(0x1000, 0x2000, 0x3000, 0x4000),
                                          b"odd-length payload!")),
    ("ipv6FinAckSackPermittedNoTimestamps", A6, B6, tcp(A6, B6, 50000, 443, 0x80000000, 0x7FFFFFFF, 0x11, 0,
                                                       MSS(1220) + NOP_NOP_SACKOK, b"")),
]

if __name__ == "__main__":
    with open("kat.pcap", "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))
        for i, (name, s, d, seg) in enumerate(vectors):
            pkt = ip(s, d, seg)
            f.write(struct.pack("<IIII", i, 0, len(pkt), len(pkt)) + pkt)
            print(name, s, d, seg.hex())
