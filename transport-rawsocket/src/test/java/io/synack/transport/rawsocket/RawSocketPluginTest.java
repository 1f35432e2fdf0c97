package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.synack.spi.Setting;
import io.synack.spi.Settings;
import io.synack.spi.TransportFactory;
import io.synack.spi.TransportPlugin;
import jakarta.inject.Provider;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The plugin's discovery, Guice binding and settings. */
class RawSocketPluginTest {

    /** Settings that answer the declared defaults, with some overrides by key. */
    private static Settings settings(Map<String, Object> overrides) {
        return new Settings() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T get(Setting<T> setting) {
                if (!RawSocketSettings.ALL.contains(setting)) {
                    throw new IllegalArgumentException("never declared: " + setting.key());
                }
                return (T) overrides.getOrDefault(setting.key(), setting.defaultValue());
            }
        };
    }

    @Test
    void serviceLoaderFindsThePluginUnderItsName() {
        List<TransportPlugin> plugins = ServiceLoader.load(TransportPlugin.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("rawsocket")).toList();
        assertEquals(1, plugins.size());
        assertInstanceOf(RawSocketPlugin.class, plugins.get(0));
        assertInstanceOf(AbstractModule.class, plugins.get(0));
    }

    @Test
    void theModuleBindsOneFactoryUnderRawsocketThatReadsTheSettings() {
        Injector injector = Guice.createInjector(new RawSocketPlugin(), new AbstractModule() {
            @Override
            protected void configure() {
                bind(Settings.class).toInstance(settings(Map.of("synack.rawsocket.protocol", 6,
                        "synack.rawsocket.mark", 0x1234L)));
            }
        });
        Map<String, Provider<TransportFactory>> factories =
                injector.getInstance(Key.get(new TypeLiteral<Map<String, Provider<TransportFactory>>>() { }));
        assertEquals(List.of("rawsocket"), List.copyOf(factories.keySet()));
        RawSocketTransportFactory factory = (RawSocketTransportFactory) factories.get("rawsocket").get();
        assertEquals(6, factory.protocol());
        assertEquals(0x1234L, factory.mark());
        assertTrue(factory == factories.get("rawsocket").get(), "one factory per injector");
    }

    @Test
    void everySettingLivesUnderSynackRawsocket() {
        assertEquals(List.of("synack.rawsocket.protocol", "synack.rawsocket.mark", "synack.rawsocket.interface",
                "synack.rawsocket.buffer", "synack.rawsocket.trust-loopback-checksums"),
                new RawSocketPlugin().settings().stream().map(Setting::key).toList());
        assertEquals(253, RawSocketSettings.PROTOCOL.defaultValue());
        assertEquals(0x5359L, RawSocketSettings.MARK.defaultValue());
        assertEquals("", RawSocketSettings.INTERFACE.defaultValue());
        assertEquals(true, RawSocketSettings.TRUST_LOOPBACK_CHECKSUMS.defaultValue());
    }

    @Test
    void protocolReadsTcpOrANumber() {
        assertEquals(6, RawSocketSettings.PROTOCOL.parse("tcp"));
        assertEquals(6, RawSocketSettings.PROTOCOL.parse("TCP"));
        assertEquals(6, RawSocketSettings.PROTOCOL.parse("6"));
        assertEquals(253, RawSocketSettings.PROTOCOL.parse(" 253 "));
        assertEquals("tcp", RawSocketSettings.PROTOCOL.format(6));
        assertEquals("253", RawSocketSettings.PROTOCOL.format(253));
        for (int n = 1; n <= 254; n++) {
            assertEquals(n, RawSocketSettings.PROTOCOL.parse(RawSocketSettings.PROTOCOL.format(n)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "255", "256", "-1", "udp", "", "6.0"})
    void aBadProtocolSaysWhatIsAllowed(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RawSocketSettings.PROTOCOL.parse(text));
        assertEquals("must be 253, tcp, or an IP protocol number from 1 to 254 (255 is IPPROTO_RAW, a send-only "
                + "socket on Linux)", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 0x5359, 0x7fffffffL, 0xffffffffL})
    void markReadsDecimalAndHexAndFormatsBack(long mark) {
        assertEquals(mark, RawSocketSettings.MARK.parse(Long.toString(mark)));
        assertEquals(mark, RawSocketSettings.MARK.parse("0x" + Long.toHexString(mark)));
        assertEquals(mark, RawSocketSettings.MARK.parse("0X" + Long.toHexString(mark).toUpperCase()));
        assertEquals(mark, RawSocketSettings.MARK.parse(RawSocketSettings.MARK.format(mark)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "0x100000000", "4294967296", "mark", "0x", "0xg"})
    void aBadMarkSaysWhatIsAllowed(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RawSocketSettings.MARK.parse(text));
        assertEquals("must be a 32-bit mark, decimal or 0x-hexadecimal (e.g. 0x5359), or 0 for none", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "lo", "eth0", "veth-a.10", "abcdefghijklmno"})
    void aValidDeviceNameIsKept(String name) {
        assertEquals(name, RawSocketSettings.INTERFACE.parse(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abcdefghijklmnop", "a/b", "a:b", "a b", ".", "..", "é"})
    void anInvalidDeviceNameIsRefused(String name) {
        assertThrows(IllegalArgumentException.class, () -> RawSocketSettings.INTERFACE.parse(name));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomMarksRoundTrip(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 1000; i++) {
            long mark = random.nextLong() & 0xffffffffL;
            assertEquals(mark, RawSocketSettings.MARK.parse(RawSocketSettings.MARK.format(mark)));
        }
    }
}
