package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a user without {@code CAP_NET_RAW}, or not on Linux, is told: checked in a child JVM that
 * really lacks the capability ({@code capsh --drop=cap_net_raw}), and in one that believes it runs
 * on macOS. A child with the capability is the control that shows the check can tell.
 */
class RawSocketAvailabilityTest {

    private static final String JAVA = RawSocketAvailability.javaBinary();

    @Test
    void withoutCapNetRawTheTransportIsUnavailableAndSaysExactlyWhatToDo() throws Exception {
        Prerequisites.requireNamespaces();
        Prerequisites.requireCommand("capsh", "libcap2-bin");
        String expectedCause = "opening a raw IP socket needs the CAP_NET_RAW capability, which this process does "
                + "not have. Run synack as root, or grant the capability to the Java binary once with `sudo setcap "
                + "cap_net_raw+ep " + JAVA + "` (or `sudo setcap cap_net_raw+ep $(readlink -f $(which java))`), "
                + "or choose the in-memory transport with synack.transport=loopback";
        Output out = child(List.of(Prerequisites.onPath("capsh").toString(), "--drop=cap_net_raw", "--", "-c",
                "exec \"$@\"", "bash"), List.of());
        assertEquals(List.of("available=false", "cause=" + expectedCause,
                "open=TransportUnavailableException: transport 'rawsocket' is not available here: " + expectedCause),
                out.stdout, "stderr: " + out.stderr);
        assertEquals("", out.stderr, "nothing on stderr, no stack trace");
    }

    @Test
    void withCapNetRawTheSameChildFindsTheTransportAvailable() throws Exception {
        Prerequisites.requireNamespaces();
        Output out = child(List.of(), List.of());
        assertEquals(List.of("available=true", "cause="), out.stdout, "stderr: " + out.stderr);
    }

    @Test
    void onAnotherOperatingSystemTheTransportIsUnavailableAndPointsToLoopback() throws Exception {
        Output out = child(List.of(), List.of("-Dos.name=Mac OS X"));
        String cause = "raw IP sockets are implemented for Linux only, and this is Mac OS X; choose the in-memory "
                + "transport with synack.transport=loopback";
        assertEquals(List.of("available=false", "cause=" + cause,
                "open=TransportUnavailableException: transport 'rawsocket' is not available here: " + cause),
                out.stdout, "stderr: " + out.stderr);
        assertEquals("", out.stderr);
    }

    @Test
    void theAdviceNamesTheRealJavaBinary() {
        assertTrue(Path.of(JAVA).isAbsolute(), JAVA);
        assertTrue(RawSocketAvailability.noPermission().contains("setcap cap_net_raw+ep " + JAVA + "`"));
        assertFalse(RawSocketAvailability.noPermission().contains("\n"), "one line");
    }

    private record Output(List<String> stdout, String stderr) {}

    private static Output child(List<String> wrapper, List<String> jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(wrapper);
        command.add(JAVA);
        command.addAll(jvmOptions);
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(PrintAvailability.class.getName());
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        byte[] stdout = p.getInputStream().readAllBytes();
        byte[] stderr = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        assertEquals(0, p.exitValue(), "child exit; stderr: " + new String(stderr, StandardCharsets.UTF_8));
        return new Output(new String(stdout, StandardCharsets.UTF_8).lines().toList(),
                new String(stderr, StandardCharsets.UTF_8));
    }
}
