package io.synack.conformance.runner;

/** The script uses something the runner does not support: it is skipped with this reason. */
final class ScriptSkipped extends Exception {
    ScriptSkipped(String reason) {
        super(reason, null, false, false);
    }
}
