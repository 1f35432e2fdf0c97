package io.synack.cli;

import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
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
                .setParameterExceptionHandler(CommandLineCustomizer::usageError);
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
