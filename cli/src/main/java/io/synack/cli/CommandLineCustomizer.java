package io.synack.cli;

import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.io.PrintWriter;
import picocli.CommandLine;
import io.synack.api.InvalidConfigurationException;
import io.synack.api.TransportUnavailableException;
import io.synack.core.plugin.PluginException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Customises picocli: usage errors print the problem and a hint (not the whole help), and exit 2.
 */
@ApplicationScoped
final class CommandLineCustomizer {

    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        return factory.create()
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(CommandLineCustomizer::usageError)
                .setExecutionExceptionHandler(CommandLineCustomizer::executionError);
    }

    /**
     * Errors a command lets escape: configuration and plugin problems are the user's to fix (exit
     * 2, with the message and a hint, no stack trace); anything else is a failed session (exit 1).
     */
    private static int executionError(Exception e, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (e instanceof InvalidConfigurationException invalid) {
            err.println("synack: invalid configuration:");
            invalid.problems().forEach(p -> err.println("  - " + p));
            err.println("Hint: 'synack config --describe' lists every key with what it allows.");
            err.flush();
            return 2;
        }
        if (e instanceof PluginException broken) {
            err.println("synack: broken transport plugin on the classpath:");
            broken.problems().forEach(p -> err.println("  - " + p));
            err.flush();
            return 2;
        }
        if (e instanceof TransportUnavailableException unavailable) {
            err.println("synack: " + unavailable.getMessage());
            err.println("Hint: 'synack transports' lists the transports that can run here (e.g. --transport loopback).");
            err.flush();
            return 2;
        }
        err.println("synack: " + cmd.getCommandName() + " failed: " + e);
        err.flush();
        return 1;
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("synack: " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Hint: run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the usage.");
        err.flush();
        return 2;
    }
}
