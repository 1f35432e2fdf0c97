package io.synack.cli;

import io.synack.cli.capture.CapturedConnection;
import io.synack.core.capture.PcapReader;
import io.synack.core.trace.LadderDiagram;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code synack trace FILE.pcap}: draws one TCP connection of an existing capture (written by
 * synack's {@code --pcap}, tcpdump or Wireshark, classic pcap format) as the ladder diagram of
 * {@code synack demo}, with each side's state inferred from the segments.
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = {"Draw a TCP connection of a pcap capture as a ladder diagram, with each side's inferred state.",
                "The left side is the one that sent the first SYN. Connections are numbered from 0 as Wireshark's tcp.stream."})
final class TraceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Parameters(index = "0", paramLabel = "FILE.pcap", description = "The capture (pcap; convert pcapng with 'editcap -F pcap').")
    Path file;

    @Option(names = "--stream", paramLabel = "N", defaultValue = "0",
            description = "Which connection to draw, counted from 0 in order of appearance (default: ${DEFAULT-VALUE}).")
    int stream;

    @Option(names = "--port", paramLabel = "P", description = "Draw the first connection that uses port P instead.")
    int port;

    @Option(names = "--absolute", description = "Print raw sequence numbers instead of relative ones.")
    boolean absolute;

    @Option(names = "--no-color", description = "No ANSI colour (also when the output is not a terminal).")
    boolean noColor;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (stream < 0 || port < 0 || port > 65535) {
            return usage(err, "--stream must be 0 or more and --port 1-65535");
        }
        if (!Files.isRegularFile(file)) {
            return usage(err, "cannot read " + file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
        }
        CapturedConnection connection;
        try (PcapReader reader = new PcapReader(file)) {
            connection = CapturedConnection.read(reader, stream, port);
        } catch (NoSuchFileException e) {
            return usage(err, "cannot read " + file + ": no such file");
        } catch (IOException e) {
            return usage(err, file + " is not a readable pcap capture: " + e.getMessage());
        }
        if (connection == null) {
            return usage(err, file + " has no TCP connection " + (port != 0 ? "on port " + port : "number " + stream));
        }
        out.printf("%s: connection %s of %d, %d segments; states are inferred from the segments%n", file,
                port != 0 ? "on port " + port : String.valueOf(stream), connection.streams(),
                connection.entries().stream().filter(e -> e instanceof io.synack.core.trace.TraceEntry.SegmentEntry).count());
        if (connection.undecodable() > 0) {
            err.println("synack: " + connection.undecodable() + " segment(s) of this connection could not be decoded and are not drawn");
        }
        out.print(new LadderDiagram(color(), absolute).render(CapturedConnection.name(connection.left()),
                CapturedConnection.name(connection.right()), connection.entries()));
        out.flush();
        err.flush();
        return 0;
    }

    private static int usage(PrintWriter err, String message) {
        err.println("synack: trace: " + message);
        err.println("Hint: 'synack trace --help'; captures come from 'synack demo --pcap FILE' or 'tcpdump -w FILE'.");
        err.flush();
        return 2;
    }

    private boolean color() {
        return !noColor && System.console() != null && System.getenv("NO_COLOR") == null;
    }
}
