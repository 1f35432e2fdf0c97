package io.synack.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import io.synack.api.InvalidConfigurationException;
import io.synack.api.TransportUnavailableException;
import io.synack.core.Synack;
import io.synack.core.SynackRuntime;
import io.synack.core.config.EffectiveSetting;
import io.synack.core.plugin.fixture.ConstructionLog;
import io.synack.core.plugin.fixture.FixtureTransportFactory;
import io.synack.core.plugin.fixture.FixtureTransportPlugin;
import io.synack.core.plugin.fixture.OfflineTransportPlugin;
import io.synack.core.plugin.fixture.broken.BrokenPlugins;
import io.synack.spi.Availability;
import io.synack.spi.Setting;
import io.synack.spi.Settings;
import io.synack.spi.TransportFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture plugins exist only on the test classpath, registered by
 * {@code src/test/resources/META-INF/services/io.synack.spi.TransportPlugin}: no code in core names
 * them, yet configuration alone selects, configures and lists them.
 */
class ExtensionWithoutCodeChangeTest {

    @TempDir
    Path dir;

    /** A builder isolated from the process's environment and system properties. */
    static Synack.Builder builder() {
        return Synack.builder().classLoader(ServiceFiles.fixturesOnly()).environment(Map.of()).systemProperties(Map.of());
    }

    @Test
    void fixtureTransportIsSelectedAndConfiguredPurelyByAConfigFile() throws IOException, TransportUnavailableException {
        Path file = Files.writeString(dir.resolve("synack.yaml"), "synack:\n  transport: fixture\n  fixture:\n    mtu: 9000\n");

        SynackRuntime runtime = builder().configFile(file).build();

        assertEquals("fixture", runtime.transportName());
        TransportFactory factory = runtime.transportFactory();
        FixtureTransportFactory fixture = assertInstanceOf(FixtureTransportFactory.class, factory);
        assertEquals(9000, fixture.mtu());
        ConstructionLog log = runtime.injector().getInstance(ConstructionLog.class);
        assertEquals(1, log.count("fixture"));
        assertEquals(0, log.count("offline"), "an unselected transport must never be constructed");
    }

    @Test
    void buildingTheRuntimeConstructsNoTransportAtAll() {
        SynackRuntime runtime = builder().set("synack.transport", "fixture").build();

        ConstructionLog log = runtime.injector().getInstance(ConstructionLog.class);
        assertEquals(0, log.count("fixture"));
        assertEquals(0, log.count("offline"));
    }

    @Test
    void environmentSelectsTheTransportAndSetsItsDashedKey() {
        SynackRuntime runtime = builder().environment(Map.of("SYNACK_TRANSPORT", "fixture",
                "SYNACK_FIXTURE_HOLD_TIME", "250ms")).build();

        assertEquals("fixture", runtime.transportName());
        assertEquals(Duration.ofMillis(250), runtime.settings().get(FixtureTransportPlugin.HOLD_TIME));
        assertEquals("environment variable SYNACK_FIXTURE_HOLD_TIME",
                runtime.settings().sourceOf("synack.fixture.hold-time").description());
    }

    @Test
    void unknownTransportListsTheDiscoveredOnes() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> builder().set("synack.transport", "rawsocket", "command line (--transport)").build());

        assertEquals(List.of("synack.transport = \"rawsocket\" (from command line (--transport)): must be one of the "
                + "discovered transports: fixture, offline"), e.problems());
    }

    @Test
    void defaultTransportMissingFromTheClasspathIsReportedAsTheDefault() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> builder().build());

        assertEquals(List.of("synack.transport = \"loopback\" (from default): must be one of the discovered "
                + "transports: fixture, offline"), e.problems());
    }

    @Test
    void pluginSettingsAreValidatedWithTheRest() throws IOException {
        Path file = Files.writeString(dir.resolve("synack.properties"),
                "synack.transport=fixture\nsynack.fixture.mtu=10\nsynack.fixture.mut=1500\n");

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> builder().configFile(file).build());

        assertEquals(List.of(
                "synack.fixture.mtu = \"10\" (from " + file + ":2): must be a whole number from 68 to 65535",
                "synack.fixture.mut = \"1500\" (from " + file + ":3): unknown setting; did you mean 'synack.fixture.mtu'?"),
                e.problems());
    }

    @Test
    void unavailableSelectedTransportSaysWhy() {
        SynackRuntime runtime = builder().set("synack.transport", "offline")
                .set("synack.offline.device", "punch-card").build();

        TransportUnavailableException e = assertThrows(TransportUnavailableException.class, runtime::transportFactory);

        assertEquals("offline", e.transport());
        assertEquals("transport 'offline' is not available here: this machine has no punch-card device; "
                + "choose another transport", e.getMessage());
    }

    @Test
    void listingShowsEveryPluginWithItsAvailabilityAndReason() {
        SynackRuntime runtime = builder().set("synack.transport", "fixture").build();

        List<PluginStatus> plugins = runtime.plugins();

        assertEquals(List.of(
                new PluginStatus("fixture", "test fixture transport that discards every datagram", Availability.yes(),
                        true, FixtureTransportPlugin.class.getName()),
                new PluginStatus("offline", "test fixture transport that is never available",
                        Availability.no("this machine has no tape device; choose another transport"), false,
                        OfflineTransportPlugin.class.getName())), plugins);
    }

    @Test
    void factoriesCanInjectTheValidatedSettings() {
        SynackRuntime runtime = builder().set("synack.transport", "fixture").build();

        assertSame(runtime.settings(), runtime.injector().getInstance(Settings.class));
    }

    @Test
    void effectiveConfigurationCoversCorePluginAndExtraSettingsWithSources() {
        Setting<Duration> patience = Setting.duration("synack.app.patience", "how long the application waits",
                Duration.ofMinutes(2), Duration.ZERO, Duration.ofMinutes(10));

        SynackRuntime runtime = builder().extraSettings(List.of(patience))
                .set("synack.transport", "fixture", "command line (--transport)")
                .systemProperties(Map.of("synack.app.patience", "30s", "synack.tcp.msl", "10s")).build();

        List<EffectiveSetting> rows = runtime.effectiveConfiguration();
        assertEquals(List.of(
                "synack.address = 127.0.0.1 (default)",
                "synack.app.patience = 30s (system property synack.app.patience)",
                "synack.fixture.hold-time = 0s (default)",
                "synack.fixture.mtu = 1500 (default)",
                "synack.offline.device = tape (default)",
                "synack.transport = fixture (command line (--transport))"),
                rows.stream().filter(r -> !r.key().startsWith("synack.tcp."))
                        .map(r -> r.key() + " = " + r.value() + " (" + r.source() + ")").toList());
        // The engine's settings are always declared, whatever the application adds.
        assertTrue(rows.stream().anyMatch(r -> r.key().equals("synack.tcp.msl") && r.value().equals("10s")
                && r.source().description().equals("system property synack.tcp.msl")), rows::toString);
        EffectiveSetting mtu = rows.stream().filter(r -> r.key().equals("synack.fixture.mtu")).findFirst().orElseThrow();
        assertEquals("largest datagram of the fixture transport", mtu.description());
        assertEquals(Duration.ofSeconds(30), runtime.settings().get(patience));
    }

    @Test
    void extraSettingClashingWithABuiltInOneIsRefused() {
        Setting<Duration> msl = Setting.duration("synack.tcp.msl", "another idea of the MSL", Duration.ofMinutes(2),
                Duration.ZERO, Duration.ofMinutes(10));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder().extraSettings(List.of(msl)).set("synack.transport", "fixture").build());

        assertTrue(e.getMessage().startsWith("the setting synack.tcp.msl is declared twice"), e.getMessage());
    }

    @Test
    void applicationModulesJoinTheOneInjector() {
        AbstractModule application = new AbstractModule() {
            @Override
            protected void configure() {
                bind(String.class).toInstance("embedded");
            }
        };

        SynackRuntime runtime = builder().set("synack.transport", "fixture").modules(application).build();

        assertEquals("embedded", runtime.injector().getInstance(String.class));
    }

    @Test
    void applicationRegisteredPluginIsSelectable() throws TransportUnavailableException {
        SynackRuntime runtime = builder().plugin(new BrokenPlugins.Handmade()).set("synack.transport", "handmade").build();

        assertInstanceOf(FixtureTransportFactory.class, runtime.transportFactory());
        assertTrue(runtime.plugins().stream().anyMatch(p -> p.name().equals("handmade") && p.selected()));
    }

    @Test
    void pluginWhoseModuleBindsAnotherNameIsRejected() {
        PluginException e = assertThrows(PluginException.class, () -> builder().plugin(new BrokenPlugins.WrongBinding())
                .set("synack.transport", "fixture").build());

        assertEquals(List.of(
                "transport plugin " + BrokenPlugins.WrongBinding.class.getName() + " binds no TransportFactory under "
                        + "'wrong'; its configure() must call MapBinder.newMapBinder(binder(), String.class, "
                        + "TransportFactory.class).addBinding(\"wrong\")",
                "a TransportFactory is bound under 'elsewhere' but no transport plugin is named 'elsewhere'; bind "
                        + "factories from a TransportPlugin (see Synack.Builder.plugin)"), e.problems());
    }

    @Test
    void pluginSettingClashingWithAnotherDeclarationIsAPluginError() {
        Setting<Integer> clash = Setting.integer("synack.fixture.mtu", "an application's own idea", 1, 0, 2);

        PluginException e = assertThrows(PluginException.class,
                () -> builder().extraSettings(List.of(clash)).set("synack.transport", "fixture").build());

        assertTrue(e.getMessage().startsWith("transport plugin " + FixtureTransportPlugin.class.getName()
                + ": the setting synack.fixture.mtu is declared twice"), e.getMessage());
    }

    @Test
    void brokenPluginStopsTheBuildBeforeConfigurationIsRead() {
        ClassLoader loader = ServiceFiles.withPlugins(dir, io.synack.core.plugin.fixture.broken.NotAModulePlugin.class.getName());

        PluginException e = assertThrows(PluginException.class,
                () -> builder().classLoader(loader).set("synack.transport", "fixture").build());

        assertFalse(e.problems().isEmpty());
    }

    @Test
    void availabilityIsAskedOfTheFactoryNotGuessed() {
        AbstractModule failing = new AbstractModule() {
            @Override
            protected void configure() {
                MapBinder.newMapBinder(binder(), String.class, TransportFactory.class)
                        .addBinding("handmade").toProvider(() -> {
                            throw new IllegalStateException("no driver");
                        });
            }
        };
        BrokenPlugins.Handmade handmade = new BrokenPlugins.Handmade() {
            @Override
            protected void configure() {
                install(failing);
            }
        };

        SynackRuntime runtime = builder().plugin(handmade).set("synack.transport", "fixture").build();

        PluginStatus row = runtime.plugins().stream().filter(p -> p.name().equals("handmade")).findFirst().orElseThrow();
        assertFalse(row.availability().available());
        assertTrue(row.availability().cause().startsWith("its factory could not be created: "), row.availability().cause());
        assertTrue(row.availability().cause().contains("no driver"), row.availability().cause());
    }
}
