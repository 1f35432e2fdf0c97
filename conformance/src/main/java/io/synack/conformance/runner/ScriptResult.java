package io.synack.conformance.runner;

import java.util.List;

/**
 * The outcome of one script.
 *
 * @param source the script's path as given
 * @param status passed, failed or skipped
 * @param line for a failure, the script line (0 when none applies)
 * @param message for a failure: "expected ... actual ..."; for a skip: the reason
 * @param notes what the runner ignored or approximated (option lines, shell lines), for verbose output
 */
public record ScriptResult(String source, Status status, int line, String message, List<String> notes) {

    /** Outcomes. */
    public enum Status {
        OK, FAIL, SKIP
    }

    /** The one-line report: {@code ok PATH}, {@code FAIL PATH:LINE ...}, {@code skip PATH (reason)}. */
    public String summaryLine() {
        return switch (status) {
            case OK -> "ok " + source;
            case FAIL -> "FAIL " + source + (line > 0 ? ":" + line : "") + " " + message;
            case SKIP -> "skip " + source + " (" + message + ")";
        };
    }
}
