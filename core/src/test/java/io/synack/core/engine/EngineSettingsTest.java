package io.synack.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.InvalidConfigurationException;
import io.synack.spi.Setting;
import io.synack.spi.Settings;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EngineSettingsTest {

    private static Settings with(Map<Setting<?>, Object> values) {
        return new Settings() {
            @SuppressWarnings("unchecked")
            @Override
            public <T> T get(Setting<T> setting) {
                return values.containsKey(setting) ? (T) values.get(setting) : setting.defaultValue();
            }
        };
    }

    @Test
    void keysAreUniqueAndUnderSynackTcp() {
        Set<String> keys = new HashSet<>();
        for (Setting<?> s : EngineSettings.all()) {
            assertTrue(s.key().startsWith("synack.tcp."), s.key());
            assertTrue(keys.add(s.key()), "duplicate " + s.key());
        }
        assertEquals(31, keys.size());
    }

    @Test
    void defaultsAreLinuxAndRfcValues() {
        EngineConfig c = EngineConfig.defaults();
        assertEquals(Duration.ofSeconds(30).toNanos(), c.mslNanos());
        assertEquals(Duration.ofSeconds(1).toNanos(), c.rtoInitialNanos());
        assertEquals(Duration.ofMillis(200).toNanos(), c.rtoMinNanos());
        assertEquals(Duration.ofSeconds(120).toNanos(), c.rtoMaxNanos());
        assertTrue(c.synR2Nanos() >= Duration.ofMinutes(3).toNanos(), "MUST-23");
        assertTrue(c.r2Nanos() >= Duration.ofSeconds(100).toNanos(), "MUST-20");
        assertEquals(Duration.ofSeconds(60).toNanos(), c.finTimeoutNanos());
        assertFalse(c.rfc1337());
        assertEquals(1000, c.challengeAckLimit());
        assertEquals(1460, c.mss());
        // Linux: tcp_window_scaling, tcp_sack, tcp_timestamps all 1; delayed ACK TCP_DELACK_MIN 40 ms.
        assertTrue(c.windowScaling());
        assertTrue(c.sack());
        assertTrue(c.timestamps());
        assertTrue(c.delayedAck());
        assertEquals(Duration.ofMillis(40).toNanos(), c.delayedAckTimeoutNanos());
        assertEquals(256 * 1024, c.receiveBuffer());
    }

    @Test
    void delayedAckTimeoutStaysBelowHalfASecond() {
        // MUST-40 (RFC 9293 §3.8.6.3): "the delay MUST be less than 0.5 seconds".
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EngineSettings.DELAYED_ACK_TIMEOUT.parse("500ms"));
        assertTrue(e.getMessage().contains("499ms"), e.getMessage());
        assertEquals(Duration.ofMillis(200), EngineSettings.DELAYED_ACK_TIMEOUT.parse("200ms"));
    }

    @Test
    void parsesDurationsAndAllowsMslZero() {
        assertEquals(Duration.ZERO, EngineSettings.MSL.parse("0"));
        assertEquals(Duration.ofMillis(250), EngineSettings.RTO_MIN.parse("250ms"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EngineSettings.MSS.parse("10"));
        assertTrue(e.getMessage().contains("88"), e.getMessage());
        assertEquals("", EngineSettings.ISN_SECRET.parse(""));
        assertThrows(IllegalArgumentException.class, () -> EngineSettings.ISN_SECRET.parse("abc"));
        assertEquals("00112233445566778899aabbccddeeff", EngineSettings.ISN_SECRET.parse("00112233445566778899AABBCCDDEEFF"));
    }

    @Test
    void contradictoryValuesAreRejectedNamingBothKeys() {
        Map<Setting<?>, Object> v = new HashMap<>();
        v.put(EngineSettings.RTO_MIN, Duration.ofSeconds(5));
        v.put(EngineSettings.RTO_MAX, Duration.ofSeconds(1));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> EngineConfig.from(with(v)));
        assertTrue(e.getMessage().contains("synack.tcp.rto.min") && e.getMessage().contains("synack.tcp.rto.max"));
    }

    @Test
    void secretMakesIsnsReproducible() throws Exception {
        Map<Setting<?>, Object> v = new HashMap<>();
        v.put(EngineSettings.ISN_SECRET, "00112233445566778899aabbccddeeff");
        EngineConfig c = EngineConfig.from(with(v));
        TcpEngine a = TcpEngine.create(Fixture.LOCAL, c, 1L);
        TcpEngine b = TcpEngine.create(Fixture.LOCAL, c, 2L);
        var remote = new java.net.InetSocketAddress(Fixture.REMOTE, 80);
        a.connect(remote, 5000, 0);
        b.connect(remote, 5000, 0);
        io.synack.core.wire.Segment sa = new io.synack.core.wire.Segment();
        io.synack.core.wire.Segment sb = new io.synack.core.wire.Segment();
        a.pollTransmit(sa);
        b.pollTransmit(sb);
        assertEquals(sa.seq, sb.seq);
    }
}
