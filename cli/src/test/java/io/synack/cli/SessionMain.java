package io.synack.cli;

import picocli.CommandLine;

/**
 * Runs the synack command line without Quarkus (plain picocli, default factory) in a child JVM, so
 * that {@link InteractiveSessionTest} can drive a session through real standard streams and real
 * signals during the test phase, before the Quarkus jar is packaged.
 */
final class SessionMain {

    private SessionMain() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new SynackCommand()).execute(args));
    }
}
