package io.synack.cli;

import io.synack.api.ConnectionRefusedException;
import io.synack.api.ConnectionTimedOutException;
import io.synack.api.SynackException;
import io.synack.api.TcpStack;
import io.synack.api.TcpConnection;
import io.synack.cli.session.Session;
import io.synack.cli.session.SessionEvents;
import io.synack.cli.session.StdinForwarder;
import io.synack.core.SynackRuntime;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code synack connect HOST PORT}: an {@code nc}-style client session over a real-time stack.
 *
 * <p>On the loopback transport the network exists only inside this process, so the command first
 * starts a server stack at HOST:PORT in the same process: an echo server, or with
 * {@code --responder FILE} one that sends the file's contents and then closes its direction.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = {"Open a connection and copy standard input to it and it to standard output, like nc.",
                "EOF on standard input sends FIN (half-close); the session ends after the peer's FIN. "
                        + "Ctrl-C aborts the connection with RST.",
                "On loopback (the default transport) an in-process echo server (or --responder) answers at HOST:PORT."})
final class ConnectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Parameters(index = "0", paramLabel = "HOST", description = "The address to connect to.")
    String host;

    @Parameters(index = "1", paramLabel = "PORT", description = "The port to connect to (1-65535).")
    int port;

    @Option(names = "--source", paramLabel = "ADDR",
            description = "Local address of this stack (default: the kernel's route to HOST; for a loopback HOST another 127/8 address).")
    String source;

    @Option(names = "--local-port", paramLabel = "P", defaultValue = "0",
            description = "Local port (default: an ephemeral port chosen per RFC 6056).")
    int localPort;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "75",
            description = "How long the handshake may take (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--responder", paramLabel = "FILE",
            description = "Loopback only: the in-process server sends FILE's contents and closes, instead of echoing.")
    Path responder;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (port < 1 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "PORT must be 1-65535, not " + port);
        }
        if (localPort < 0 || localPort > 65535 || timeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--local-port must be 0-65535 and --timeout at least 1");
        }
        InetAddress remote = resolve(host, "HOST");
        SynackRuntime runtime = Composition.runtime(global);
        boolean loopback = "loopback".equals(runtime.transportName());
        if (responder != null && !loopback) {
            throw new ParameterException(spec.commandLine(),
                    "--responder serves an in-process peer, which exists only on the loopback transport (this run uses "
                            + runtime.transportName() + ")");
        }
        byte[] response = responder == null ? null : readResponder();
        InetAddress local = source != null ? resolve(source, "--source")
                : loopback || remote.isLoopbackAddress() ? otherLoopbackAddress(remote) : routeTo(remote);
        SessionEvents events = new SessionEvents(err, global.verbose);
        TcpStack server = null;
        // On loopback both stacks get the one (singleton) transport factory, so they share its network.
        TcpStack client = runtime.openStack(local);
        try {
            if (loopback) {
                server = runtime.openStack(remote);
                InProcessServer.start(server.listen(port, 16), response);
                if (global.verbose) {
                    err.println("synack: loopback: in-process " + (response == null ? "echo server" : "responder")
                            + " listening on " + remote.getHostAddress() + ":" + port);
                }
            }
            client.addEventListener(events);
            TcpConnection connection;
            try {
                if (localPort != 0) {
                    KernelResetHint.printIfNeeded(err, runtime, localPort);
                }
                connection = client.connect(new InetSocketAddress(remote, port), localPort,
                        Duration.ofSeconds(timeoutSeconds));
            } catch (ConnectionRefusedException e) {
                err.println("synack: connection to " + remote.getHostAddress() + ":" + port + " refused (RST)");
                return 1;
            } catch (ConnectionTimedOutException e) {
                err.println("synack: connection to " + remote.getHostAddress() + ":" + port + " timed out");
                return 1;
            }
            if (global.verbose) {
                err.println("synack: connected " + connection.id() + " over " + runtime.transportName());
            }
            err.flush();
            StdinForwarder stdin = new StdinForwarder(System.in);
            stdin.start();
            OutputStream out = new FileOutputStream(FileDescriptor.out);
            return new Session(connection, stdin, events, out, err, global.verbose).run();
        } finally {
            client.close();
            if (server != null) {
                server.close();
            }
        }
    }

    private byte[] readResponder() {
        try {
            return Files.readAllBytes(responder);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read --responder " + responder + ": " + e);
        }
    }

    private InetAddress resolve(String name, String what) {
        try {
            return InetAddress.getByName(name);
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), what + " '" + name + "' cannot be resolved");
        }
    }

    /**
     * An address of the same family as {@code remote}, different from it: for the in-process client
     * on loopback, and on raw sockets so that a kernel peer on the same host never shares synack's
     * address (synack's raw socket would otherwise also see, and answer, segments meant for it).
     */
    static InetAddress otherLoopbackAddress(InetAddress remote) throws UnknownHostException {
        if (remote instanceof Inet6Address) {
            return InetAddress.getByName(remote.equals(InetAddress.getByName("::1")) ? "fd00::1" : "::1");
        }
        return InetAddress.getByName(remote.equals(InetAddress.getByName("127.0.0.1")) ? "127.0.0.2" : "127.0.0.1");
    }

    /** The source address the kernel would pick for {@code remote} (a UDP connect sends nothing). */
    private static InetAddress routeTo(InetAddress remote) throws SynackException {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(remote, 9);
            return probe.getLocalAddress();
        } catch (IOException e) {
            throw new SynackException("no route to " + remote.getHostAddress() + ": " + e.getMessage());
        }
    }
}
