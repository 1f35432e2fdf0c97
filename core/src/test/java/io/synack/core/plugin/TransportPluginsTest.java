package io.synack.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.core.plugin.fixture.FixtureTransportPlugin;
import io.synack.core.plugin.fixture.OfflineTransportPlugin;
import io.synack.core.plugin.fixture.broken.BrokenPlugins;
import io.synack.core.plugin.fixture.broken.NotAModulePlugin;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransportPluginsTest {

    @TempDir
    Path dir;

    static TransportPlugins testClasspath() {
        return TransportPlugins.discover(ServiceFiles.fixturesOnly(), List.of());
    }

    @Test
    void servicesFileOnTheTestClasspathIsFound() {
        TransportPlugins plugins = testClasspath();

        assertEquals(Set.of("fixture", "offline"), plugins.names());
        DiscoveredPlugin fixture = plugins.byName("fixture");
        assertEquals("test fixture transport that discards every datagram", fixture.description());
        assertEquals(FixtureTransportPlugin.class.getName(), fixture.pluginClass());
        assertEquals(List.of(FixtureTransportPlugin.MTU, FixtureTransportPlugin.HOLD_TIME), fixture.settings());
        assertEquals(List.of(FixtureTransportPlugin.MTU, FixtureTransportPlugin.HOLD_TIME, OfflineTransportPlugin.DEVICE),
                plugins.settings());
        assertEquals(2, plugins.modules().size());
    }

    @Test
    void nameProblemListsTheKnownTransports() {
        TransportPlugins plugins = testClasspath();

        assertNull(plugins.problemWithName("fixture"));
        assertEquals("must be one of the discovered transports: fixture, offline", plugins.problemWithName("loopback"));
    }

    @Test
    void noPluginsAtAllIsExplained() {
        // A loader whose parent is the platform loader sees no services file at all.
        ClassLoader empty = new java.net.URLClassLoader(new java.net.URL[0], ClassLoader.getPlatformClassLoader());

        TransportPlugins none = TransportPlugins.discover(empty, List.of());

        assertEquals(Set.of(), none.names());
        assertTrue(none.problemWithName("loopback").contains("none was found on the classpath"));
    }

    @Test
    void pluginThatIsNotAGuiceModuleIsRejectedByClass() {
        ClassLoader loader = ServiceFiles.withPlugins(dir, NotAModulePlugin.class.getName());

        PluginException e = assertThrows(PluginException.class, () -> TransportPlugins.discover(loader, List.of()));

        assertEquals(List.of("transport plugin " + NotAModulePlugin.class.getName() + " is not a Guice module: it must "
                + "extend com.google.inject.AbstractModule and bind its TransportFactory in "
                + "MapBinder<String, TransportFactory>"), e.problems());
    }

    @Test
    void everyBrokenPluginIsReportedAtOnce() {
        ClassLoader loader = ServiceFiles.withPlugins(dir, BrokenPlugins.BadName.class.getName(),
                BrokenPlugins.ForeignSetting.class.getName(), BrokenPlugins.DuplicateName.class.getName(),
                BrokenPlugins.ThrowingConstructor.class.getName(), "io.synack.NoSuchPlugin");

        List<String> problems = assertThrows(PluginException.class,
                () -> TransportPlugins.discover(loader, List.of())).problems();

        assertEquals(5, problems.size(), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.contains(BrokenPlugins.ThrowingConstructor.class.getName())
                && p.contains("boom in constructor")), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.contains("io.synack.NoSuchPlugin")), problems::toString);
        assertTrue(problems.contains("transport plugin " + BrokenPlugins.BadName.class.getName() + " has the name "
                + "'Bad Name'; a name must be lower-case letters, digits and '-', starting with a letter"), problems::toString);
        assertTrue(problems.contains("transport plugin " + BrokenPlugins.ForeignSetting.class.getName()
                + " declares the setting synack.tcp.msl, outside its namespace synack.trespasser.*"), problems::toString);
        assertTrue(problems.contains("transport plugins " + FixtureTransportPlugin.class.getName() + " and "
                + BrokenPlugins.DuplicateName.class.getName() + " are both named 'fixture'; remove one of them from "
                + "the classpath"), problems::toString);
    }

    @Test
    void explicitPluginJoinsTheDiscoveredOnes() {
        TransportPlugins plugins = TransportPlugins.discover(ServiceFiles.fixturesOnly(),
                List.of(new BrokenPlugins.Handmade()));

        assertEquals(Set.of("fixture", "handmade", "offline"), plugins.names());
    }
}
