package io.synack.core.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import io.synack.api.TcpStack;
import io.synack.core.driver.DriverOptions;
import io.synack.core.driver.Simulation;
import io.synack.core.driver.WireSegmentCodec;
import io.synack.core.engine.EngineConfig;
import io.synack.core.engine.TcpEngine;
import io.synack.transport.loopback.LoopbackNetwork;
import io.synack.transport.loopback.LoopbackTransportFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole path: the real engine, the real codec and the loopback network in simulation, with a
 * {@link PcapWriter} as the stacks' recorder; tshark must dissect every segment as TCP with a good
 * checksum, find no malformed packet and no expert error, and see the handshake, the data and
 * both FINs in the order the engines sent them.
 */
class PcapOfSimulatedConnectionTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"198.18.0.1, 198.18.0.2", "fd00::1, fd00::2"})
    void aCapturedConnectionDissectsCleanly(String clientAddress, String serverAddress) throws Exception {
        Path tshark = Tshark.require();
        Path file = dir.resolve("connection.pcap");
        InetAddress serverIp = InetAddress.getByName(serverAddress);
        try (PcapWriter writer = new PcapWriter(file);
                Simulation sim = Simulation.create(20261124L, new LoopbackTransportFactory(new LoopbackNetwork()),
                        (address, seed) -> TcpEngine.create(address, EngineConfig.defaults(), new SplittableRandom(seed)),
                        WireSegmentCodec.INSTANCE)
                        .withOptions(DriverOptions.DEFAULT.withRecorder(writer))) {
            TcpStack client = sim.addStack(clientAddress);
            TcpStack server = sim.addStack(serverAddress);
            TcpListener listener = server.listen(80, 8);
            CompletionStage<TcpConnection> accepted = listener.acceptAsync();
            TcpConnection c = sim.await(client.connectAsync(new InetSocketAddress(serverIp, 80)), Duration.ofSeconds(5));
            TcpConnection s = sim.await(accepted, Duration.ofSeconds(5));
            c.write(ascii("GET / HTTP/1.0\r\n\r\n"));
            sim.await(s.whenReadable(), Duration.ofSeconds(5));
            assertEquals("GET / HTTP/1.0\r\n\r\n", read(s));
            s.write(ascii("HTTP/1.0 200 OK\r\n\r\nhello"));
            sim.await(c.whenReadable(), Duration.ofSeconds(5));
            assertEquals("HTTP/1.0 200 OK\r\n\r\nhello", read(c));
            c.close();
            sim.runFor(Duration.ofSeconds(1));
            s.close();
            sim.runFor(Duration.ofMinutes(3)); // through TIME-WAIT
            assertTrue(writer.packets() >= 8, "packets: " + writer.packets());
        }

        List<String> lines = Tshark.run(tshark, "-r", file.toString(),
                "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
                "-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,",
                "-e", "tcp.srcport", "-e", "tcp.flags", "-e", "tcp.len", "-e", "tcp.checksum.status",
                "-e", "ip.checksum.status", "-e", "_ws.malformed", "-e", "_ws.expert.severity",
                "-e", "_ws.expert.message");
        List<String> flagsByPort = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split("\\|", -1);
            assertEquals("1", f[3], "TCP checksum must be Good: " + line);
            assertTrue(f[4].isEmpty() || f[4].equals("1"), "IP header checksum must be Good: " + line);
            assertEquals("", f[5], "malformed: " + line);
            for (String severity : f[6].split(",")) {
                assertTrue(severity.isEmpty() || Integer.decode(severity) < 0x0080_0000, "expert error: " + line);
            }
            flagsByPort.add((f[0].equals("80") ? "server " : "client ") + f[1] + (f[2].equals("0") ? "" : " data"));
        }
        String all = String.join("\n", lines);
        // The handshake opens the capture (RFC 9293 §3.5 Figure 6), and each side sends one FIN.
        assertEquals(List.of("client 0x0002", "server 0x0012", "client 0x0010"), flagsByPort.subList(0, 3), all);
        assertEquals(1, flagsByPort.stream().filter(f -> f.startsWith("client") && (Integer.decode(f.split(" ")[1]) & 1) != 0).count(), all);
        assertEquals(1, flagsByPort.stream().filter(f -> f.startsWith("server") && (Integer.decode(f.split(" ")[1]) & 1) != 0).count(), all);
        assertTrue(flagsByPort.contains("client 0x0018 data") || flagsByPort.contains("client 0x0010 data"), all);
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String read(TcpConnection connection) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(256);
        connection.read(buffer);
        buffer.flip();
        return StandardCharsets.US_ASCII.decode(buffer).toString();
    }
}
