package io.synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.synack.core.capture.PcapWriter;
import io.synack.core.wire.Segment;
import io.synack.core.wire.TcpCodec;
import io.synack.spi.DatagramFate;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code synack trace}: captures written here segment by segment (so every row and every inferred
 * state is known in advance), a capture written by {@code synack demo --pcap}, and every usage error.
 */
@QuarkusMainTest
class TraceCommandTest {

    private static final InetAddress CLIENT = address("10.0.0.1");
    private static final InetAddress SERVER = address("10.0.0.2");
    private static final int A = Segment.ACK;
    private static final int F = Segment.FIN;
    private static final int S = Segment.SYN;
    private static final int P = Segment.PSH;
    private static final int R = Segment.RST;

    @TempDir
    Path dir;

    /** One segment of a scripted capture: time in microseconds, direction, header fields, payload. */
    private record Seg(long micros, boolean fromClient, int clientPort, int flags, int seq, int ack, String data) {}

    private static Seg c(long micros, int flags, int seq, int ack, String data) {
        return new Seg(micros, true, 40000, flags, seq, ack, data);
    }

    private static Seg s(long micros, int flags, int seq, int ack, String data) {
        return new Seg(micros, false, 40000, flags, seq, ack, data);
    }

    private Path capture(String name, List<Seg> segments) throws IOException {
        Path file = dir.resolve(name);
        try (PcapWriter pcap = new PcapWriter(file)) {
            ByteBuffer out = ByteBuffer.allocate(2048);
            for (Seg g : segments) {
                Segment seg = new Segment();
                seg.sourcePort = g.fromClient() ? g.clientPort() : 80;
                seg.destinationPort = g.fromClient() ? 80 : g.clientPort();
                seg.flags = g.flags();
                seg.seq = g.seq();
                seg.ack = g.ack();
                seg.window = 64000;
                if ((g.flags() & S) != 0) {
                    seg.mss = 1460;
                }
                seg.payload = ByteBuffer.wrap(g.data().getBytes(StandardCharsets.US_ASCII));
                InetAddress src = g.fromClient() ? CLIENT : SERVER;
                InetAddress dst = g.fromClient() ? SERVER : CLIENT;
                out.clear();
                int n = TcpCodec.encode(seg, src, dst, out);
                pcap.record(g.micros() * 1000, src, dst, ByteBuffer.wrap(out.array(), 0, n), DatagramFate.SENT, "");
            }
        }
        return file;
    }

    /**
     * Every arrow row of the diagram as "LEFT-STATE [flags] RIGHT-STATE" (states blank when none),
     * and every row with only a state as "left: STATE" or "right: STATE", independent of column
     * widths.
     */
    private static List<String> rows(String diagram) {
        List<String> rows = new ArrayList<>();
        for (String line : diagram.split("\n")) {
            int first = line.indexOf('|');
            int last = line.lastIndexOf('|');
            if (first < 0 && line.matches(" *[0-9]+\\.[0-9]+ +[A-Z][A-Z-]+ *")) {
                String state = line.trim().replaceFirst("^[0-9.]+ +", "");
                rows.add((line.indexOf(state) < 30 ? "left: " : "right: ") + state);
                continue;
            }
            if (first < 0 || last == first) {
                continue;
            }
            String leftState = line.substring(0, first).trim().replaceFirst("^[0-9.]+ *", "");
            String arrow = line.substring(first, last + 1);
            String flags = arrow.substring(arrow.indexOf('['), arrow.indexOf(']') + 1);
            String direction = arrow.startsWith("|<") ? "<-" : "->";
            String rightState = line.substring(last + 1).trim();
            rows.add((leftState + " " + direction + flags + " " + rightState).trim());
        }
        return rows;
    }

    @Test
    void anOrderlyExchangeIsDrawnWithTheStatesOfRfc9293Figure5(QuarkusMainLauncher launcher) throws IOException {
        Path file = capture("orderly.pcap", List.of(
                c(0, S, 1000, 0, ""),
                s(1000, S | A, 5000, 1001, ""),
                c(2000, A, 1001, 5001, ""),
                c(3000, P | A, 1001, 5001, "hello"),
                s(4000, A, 5001, 1006, ""),
                c(5000, F | A, 1006, 5001, ""),
                s(6000, A, 5001, 1007, ""),
                s(6500, F | A, 5001, 1007, ""),
                c(7000, A, 1007, 5002, "")));
        LaunchResult result = launcher.launch("trace", file.toString(), "--no-color");
        assertEquals(0, result.exitCode(), result.getErrorOutput());
        String out = result.getOutput();
        assertTrue(out.contains("connection 0 of 1, 9 segments"), out);
        assertTrue(out.contains("10.0.0.1:40000") && out.contains("10.0.0.2:80"), out);
        assertEquals(List.of(
                "SYN-SENT ->[S] LISTEN",
                "ESTABLISHED <-[S.] SYN-RECEIVED",
                "->[.] ESTABLISHED",
                "->[P.]",
                "<-[.]",
                "FIN-WAIT-1 ->[F.]",
                "FIN-WAIT-2 <-[.] CLOSE-WAIT",
                "<-[F.] LAST-ACK",
                "TIME-WAIT ->[.] CLOSED"), rows(out), out);
        // Relative sequence numbers by default, the data segment's length, the SYN's option.
        assertTrue(out.contains("seq 1 ack 1") && out.contains("len 5") && out.contains("mss 1460"), out);
        assertTrue(!out.contains("\u001b["), "--no-color: no ANSI escapes");
    }

    @Test
    void absolutePrintsTheRawSequenceNumbers(QuarkusMainLauncher launcher) throws IOException {
        Path file = capture("abs.pcap", List.of(c(0, S, 1000, 0, ""), s(1000, S | A, 5000, 1001, "")));
        LaunchResult result = launcher.launch("trace", file.toString(), "--absolute", "--no-color");
        assertEquals(0, result.exitCode(), result.getErrorOutput());
        assertTrue(result.getOutput().contains("seq 5000 ack 1001"), result.getOutput());
    }

    @Test
    void aSimultaneousCloseIsInferredAsClosingOnBothSidesNotCloseWait(QuarkusMainLauncher launcher) throws IOException {
        // Each FIN leaves before the other arrives (its ACK field does not cover the other FIN),
        // although the capture lists the client's first: RFC 9293 Figure 13.
        Path file = capture("simultaneous.pcap", List.of(
                c(0, S, 1000, 0, ""),
                s(1000, S | A, 5000, 1001, ""),
                c(2000, A, 1001, 5001, ""),
                c(5000, F | A, 1001, 5001, ""),
                s(5100, F | A, 5001, 1001, ""),
                s(6000, A, 5002, 1002, ""),
                c(6100, A, 1002, 5002, "")));
        LaunchResult result = launcher.launch("trace", file.toString(), "--no-color");
        assertEquals(0, result.exitCode(), result.getErrorOutput());
        assertEquals(List.of(
                "SYN-SENT ->[S] LISTEN",
                "ESTABLISHED <-[S.] SYN-RECEIVED",
                "->[.] ESTABLISHED",
                "FIN-WAIT-1 ->[F.]",
                "<-[F.] FIN-WAIT-1",
                "CLOSING <-[.] CLOSING",
                "left: TIME-WAIT",
                "->[.] TIME-WAIT"), rows(result.getOutput()), result.getOutput());
    }

    @Test
    void aRefusedConnectionEndsInClosedAndStreamAndPortChooseTheConnection(QuarkusMainLauncher launcher)
            throws IOException {
        Path file = capture("two.pcap", List.of(
                c(0, S, 1000, 0, ""),
                new Seg(500, true, 40001, S, 7000, 0, ""),
                new Seg(800, false, 40001, R | A, 0, 7001, ""),
                s(1000, S | A, 5000, 1001, "")));
        LaunchResult second = launcher.launch("trace", file.toString(), "--stream", "1", "--no-color");
        assertEquals(0, second.exitCode(), second.getErrorOutput());
        assertTrue(second.getOutput().contains("10.0.0.1:40001"), second.getOutput());
        assertEquals(List.of("SYN-SENT ->[S] LISTEN", "CLOSED <-[R.] CLOSED"), rows(second.getOutput()),
                second.getOutput());

        LaunchResult byPort = launcher.launch("trace", file.toString(), "--port", "40001", "--no-color");
        assertEquals(0, byPort.exitCode(), byPort.getErrorOutput());
        assertEquals(rows(second.getOutput()), rows(byPort.getOutput()));

        LaunchResult first = launcher.launch("trace", file.toString(), "--no-color");
        assertEquals(List.of("SYN-SENT ->[S] LISTEN", "ESTABLISHED <-[S.] SYN-RECEIVED"), rows(first.getOutput()),
                first.getOutput());
    }

    @Test
    void aCaptureWrittenByDemoIsDrawnWithTheClientOnTheLeft(QuarkusMainLauncher launcher) {
        Path file = dir.resolve("demo.pcap");
        LaunchResult demo = launcher.launch("demo", "--seed", "7", "--pcap", file.toString(), "--no-color");
        assertEquals(0, demo.exitCode(), demo.getErrorOutput());
        LaunchResult result = launcher.launch("trace", file.toString(), "--no-color");
        assertEquals(0, result.exitCode(), result.getErrorOutput());
        List<String> rows = rows(result.getOutput());
        assertEquals("SYN-SENT ->[S] LISTEN", rows.get(0), result.getOutput());
        assertEquals("ESTABLISHED <-[S.] SYN-RECEIVED", rows.get(1), result.getOutput());
        assertTrue(rows.get(rows.size() - 1).matches("TIME-WAIT ->\\[\\.] CLOSED"), result.getOutput());
        assertTrue(result.getOutput().contains("127.0.0.1:") && result.getOutput().contains("127.0.0.2:7"),
                result.getOutput());
    }

    @Test
    void aMissingFileExits2(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("trace", dir.resolve("nope.pcap").toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.getErrorOutput().contains("no such file"), result.getErrorOutput());
        assertTrue(result.getErrorOutput().contains("Hint:"), result.getErrorOutput());
    }

    @Test
    void aFileThatIsNotPcapExits2WithTheReason(QuarkusMainLauncher launcher) throws IOException {
        Path text = dir.resolve("notes.pcap");
        Files.writeString(text, "these are not the packets you are looking for\n");
        LaunchResult result = launcher.launch("trace", text.toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.getErrorOutput().contains("is not a readable pcap capture"), result.getErrorOutput());
    }

    @Test
    void aPcapngFileExits2SayingSo(QuarkusMainLauncher launcher) throws IOException {
        Path ng = dir.resolve("capture.pcapng");
        Files.write(ng, new byte[] {0x0A, 0x0D, 0x0D, 0x0A, 28, 0, 0, 0, 0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 0, 0,
                -1, -1, -1, -1, -1, -1, -1, -1, 28, 0, 0, 0});
        LaunchResult result = launcher.launch("trace", ng.toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.getErrorOutput().toLowerCase().contains("pcapng"), result.getErrorOutput());
    }

    @Test
    void aCaptureCutInsideARecordExits2(QuarkusMainLauncher launcher) throws IOException {
        Path whole = capture("whole.pcap", List.of(c(0, S, 1000, 0, ""), s(1000, S | A, 5000, 1001, "")));
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 10));
        LaunchResult result = launcher.launch("trace", cut.toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.getErrorOutput().contains("ends inside record 2"), result.getErrorOutput());
    }

    @Test
    void aStreamThatIsNotThereExits2(QuarkusMainLauncher launcher) throws IOException {
        Path file = capture("one.pcap", List.of(c(0, S, 1000, 0, "")));
        LaunchResult result = launcher.launch("trace", file.toString(), "--stream", "3");
        assertEquals(2, result.exitCode());
        assertTrue(result.getErrorOutput().contains("has no TCP connection number 3"), result.getErrorOutput());
    }

    @Test
    void usageErrorsExit2(QuarkusMainLauncher launcher) {
        assertEquals(2, launcher.launch("trace").exitCode(), "FILE missing");
        assertEquals(2, launcher.launch("trace", "x.pcap", "--stream", "many").exitCode(), "not a number");
        assertEquals(2, launcher.launch("trace", "x.pcap", "--bogus").exitCode(), "unknown option");
        assertEquals(2, launcher.launch("connect", "127.0.0.2").exitCode(), "PORT missing");
        assertEquals(2, launcher.launch("connect", "127.0.0.2", "0").exitCode(), "port out of range");
        assertEquals(2, launcher.launch("connect", "no-such-host.invalid", "7").exitCode(), "unresolvable host");
        assertEquals(2, launcher.launch("listen", "--port", "70000", "--transport", "rawsocket").exitCode(),
                "port out of range");
        LaunchResult loopbackListen = launcher.launch("listen");
        assertEquals(2, loopbackListen.exitCode());
        assertTrue(loopbackListen.getErrorOutput().contains("Hint:"), loopbackListen.getErrorOutput());
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
