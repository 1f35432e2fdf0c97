package io.synack.conformance.script;

/**
 * A lexical token.
 *
 * @param kind what it is
 * @param text its text (for {@link Kind#PYTHON} and {@link Kind#SHELL}: the contents)
 * @param line 1-based line where it starts
 */
public record Token(Kind kind, String text, int line) {

    /** Token kinds. */
    public enum Kind {
        /** {@code 3}, {@code 0.100}, {@code .5}, {@code 0x802}. */
        NUMBER,
        /** A word: {@code ack}, {@code S}, {@code SOCK_STREAM}. */
        WORD,
        /** {@code "..."}. */
        STRING,
        /** {@code ...}. */
        ELLIPSIS,
        /** Any single other character: {@code < > ( ) [ ] { } , : = | + * ~ - .}. */
        PUNCT,
        /** {@code %{ code }%}. */
        PYTHON,
        /** {@code `command`}. */
        SHELL,
        /** End of a line (consecutive ones collapsed). */
        NEWLINE,
        /** End of input. */
        EOF
    }

    public boolean is(String punct) {
        return kind == Kind.PUNCT && text.equals(punct);
    }

    public boolean isWord(String word) {
        return kind == Kind.WORD && text.equals(word);
    }

    /** How the token reads in an error message. */
    public String describe() {
        return switch (kind) {
            case NEWLINE -> "end of line";
            case EOF -> "end of file";
            case PYTHON -> "%{...}%";
            case SHELL -> "`...`";
            case STRING -> "\"" + text + "\"";
            default -> "'" + text + "'";
        };
    }
}
