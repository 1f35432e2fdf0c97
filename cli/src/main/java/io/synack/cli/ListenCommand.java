package io.synack.cli;

import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import io.synack.cli.session.Session;
import io.synack.cli.session.SessionEvents;
import io.synack.cli.session.StdinForwarder;
import io.synack.core.SynackRuntime;
import io.synack.api.TcpStack;
import io.synack.core.config.CoreSettings;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code synack listen}: an {@code nc -l}-style server session over a real-time stack.
 *
 * <p>The loopback transport is a network inside one process, which no other program can reach; a
 * listener there would wait forever. So {@code listen} on loopback exits 2 and points to
 * {@code connect} (which brings its own in-process server) or to {@code --transport rawsocket}.
 */
@Command(name = "listen", mixinStandardHelpOptions = true,
        description = {"Wait for a connection and copy standard input to it and it to standard output, like nc -l.",
                "EOF on standard input sends FIN (half-close); the session ends after the peer's FIN. "
                        + "Ctrl-C aborts the connection with RST.",
                "Needs a transport other processes can reach (rawsocket); on loopback use 'synack connect'.",
                "With a kernel peer on the same host, bind another 127/8 address (e.g. --bind 127.0.0.2) and set "
                        + "-s synack.rawsocket.protocol=tcp."})
final class ListenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Option(names = {"-p", "--port"}, paramLabel = "P", defaultValue = "7",
            description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDR",
            description = "Address of this stack (default: synack.address, 127.0.0.1 unless configured).")
    String bind;

    @Option(names = {"-k", "--keep-open"}, description = "After a connection ends, accept the next one.")
    boolean keepOpen;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (port < 1 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be 1-65535, not " + port);
        }
        InetAddress local = null;
        if (bind != null) {
            try {
                local = InetAddress.getByName(bind);
            } catch (UnknownHostException e) {
                throw new ParameterException(spec.commandLine(), "--bind '" + bind + "' cannot be resolved");
            }
        }
        SynackRuntime runtime = Composition.runtime(global);
        if (local == null) {
            local = runtime.settings().get(CoreSettings.ADDRESS);
        }
        if ("loopback".equals(runtime.transportName())) {
            err.println("synack: listen: the loopback transport is a network inside this one process; "
                    + "no other program (and no second synack) can reach it, so a listener would wait forever.");
            err.println("Hint: 'synack connect HOST PORT' on loopback starts its own in-process echo server "
                    + "(or --responder FILE); to talk to other processes use --transport rawsocket (as root).");
            err.flush();
            return 2;
        }
        TcpStack stack = runtime.openStack(local);
        SessionEvents events = new SessionEvents(err, global.verbose);
        stack.addEventListener(events);
        try (TcpListener listener = stack.listen(port, 16)) {
            err.println("synack: listening on " + local.getHostAddress() + ":" + port + " (" + runtime.transportName() + ")");
            err.flush();
            KernelResetHint.printIfNeeded(err, runtime, port);
            StdinForwarder stdin = new StdinForwarder(System.in);
            stdin.start();
            OutputStream out = new FileOutputStream(FileDescriptor.out);
            int result;
            do {
                TcpConnection connection = listener.accept();
                if (global.verbose) {
                    err.println("synack: connection " + connection.id());
                    err.flush();
                }
                result = new Session(connection, stdin, events, out, err, global.verbose).run();
            } while (keepOpen);
            return result;
        } finally {
            stack.close();
        }
    }
}
