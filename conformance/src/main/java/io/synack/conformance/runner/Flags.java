package io.synack.conformance.runner;

/** TCP control bits in packetdrill's notation. */
final class Flags {
    private Flags() {}

    /** {@code S.}, {@code F.}, {@code R}, {@code -}. */
    static String toString(int flags) {
        return io.synack.conformance.script.Event.flagString(flags);
    }
}
