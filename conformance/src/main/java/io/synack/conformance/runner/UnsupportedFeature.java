package io.synack.conformance.runner;

/** The script uses a call, option, constant or Python the runner does not implement: it is skipped. */
final class UnsupportedFeature extends RuntimeException {
    UnsupportedFeature(int line, String message) {
        super("line " + line + ": " + message, null, false, false);
    }
}
