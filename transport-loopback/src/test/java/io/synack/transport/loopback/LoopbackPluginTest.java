package io.synack.transport.loopback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.TypeLiteral;
import io.synack.spi.DatagramFate;
import io.synack.spi.Setting;
import io.synack.spi.Settings;
import io.synack.spi.Transport;
import io.synack.spi.TransportContext;
import io.synack.spi.TransportFactory;
import io.synack.spi.TransportPlugin;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The plugin: discovery, Guice wiring, one network per injector, and faults from settings. */
class LoopbackPluginTest {

    /** Settings as the composition root provides them: declared keys only, text values parsed. */
    private static final class MapSettings implements Settings {
        private final Map<String, String> values;

        MapSettings(Map<String, String> values) {
            this.values = values;
        }

        @Override
        public <T> T get(Setting<T> setting) {
            if (!LoopbackSettings.ALL.contains(setting)) {
                throw new IllegalArgumentException("undeclared " + setting.key());
            }
            String text = values.get(setting.key());
            return text == null ? setting.defaultValue() : setting.parse(text);
        }
    }

    private static Injector injector(Map<String, String> settings) {
        Module settingsModule = new AbstractModule() {
            @Override
            protected void configure() {
                bind(Settings.class).toInstance(new MapSettings(settings));
            }
        };
        return Guice.createInjector(new LoopbackPlugin(), settingsModule);
    }

    private static TransportFactory loopback(Injector injector) {
        return injector.getInstance(Key.get(new TypeLiteral<Map<String, TransportFactory>>() { })).get("loopback");
    }

    @Test
    void serviceLoaderFindsThePluginUnderItsName() {
        List<TransportPlugin> plugins = ServiceLoader.load(TransportPlugin.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        List<TransportPlugin> loopback = plugins.stream().filter(p -> p.name().equals("loopback")).toList();
        assertEquals(1, loopback.size());
        assertInstanceOf(LoopbackPlugin.class, loopback.get(0));
        assertInstanceOf(com.google.inject.Module.class, loopback.get(0));
    }

    @Test
    void everySettingLivesUnderItsNamespaceAndItsDefaultReadsBack() {
        for (Setting<?> s : new LoopbackPlugin().settings()) {
            assertTrue(s.key().startsWith("synack.loopback."), s.key());
            roundTrip(s);
        }
    }

    private static <T> void roundTrip(Setting<T> s) {
        assertEquals(s.format(s.defaultValue()), s.format(s.parse(s.format(s.defaultValue()))), s.key());
    }

    @Test
    void oneInjectorSharesOneNetworkAndFactoryAndTwoInjectorsDoNot() {
        Injector first = injector(Map.of());
        Injector second = injector(Map.of());
        LoopbackTransportFactory factory = (LoopbackTransportFactory) loopback(first);
        assertSame(factory, loopback(first));
        assertSame(first.getInstance(LoopbackNetwork.class), factory.network());
        assertNotSame(first.getInstance(LoopbackNetwork.class), second.getInstance(LoopbackNetwork.class));
        assertEquals(FaultModel.NONE, factory.faultModel());
    }

    @Test
    void installingThePluginTwiceBindsOnce() {
        Guice.createInjector(new LoopbackPlugin(), new LoopbackPlugin(), binder ->
                binder.bind(Settings.class).toInstance(new MapSettings(Map.of())));
    }

    @Test
    void theSettingsBecomeTheFactorysFaultModel() throws Exception {
        Map<String, String> values = new HashMap<>();
        values.put("synack.loopback.loss", "0.25");
        values.put("synack.loopback.delay", "5ms..800ms");
        values.put("synack.loopback.partition", "1s..2s+3s..4s");
        values.put("synack.loopback.faults", "dup=0.05; 10.0.0.2>*:drop=1");
        values.put("synack.loopback.seed", "99");
        LoopbackTransportFactory factory = (LoopbackTransportFactory) loopback(injector(values));
        assertEquals("loss=0.25,dup=0.05,delay=5ms..800ms,partition=1s..2s,partition=3s..4s; "
                + "10.0.0.2>*:drop=1",
                factory.faultModel().toString());
        assertTrue(factory.toString().contains("seed 99"));
    }

    @Test
    void faultsFromSettingsActOnTheNetworkAndReachItsRecorder() throws Exception {
        Injector injector = injector(Map.of("synack.loopback.loss", "1"));
        RecordedFates fates = new RecordedFates();
        injector.getInstance(LoopbackNetwork.class).recorder(fates);
        VirtualScheduler scheduler = new VirtualScheduler();
        TransportFactory factory = loopback(injector);
        Transport a = factory.open(new TransportContext(LoopbackNetworkTest.ip("10.0.0.1"), (s, d, seg) -> { }, scheduler));
        factory.open(new TransportContext(LoopbackNetworkTest.ip("10.0.0.2"),
                (s, d, seg) -> { throw new AssertionError("loss=1 delivers nothing"); }, scheduler));
        a.send(LoopbackNetworkTest.ip("10.0.0.2"), LoopbackNetworkTest.bytes("gone"));
        scheduler.runAll();
        assertEquals(1, fates.count(DatagramFate.DROPPED, "loss"));
    }

    @Test
    void settingsConfigureEachDirectionApart() throws Exception {
        // synack.loopback.loss applies to every path; the faults key's path sections override one
        // direction: 10.0.0.1 -> 10.0.0.2 loses everything, the way back only its 2nd datagram.
        Injector injector = injector(Map.of("synack.loopback.loss", "0",
                "synack.loopback.faults", "10.0.0.1>10.0.0.2:loss=1; 10.0.0.2>10.0.0.1:drop=2"));
        RecordedFates fates = new RecordedFates();
        injector.getInstance(LoopbackNetwork.class).recorder(fates);
        VirtualScheduler scheduler = new VirtualScheduler();
        TransportFactory factory = loopback(injector);
        List<String> atA = new java.util.ArrayList<>();
        List<String> atB = new java.util.ArrayList<>();
        Transport a = factory.open(new TransportContext(LoopbackNetworkTest.ip("10.0.0.1"),
                (s, d, seg) -> atA.add(java.nio.charset.StandardCharsets.US_ASCII.decode(seg).toString()), scheduler));
        Transport b = factory.open(new TransportContext(LoopbackNetworkTest.ip("10.0.0.2"),
                (s, d, seg) -> atB.add(java.nio.charset.StandardCharsets.US_ASCII.decode(seg).toString()), scheduler));
        for (int i = 1; i <= 3; i++) {
            a.send(LoopbackNetworkTest.ip("10.0.0.2"), LoopbackNetworkTest.bytes("a" + i));
            b.send(LoopbackNetworkTest.ip("10.0.0.1"), LoopbackNetworkTest.bytes("b" + i));
        }
        scheduler.runAll();
        assertEquals(List.of(), atB, "10.0.0.1 -> 10.0.0.2 loses every datagram");
        assertEquals(List.of("b1", "b3"), atA, "10.0.0.2 -> 10.0.0.1 drops only its 2nd");
        assertEquals(3, fates.count(DatagramFate.DROPPED, "loss"));
        assertEquals(1, fates.count(DatagramFate.DROPPED, "script: drop=2"));
    }

    @Test
    void aBadSettingIsRejectedWithWhatIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoopbackSettings.FAULTS.parse("loss=2"));
        assertTrue(e.getMessage().startsWith("must be fault items such as"), e.getMessage());
        assertTrue(e.getCause().getMessage().contains("loss=2"), e.getCause().getMessage());
        assertThrows(IllegalArgumentException.class, () -> LoopbackSettings.MTU.parse("20"));
        assertThrows(IllegalArgumentException.class, () -> LoopbackSettings.DELAY.parse("soon"));
        assertThrows(IllegalArgumentException.class, () -> LoopbackSettings.BURST.parse("0.1"));
        assertThrows(IllegalArgumentException.class, () -> LoopbackSettings.PARTITION.parse("2s"));
    }
}
