package io.synack.transport.loopback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.AddressInUseException;
import io.synack.spi.DatagramFate;
import io.synack.spi.Transport;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What is specific to the loopback network, beyond the transport contract. */
class LoopbackNetworkTest {

    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final InetAddress a = ip("10.0.0.1");
    private final InetAddress b = ip("10.0.0.2");

    @Test
    void twoNetworksAreIsolatedEvenAtTheSameAddresses() throws Exception {
        LoopbackNetwork first = new LoopbackNetwork();
        LoopbackNetwork second = new LoopbackNetwork();
        List<String> atFirst = new ArrayList<>();
        List<String> atSecond = new ArrayList<>();
        Transport firstA = first.attach(a, (s, d, seg) -> { }, scheduler);
        first.attach(b, (s, d, seg) -> atFirst.add(text(seg)), scheduler);
        Transport secondA = second.attach(a, (s, d, seg) -> { }, scheduler);
        second.attach(b, (s, d, seg) -> atSecond.add(text(seg)), scheduler);

        firstA.send(b, bytes("one"));
        secondA.send(b, bytes("two"));
        scheduler.runAll();

        assertEquals(List.of("one"), atFirst);
        assertEquals(List.of("two"), atSecond);
    }

    @Test
    void aDatagramToAnAddressNobodyHoldsIsDroppedAsNoRoute() throws Exception {
        LoopbackNetwork network = new LoopbackNetwork();
        RecordedFates fates = new RecordedFates();
        network.recorder(fates);
        Transport ta = network.attach(a, (s, d, seg) -> { }, scheduler);

        ta.send(b, bytes("lost"));
        scheduler.runAll();

        assertEquals(List.of(DatagramFate.SENT, DatagramFate.DROPPED), fates.entries.stream().map(RecordedFates.Entry::fate).toList());
        RecordedFates.Entry drop = fates.entries.get(1);
        assertEquals("no-route", drop.detail());
        assertEquals(a, drop.source());
        assertEquals(b, drop.destination());
        assertArrayEquals("lost".getBytes(), drop.bytes());
    }

    @Test
    void theRecorderSeesSentThenDeliveredWithTheSchedulersTime() throws Exception {
        LoopbackNetwork network = new LoopbackNetwork();
        RecordedFates fates = new RecordedFates();
        network.recorder(fates);
        Transport ta = network.attach(a, (s, d, seg) -> { }, scheduler);
        network.attach(b, (s, d, seg) -> { }, scheduler);
        scheduler.runUntil(5_000);

        ta.send(b, bytes("hi"));
        scheduler.runAll();

        assertEquals(List.of("5000 10.0.0.1>10.0.0.2 2B SENT", "5000 10.0.0.1>10.0.0.2 2B DELIVERED"), fates.lines());
    }

    @Test
    void attachingTwiceToOneAddressIsAddressInUseUntilTheFirstCloses() throws Exception {
        LoopbackNetwork network = new LoopbackNetwork();
        Transport first = network.attach(a, (s, d, seg) -> { }, scheduler);
        AddressInUseException e = assertThrows(AddressInUseException.class,
                () -> network.attach(a, (s, d, seg) -> { }, scheduler));
        assertTrue(e.getMessage().contains("10.0.0.1"), e.getMessage());
        first.close();
        assertFalse(network.isAttached(a));
        network.attach(a, (s, d, seg) -> { }, scheduler).close();
    }

    @Test
    void aDatagramInFlightToAnEndpointThatClosesIsDroppedAndRecorded() throws Exception {
        LoopbackNetwork network = new LoopbackNetwork();
        RecordedFates fates = new RecordedFates();
        network.recorder(fates);
        List<String> received = new ArrayList<>();
        Transport ta = network.attach(a, (s, d, seg) -> { }, scheduler);
        Transport tb = network.attach(b, (s, d, seg) -> received.add(text(seg)), scheduler);

        ta.send(b, bytes("late"));
        tb.close();
        scheduler.runAll();

        assertEquals(List.of(), received);
        assertEquals(1, fates.count(DatagramFate.DROPPED, "endpoint-closed"));
    }

    @Test
    void datagramsBetweenOnePairArriveInTheOrderSentOnTheReceiversScheduler() throws Exception {
        LoopbackNetwork network = new LoopbackNetwork();
        VirtualScheduler other = new VirtualScheduler();
        List<String> received = new ArrayList<>();
        Transport ta = network.attach(a, (s, d, seg) -> { }, scheduler);
        network.attach(b, (s, d, seg) -> received.add(text(seg)), other);

        for (int i = 0; i < 5; i++) {
            ta.send(b, bytes("m" + i));
        }
        scheduler.runAll();
        assertEquals(List.of(), received, "delivery runs on the receiving stack's scheduler, not the sender's");
        other.runAll();
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), received);
    }

    @Test
    void segmentLimitsAreTheIpMaximumsOrTheConfiguredOnes() throws Exception {
        LoopbackNetwork network = new LoopbackNetwork();
        assertEquals(65_515, network.attach(a, (s, d, seg) -> { }, scheduler).maxSegmentSize());
        assertEquals(65_535, network.attach(ip("fd00::1"), (s, d, seg) -> { }, scheduler).maxSegmentSize());
        LoopbackNetwork ethernet = new LoopbackNetwork(1460, 1440);
        assertEquals(1460, ethernet.attach(a, (s, d, seg) -> { }, scheduler).maxSegmentSize());
        assertEquals(1440, ethernet.attach(ip("fd00::1"), (s, d, seg) -> { }, scheduler).maxSegmentSize());
        assertThrows(IllegalArgumentException.class, () -> new LoopbackNetwork(555, 1440));
        assertThrows(IllegalArgumentException.class, () -> new LoopbackNetwork(1460, 65_536));
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    static String text(ByteBuffer segment) {
        byte[] b = new byte[segment.remaining()];
        segment.get(b);
        return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
