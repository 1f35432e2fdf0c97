package io.synack.conformance.script;

/** A malformed script: the message names the file and line, as a compiler does ({@code a.pkt:7: ...}). */
public final class ScriptSyntaxException extends Exception {
    private final String source;
    private final int line;
    private final String detail;

    /**
     * @param source the script's name as given (path)
     * @param line 1-based line number
     * @param detail what is wrong, and what was expected
     */
    public ScriptSyntaxException(String source, int line, String detail) {
        super(source + ":" + line + ": " + detail);
        this.source = source;
        this.line = line;
        this.detail = detail;
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    public String detail() {
        return detail;
    }
}
