package io.synack.conformance.runner;

/** TCP control bits in packetdrill's notation. */
final class Flags {
    private Flags() {}

    /** {@code S.}, {@code F.}, {@code R}, {@code -}. */
    static String toString(int flags) {
        StringBuilder b = new StringBuilder();
        char[] letters = {'S', 'F', 'R', 'P', 'U', 'E', 'W'};
        int[] bits = {0x02, 0x01, 0x04, 0x08, 0x20, 0x40, 0x80};
        for (int i = 0; i < letters.length; i++) {
            if ((flags & bits[i]) != 0) {
                b.append(letters[i]);
            }
        }
        if ((flags & 0x10) != 0) {
            b.append('.');
        }
        return b.length() == 0 ? "-" : b.toString();
    }
}
