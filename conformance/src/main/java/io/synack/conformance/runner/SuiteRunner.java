package io.synack.conformance.runner;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs scripts named by files and directories (directories recursively, {@code *.pkt} files in
 * name order) and prints one line per script, then {@code N passed, N failed, N skipped}.
 */
public final class SuiteRunner {
    private final ScriptRunner runner;

    public SuiteRunner(ScriptRunner runner) {
        this.runner = runner;
    }

    /**
     * The totals.
     *
     * @param results every script's result, in order
     */
    public record Summary(List<ScriptResult> results) {
        public long count(ScriptResult.Status status) {
            return results.stream().filter(r -> r.status() == status).count();
        }

        /** {@code N passed, N failed, N skipped}. */
        public String closingLine() {
            return count(ScriptResult.Status.OK) + " passed, " + count(ScriptResult.Status.FAIL) + " failed, "
                    + count(ScriptResult.Status.SKIP) + " skipped";
        }
    }

    /**
     * Expands files and directories into script paths.
     *
     * @throws IllegalArgumentException naming a path that does not exist
     */
    public static List<Path> expand(List<Path> paths) {
        List<Path> scripts = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".pkt"))
                            .sorted().forEach(scripts::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else if (Files.isRegularFile(p)) {
                scripts.add(p);
            } else {
                throw new IllegalArgumentException(p + ": no such file or directory");
            }
        }
        return scripts;
    }

    /**
     * Runs every script, printing a line for each as it ends, then the closing line.
     *
     * @param scripts script files
     * @param out where to print
     * @param verbose also print the notes (ignored options and shell lines)
     */
    public Summary run(List<Path> scripts, PrintWriter out, boolean verbose) {
        List<ScriptResult> results = new ArrayList<>();
        for (Path p : scripts) {
            ScriptResult r = runner.run(p, p.toString());
            results.add(r);
            out.println(r.summaryLine());
            if (verbose) {
                r.notes().forEach(n -> out.println("  note: " + n));
            }
            out.flush();
        }
        Summary s = new Summary(results);
        out.println(s.closingLine());
        out.flush();
        return s;
    }
}
