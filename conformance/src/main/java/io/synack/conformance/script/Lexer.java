package io.synack.conformance.script;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits preprocessed script text into {@link Token}s, dropping {@code //} and {@code /* *}{@code /}
 * comments and keeping line numbers. Newlines are tokens (a packet line ends at its newline); the
 * parser skips them inside parentheses, brackets and braces.
 */
public final class Lexer {
    private final String source;
    private final String text;
    private int pos;
    private int line = 1;

    private Lexer(String source, String text) {
        this.source = source;
        this.text = text;
    }

    /**
     * @param source name for error messages
     * @param text preprocessed text
     * @return the tokens, ending with {@link Token.Kind#EOF}
     * @throws ScriptSyntaxException for an unterminated comment, string, Python block or shell command
     */
    public static List<Token> tokenize(String source, String text) throws ScriptSyntaxException {
        return new Lexer(source, text).run();
    }

    private List<Token> run() throws ScriptSyntaxException {
        List<Token> tokens = new ArrayList<>();
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                if (!tokens.isEmpty() && tokens.get(tokens.size() - 1).kind() != Token.Kind.NEWLINE) {
                    tokens.add(new Token(Token.Kind.NEWLINE, "\n", line));
                }
                line++;
                pos++;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                pos++;
            } else if (text.startsWith("//", pos)) {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (text.startsWith("/*", pos)) {
                int start = line;
                int end = text.indexOf("*/", pos + 2);
                if (end < 0) {
                    throw new ScriptSyntaxException(source, start, "unterminated /* comment");
                }
                countLines(pos, end + 2);
                pos = end + 2;
            } else if (text.startsWith("%{", pos)) {
                int start = line;
                int end = text.indexOf("}%", pos + 2);
                if (end < 0) {
                    throw new ScriptSyntaxException(source, start, "unterminated %{ Python block (no }%)");
                }
                tokens.add(new Token(Token.Kind.PYTHON, text.substring(pos + 2, end), start));
                countLines(pos, end + 2);
                pos = end + 2;
            } else if (c == '`') {
                int start = line;
                int end = text.indexOf('`', pos + 1);
                if (end < 0) {
                    throw new ScriptSyntaxException(source, start, "unterminated ` shell command");
                }
                tokens.add(new Token(Token.Kind.SHELL, text.substring(pos + 1, end), start));
                countLines(pos, end + 1);
                pos = end + 1;
            } else if (c == '"') {
                int end = pos + 1;
                StringBuilder b = new StringBuilder();
                while (end < text.length() && text.charAt(end) != '"' && text.charAt(end) != '\n') {
                    if (text.charAt(end) == '\\' && end + 1 < text.length()) {
                        end++;
                    }
                    b.append(text.charAt(end));
                    end++;
                }
                if (end >= text.length() || text.charAt(end) != '"') {
                    throw new ScriptSyntaxException(source, line, "unterminated string");
                }
                tokens.add(new Token(Token.Kind.STRING, b.toString(), line));
                pos = end + 1;
            } else if (text.startsWith("...", pos)) {
                tokens.add(new Token(Token.Kind.ELLIPSIS, "...", line));
                pos += 3;
            } else if (Character.isDigit(c) || (c == '.' && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1)))) {
                tokens.add(new Token(Token.Kind.NUMBER, number(), line));
            } else if (Character.isLetter(c) || c == '_') {
                int start = pos;
                while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                    pos++;
                }
                tokens.add(new Token(Token.Kind.WORD, text.substring(start, pos), line));
            } else {
                tokens.add(new Token(Token.Kind.PUNCT, String.valueOf(c), line));
                pos++;
            }
        }
        tokens.add(new Token(Token.Kind.EOF, "", line));
        return tokens;
    }

    private String number() {
        int start = pos;
        if (text.startsWith("0x", pos) || text.startsWith("0X", pos)) {
            pos += 2;
            while (pos < text.length() && Character.digit(text.charAt(pos), 16) >= 0) {
                pos++;
            }
            return text.substring(start, pos);
        }
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        // A fraction only when a digit follows the dot: "0...0.1" is 0, "...", 0.1.
        if (pos + 1 < text.length() && text.charAt(pos) == '.' && Character.isDigit(text.charAt(pos + 1))) {
            pos++;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
        }
        return text.substring(start, pos);
    }

    private void countLines(int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
    }
}
