package io.synack.core.wire;

import java.nio.ByteBuffer;

/** Hex helpers for the codec tests. */
final class Hex {
    private Hex() {}

    static byte[] bytes(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    static String of(ByteBuffer b, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) {
            s.append(String.format("%02x", b.get(i) & 0xFF));
        }
        return s.toString();
    }
}
