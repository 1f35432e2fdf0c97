package io.synack.conformance.runner;

/** The first mismatch of a script: stops it. */
final class ScriptFailure extends Exception {
    final int line;

    ScriptFailure(int line, String message) {
        super(message, null, false, false);
        this.line = line;
    }
}
