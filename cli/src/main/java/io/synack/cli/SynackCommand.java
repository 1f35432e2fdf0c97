package io.synack.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

/**
 * {@code synack}: the top command. Each subcommand is one {@code Callable<Integer>} that builds its
 * own Guice injector from the configuration (DESIGN.md §5) and exits 0 (success), 1 (the session
 * failed) or 2 (usage or configuration error).
 */
@TopCommand
@Command(name = "synack",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A user-space TCP connection engine: run, see and test TCP's handshake, teardown and byte stream.",
        subcommands = {DemoCommand.class, ExplainCommand.class, SimulateCommand.class, ConnectCommand.class,
                ListenCommand.class, TraceCommand.class, ScriptCommand.class, TransportsCommand.class, ConfigCommand.class})
public final class SynackCommand {
}
