package io.synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

@QuarkusMainTest
class ExplainCommandTest {

    @Test
    void timeWaitShowsTheCorruptionOnlyWithoutTheMechanism(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("explain", "time-wait", "--no-color");
        assertEquals(0, result.exitCode(), result.getOutput() + result.getErrorOutput());
        String out = result.getOutput();
        // Measured from the runs, not printed regardless:
        assertTrue(out.contains("== with TIME-WAIT (MSL 30s) =="), out);
        assertTrue(out.contains("the new connection read: \"NEW DATA\"; reconnecting from port 40000 was refused "
                + "(address in use) 60 times"), out);
        assertTrue(out.contains("the new connection read: \"OLD DATA\"; reconnecting from port 40000 was refused "
                + "(address in use) 0 times"), out);
        assertTrue(out.contains("Verdict: without TIME-WAIT the new connection delivered the old connection's bytes"), out);
        assertTrue(out.contains("TIME-WAIT"), out);
    }

    @Test
    void threeWayShowsAStaleSynOpeningAConnectionOnlyWithTwoSegments(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("explain", "three-way", "--no-color");
        assertEquals(0, result.exitCode(), result.getOutput() + result.getErrorOutput());
        String out = result.getOutput();
        assertTrue(out.contains("connections the server application accepted: 0; the server holds no connection"), out);
        assertTrue(out.contains("connections the server application accepted: 1; the application got a connection"), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("[R] seq 1") && l.contains("|--")), "the client answers RST: " + out);
        assertTrue(out.contains("Verdict: with two segments the server application accepted a connection no client"), out);
    }

    @Test
    void fourWayShowsTheResponseCutOffWithoutHalfClose(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("explain", "four-way", "--no-color");
        assertEquals(0, result.exitCode(), result.getOutput() + result.getErrorOutput());
        String out = result.getOutput();
        assertTrue(out.contains("the client received 65536 response bytes; the server: sent its whole response"), out);
        assertTrue(out.contains("the client received 0 response bytes; the server: could not send its response"), out);
        assertTrue(out.contains("Verdict: closing the whole connection on the first FIN cut the server's response off"), out);
    }

    @Test
    void lostAckShowsTheServerResetOnlyWithoutTimeWait(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("explain", "lost-ack", "--no-color");
        assertEquals(0, result.exitCode(), result.getOutput() + result.getErrorOutput());
        String out = result.getOutput();
        // Measured from the two runs: the FIN came again both times; only TIME-WAIT answered it with an ACK.
        assertTrue(out.contains("the server retransmitted its FIN 1 time(s); the server application's close ended "
                + "GRACEFUL, the client's GRACEFUL"), out);
        assertTrue(out.contains("the server retransmitted its FIN 1 time(s); the server application's close ended "
                + "RESET, the client's GRACEFUL"), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("[R] seq 2") && l.contains("|--")), "the client answers RST: " + out);
        assertTrue(out.contains("Verdict: without TIME-WAIT the server's retransmitted FIN reached a connection"), out);
    }

    @Test
    void chineseExplanations(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("explain", "time-wait", "--lang", "zh", "--no-color");
        assertEquals(0, result.exitCode());
        assertTrue(result.getOutput().contains("为什么 TIME-WAIT 要等 2MSL"), result.getOutput());
        assertTrue(result.getOutput().contains("结论"), result.getOutput());
    }

    @Test
    void unknownTopicIsAUsageError(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("explain", "five-way");
        assertEquals(2, result.exitCode());
        assertTrue(result.getErrorOutput().contains("'five-way' is not a topic"), result.getErrorOutput());
    }

    @Test
    void unknownLanguageIsAUsageError(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("explain", "time-wait", "--lang", "fr");
        assertEquals(2, result.exitCode());
        assertTrue(result.getErrorOutput().contains("expected en or zh"), result.getErrorOutput());
    }
}
