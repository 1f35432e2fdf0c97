package io.synack.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.TcpState;
import io.synack.core.trace.TraceEntry.Note;
import io.synack.core.trace.TraceEntry.SegmentEntry;
import io.synack.core.trace.TraceEntry.StateEntry;
import io.synack.core.wire.Segment;
import io.synack.spi.DatagramFate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden-file tests of the ladder diagram: the seed's handshake and teardown, with a lost segment.
 * To regenerate after an intended change, run with {@code -Dsynack.golden.update=true} and review
 * the diff of {@code src/test/resources/golden}.
 */
class LadderDiagramTest {

    private static final long MS = 1_000_000;
    private static final int S = Segment.SYN;
    private static final int A = Segment.ACK;
    private static final int F = Segment.FIN;

    /** The seed's exchange: three-way handshake, a message each way, four-way close, TIME-WAIT. */
    static List<TraceEntry> seedExchange() {
        long x = 1000;
        long y = 5000;
        return List.of(
                new StateEntry(0, true, TcpState.SYN_SENT),
                new SegmentEntry(0, true, S, x, 0, 65535, 0, "mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7",
                        DatagramFate.SENT, ""),
                new StateEntry(1 * MS, false, TcpState.SYN_RECEIVED),
                new SegmentEntry(1 * MS, false, S | A, y, x + 1, 65535, 0, "", DatagramFate.SENT, ""),
                new StateEntry(2 * MS, true, TcpState.ESTABLISHED),
                new SegmentEntry(2 * MS, true, A, x + 1, y + 1, 512, 0, "", DatagramFate.SENT, ""),
                new StateEntry(3 * MS, false, TcpState.ESTABLISHED),
                new SegmentEntry(4 * MS, true, A | Segment.PSH, x + 1, y + 1, 512, 5, "", DatagramFate.SENT, ""),
                new SegmentEntry(5 * MS, false, A, y + 1, x + 6, 512, 0, "", DatagramFate.DROPPED, "loss"),
                new Note(6 * MS, "... 4096 segments of bulk data ..."),
                new StateEntry(7 * MS, true, TcpState.FIN_WAIT_1),
                new SegmentEntry(7 * MS, true, F | A, x + 6, y + 1, 512, 0, "", DatagramFate.SENT, ""),
                new StateEntry(8 * MS, false, TcpState.CLOSE_WAIT),
                new SegmentEntry(8 * MS, false, A, y + 1, x + 7, 512, 0, "", DatagramFate.SENT, ""),
                new StateEntry(9 * MS, true, TcpState.FIN_WAIT_2),
                new StateEntry(10 * MS, false, TcpState.LAST_ACK),
                new SegmentEntry(10 * MS, false, F | A, y + 1, x + 7, 512, 0, "", DatagramFate.SENT, ""),
                new StateEntry(11 * MS, true, TcpState.TIME_WAIT),
                new SegmentEntry(11 * MS, true, A, x + 7, y + 2, 512, 0, "", DatagramFate.SENT, ""),
                new StateEntry(12 * MS, false, TcpState.CLOSED),
                new StateEntry(60_011 * MS, true, TcpState.CLOSED));
    }

    /** A lost segment with the longest label (big relative numbers, a window and a length) still fits. */
    @Test
    void aLostSegmentWithALongLabelFitsBetweenTheLines() {
        long x = 1000;
        long y = 5000;
        for (boolean fromLeft : new boolean[] {true, false}) {
            List<TraceEntry> entries = List.of(
                    new SegmentEntry(0, fromLeft, A | Segment.PSH, (fromLeft ? x : y) + 3_999_999_000L,
                            (fromLeft ? y : x) + 3_999_999_000L, 65535, 1448, "", DatagramFate.DROPPED, "loss"));
            String rendered = new LadderDiagram(false, false).render("client 127.0.0.1:49152", "server 127.0.0.2:7",
                    entries);
            String arrow = rendered.lines().filter(l -> l.contains("X")).findFirst().orElseThrow();
            assertTrue(arrow.length() <= 80, arrow);
            assertTrue(arrow.contains("[P.] seq"), arrow);
        }
    }

    @Test
    void seedExchangeMatchesGoldenFile() throws IOException {
        String rendered = new LadderDiagram(false, false)
                .render("client 127.0.0.1:49152", "server 127.0.0.2:7", seedExchange());
        assertGolden("seed-exchange.txt", rendered);
    }

    @Test
    void absoluteSequenceNumbersMatchGoldenFile() throws IOException {
        String rendered = new LadderDiagram(false, true)
                .render("client", "server", seedExchange().subList(0, 6));
        assertGolden("seed-handshake-absolute.txt", rendered);
    }

    @Test
    void everyLineFitsEightyColumnsWithoutColour() {
        String rendered = new LadderDiagram(false, false)
                .render("client 127.0.0.1:49152", "server 127.0.0.2:7", seedExchange());
        for (String line : rendered.split("\n")) {
            assertTrue(line.length() <= 80, () -> "too wide (" + line.length() + "): " + line);
        }
    }

    @Test
    void colourIsAnsiOnlyWhenAsked() {
        String plain = new LadderDiagram(false, false).render("c", "s", seedExchange());
        String coloured = new LadderDiagram(true, false).render("c", "s", seedExchange());
        assertFalse(plain.contains("\u001b["));
        assertTrue(coloured.contains("\u001b[32m[S]"), "SYN is green");
        assertEquals(plain, coloured.replaceAll("\u001b\\[[0-9;]*m", ""), "colour changes nothing but colour");
    }

    @Test
    void lostSegmentEndsInACross() {
        String rendered = new LadderDiagram(false, false).render("c", "s", seedExchange());
        String lostLine = rendered.lines().filter(l -> l.contains("X--")).findFirst().orElseThrow();
        assertTrue(lostLine.contains("[.] seq 1 ack 6"), lostLine);
        assertFalse(lostLine.contains("|<"), "a lost segment never reaches the other side: " + lostLine);
    }

    static void assertGolden(String name, String actual) throws IOException {
        Path source = Path.of("src/test/resources/golden", name);
        if (Boolean.getBoolean("synack.golden.update")) {
            Files.writeString(source, actual, StandardCharsets.UTF_8);
        }
        try (InputStream in = LadderDiagramTest.class.getResourceAsStream("/golden/" + name)) {
            String expected = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(expected, actual, "golden file " + name + " differs (-Dsynack.golden.update=true rewrites it)");
        }
    }
}
