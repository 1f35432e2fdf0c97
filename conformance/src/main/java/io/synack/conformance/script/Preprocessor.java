package io.synack.conformance.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The line-level pass before lexing: option lines ({@code --tolerance_usecs=N}), {@code #ifdef NAME}
 * / {@code #endif} (no nesting, no {@code #else}) and {@code -D NAME=value} substitution
 * ({@code ${NAME}} or the bare word NAME). Lines it removes become empty so line numbers stay true.
 */
public final class Preprocessor {
    private static final Pattern OPTION = Pattern.compile("^\\s*--([A-Za-z0-9_][A-Za-z0-9_-]*)(?:=(\\S*))?\\s*$");
    private static final Pattern DIRECTIVE = Pattern.compile("^\\s*#\\s*(\\w+)\\s*(.*?)\\s*$");

    /**
     * The result.
     *
     * @param text the script text with option lines and excluded lines blanked
     * @param options the option lines found
     */
    public record Output(String text, List<Script.OptionLine> options) {}

    private Preprocessor() {}

    /**
     * @param source name for error messages
     * @param text the script
     * @param defines {@code -D} names and values (empty value: only defined)
     * @return the text for the lexer, with the option lines
     * @throws ScriptSyntaxException for a malformed directive
     */
    public static Output process(String source, String text, Map<String, String> defines) throws ScriptSyntaxException {
        String[] lines = text.split("\r?\n", -1);
        List<Script.OptionLine> options = new ArrayList<>();
        StringBuilder out = new StringBuilder(text.length());
        int ifdefLine = 0;
        boolean keeping = true;
        boolean inComment = false;
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i];
            boolean commentAtStart = inComment;
            inComment = endsInsideComment(line, inComment);
            Matcher d = commentAtStart ? null : DIRECTIVE.matcher(line);
            if (d != null && d.matches()) {
                String directive = d.group(1);
                String arg = d.group(2);
                switch (directive) {
                    case "ifdef" -> {
                        if (ifdefLine != 0) {
                            throw new ScriptSyntaxException(source, lineNo,
                                    "nested #ifdef (the one on line " + ifdefLine + " is still open): not supported");
                        }
                        if (!arg.matches("[A-Za-z_]\\w*")) {
                            throw new ScriptSyntaxException(source, lineNo, "#ifdef needs one NAME, got '" + arg + "'");
                        }
                        ifdefLine = lineNo;
                        keeping = defines.containsKey(arg);
                    }
                    case "endif" -> {
                        if (ifdefLine == 0) {
                            throw new ScriptSyntaxException(source, lineNo, "#endif without #ifdef");
                        }
                        ifdefLine = 0;
                        keeping = true;
                    }
                    case "else", "elif", "ifndef", "if", "define", "include" -> throw new ScriptSyntaxException(source,
                            lineNo, "#" + directive + " is not supported (only #ifdef NAME ... #endif)");
                    default -> {
                        // not a directive (e.g. a Python comment inside %{ }%): an ordinary line
                        out.append(keeping ? substitute(line, defines) : "").append('\n');
                        continue;
                    }
                }
                out.append('\n');
                continue;
            }
            if (!keeping) {
                out.append('\n');
                continue;
            }
            Matcher o = commentAtStart ? null : OPTION.matcher(line);
            if (o != null && o.matches()) {
                options.add(new Script.OptionLine(lineNo, o.group(1), o.group(2)));
                out.append('\n');
                continue;
            }
            out.append(substitute(line, defines)).append('\n');
        }
        if (ifdefLine != 0) {
            throw new ScriptSyntaxException(source, ifdefLine, "#ifdef without #endif");
        }
        return new Output(out.toString(), options);
    }

    private static boolean endsInsideComment(String line, boolean inside) {
        int i = 0;
        while (i < line.length()) {
            if (inside) {
                int end = line.indexOf("*/", i);
                if (end < 0) {
                    return true;
                }
                inside = false;
                i = end + 2;
            } else {
                int slashes = line.indexOf("//", i);
                int open = line.indexOf("/*", i);
                if (open < 0 || (slashes >= 0 && slashes < open)) {
                    return false;
                }
                inside = true;
                i = open + 2;
            }
        }
        return inside;
    }

    private static String substitute(String line, Map<String, String> defines) {
        String result = line;
        for (Map.Entry<String, String> e : defines.entrySet()) {
            if (e.getValue() == null || e.getValue().isEmpty()) {
                continue;
            }
            String name = Pattern.quote(e.getKey());
            String value = Matcher.quoteReplacement(e.getValue());
            result = result.replaceAll("\\$\\{" + name + "\\}", value);
            result = result.replaceAll("(?<![\\w$])" + name + "(?!\\w)", value);
        }
        return result;
    }
}
