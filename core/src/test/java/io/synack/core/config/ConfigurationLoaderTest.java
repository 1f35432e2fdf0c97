package io.synack.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.InvalidConfigurationException;
import io.synack.spi.Setting;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigurationLoaderTest {

    static final Setting<Duration> MSL = Setting.duration("synack.tcp.msl", "maximum segment lifetime",
            Duration.ofMinutes(2), Duration.ZERO, Duration.ofMinutes(10));
    static final Setting<Duration> RTO_INITIAL = Setting.duration("synack.tcp.rto.initial", "initial RTO",
            Duration.ofSeconds(1), Duration.ofMillis(1), Duration.ofMinutes(1));
    static final Setting<Duration> FIN_TIMEOUT = Setting.duration("synack.tcp.fin-timeout", "FIN-WAIT-2 timeout",
            Duration.ofSeconds(60), Duration.ZERO, Duration.ofMinutes(10));
    static final Setting<Integer> BACKLOG = Setting.integer("synack.tcp.backlog", "listen backlog", 128, 1, 65535);
    static final Setting<Boolean> SACK = Setting.bool("synack.tcp.sack", "selective acknowledgment", true);
    static final List<Setting<?>> TEST_SETTINGS = List.of(MSL, RTO_INITIAL, FIN_TIMEOUT, BACKLOG, SACK);

    @TempDir
    Path dir;

    /** A loader with the core and test settings, and an empty environment and system properties. */
    static ConfigurationLoader loader() {
        return new ConfigurationLoader().declare(CoreSettings.all()).declare(TEST_SETTINGS)
                .environment(Map.of()).systemProperties(Map.of());
    }

    Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    static List<String> problems(ConfigurationLoader loader) {
        return assertThrows(InvalidConfigurationException.class, loader::load).problems();
    }

    @Test
    void withNoLayersEveryKeyHasItsDefault() {
        ValidatedSettings settings = loader().load();

        assertEquals(Duration.ofMinutes(2), settings.get(MSL));
        assertEquals("loopback", settings.get(CoreSettings.TRANSPORT));
        assertEquals(InetAddress.getLoopbackAddress(), settings.get(CoreSettings.ADDRESS));
        for (String key : settings.keys()) {
            assertEquals(ValueSource.defaultValue(), settings.sourceOf(key), key);
        }
    }

    @Nested
    class Files_ {

        @Test
        void propertiesValuesCarryTheLineTheyStartOn() throws IOException {
            Path file = write("synack.properties", """
                    # a comment
                    ! another comment

                    synack.tcp.msl = 10s
                    synack.tcp.backlog: \\
                        16
                    synack.tcp.sack=false
                    """);

            ValidatedSettings settings = loader().file(file).load();

            assertEquals(Duration.ofSeconds(10), settings.get(MSL));
            assertEquals(file + ":4", settings.sourceOf("synack.tcp.msl").description());
            assertEquals(16, settings.get(BACKLOG));
            assertEquals(file + ":5", settings.sourceOf("synack.tcp.backlog").description());
            assertEquals(false, settings.get(SACK));
            assertEquals(file + ":7", settings.sourceOf("synack.tcp.sack").description());
            assertEquals(ValueSource.defaultValue(), settings.sourceOf("synack.tcp.rto.initial"));
        }

        @Test
        void yamlAcceptsNestedAndFlatKeysWithTheirLines() throws IOException {
            Path file = write("synack.yaml", """
                    # transport and TCP settings
                    synack:
                      transport: rawsocket
                      tcp:
                        msl: 30s
                        rto:
                          initial: 200ms
                    synack.tcp.backlog: 5
                    synack.address: 198.18.0.1
                    """);

            ValidatedSettings settings = loader().file(file).load();

            assertEquals("rawsocket", settings.get(CoreSettings.TRANSPORT));
            assertEquals(file + ":3", settings.sourceOf("synack.transport").description());
            assertEquals(Duration.ofSeconds(30), settings.get(MSL));
            assertEquals(file + ":5", settings.sourceOf("synack.tcp.msl").description());
            assertEquals(Duration.ofMillis(200), settings.get(RTO_INITIAL));
            assertEquals(file + ":7", settings.sourceOf("synack.tcp.rto.initial").description());
            assertEquals(5, settings.get(BACKLOG));
            assertEquals(file + ":8", settings.sourceOf("synack.tcp.backlog").description());
            assertEquals("198.18.0.1", settings.get(CoreSettings.ADDRESS).getHostAddress());
        }

        @Test
        void ymlExtensionAndAnEmptyYamlFileAreAccepted() throws IOException {
            ValidatedSettings settings = loader().file(write("empty.yml", "# nothing set\n")).load();

            assertEquals(Duration.ofMinutes(2), settings.get(MSL));
        }

        @Test
        void missingFileIsNamed() {
            Path missing = dir.resolve("nowhere.yaml");

            assertEquals(List.of("configuration file " + missing + " does not exist"),
                    problems(loader().file(missing)));
        }

        @Test
        void directoryIsNotAFile() {
            Path sub = dir.resolve("conf.yaml");
            assertTrue(sub.toFile().mkdir());

            assertEquals(List.of("configuration file " + sub + " is a directory, not a file"),
                    problems(loader().file(sub)));
        }

        @Test
        void unknownExtensionIsRejectedWithTheKnownOnes() throws IOException {
            Path file = write("synack.toml", "synack.tcp.msl = \"1s\"\n");

            assertEquals(List.of("configuration file " + file
                    + " has an unknown format: its name must end in .properties, .yaml or .yml"),
                    problems(loader().file(file)));
        }

        @Test
        void nonUtf8FileIsRejected() throws IOException {
            Path file = dir.resolve("latin1.properties");
            Files.write(file, new byte[] {'a', '=', (byte) 0xE9, '\n'});

            assertEquals(List.of("configuration file " + file + " is not UTF-8 text"), problems(loader().file(file)));
        }

        @Test
        void malformedYamlNamesFileLineAndColumn() throws IOException {
            Path file = write("bad.yaml", """
                    synack:
                      tcp:
                        msl: 10s
                       backlog: [1, 2
                    """);

            List<String> problems = problems(loader().file(file));

            assertEquals(1, problems.size(), problems::toString);
            assertTrue(problems.get(0).startsWith("configuration file " + file + ":4:"), problems.get(0));
            assertTrue(problems.get(0).contains("not valid YAML"), problems.get(0));
        }

        @Test
        void duplicateYamlKeyIsMalformed() throws IOException {
            Path file = write("dup.yaml", """
                    synack:
                      transport: loopback
                      transport: rawsocket
                    """);

            List<String> problems = problems(loader().file(file));

            assertEquals(1, problems.size(), problems::toString);
            assertTrue(problems.get(0).startsWith("configuration file " + file + ":3:"), problems.get(0));
            assertTrue(problems.get(0).contains("duplicate key transport"), problems.get(0));
        }

        @Test
        void yamlWhoseDocumentIsNotAMappingIsRejected() throws IOException {
            Path file = write("list.yaml", "- synack.tcp.msl\n- 10s\n");

            assertEquals(List.of("configuration file " + file + ":1: not a synack configuration: the document must "
                    + "map keys to values"), problems(loader().file(file)));
        }

        @Test
        void yamlKeyThatIsNotTextIsRejected() throws IOException {
            Path file = write("number-key.yaml", "synack:\n  tcp:\n    1: x\n");

            assertEquals(List.of("configuration file " + file + ":3:5: not a synack configuration: keys must be "
                    + "text, not 1"), problems(loader().file(file)));
        }

        @Test
        void yamlWithTwoDocumentsIsRejected() throws IOException {
            Path file = write("two.yaml", "synack.tcp.msl: 1s\n---\nsynack.tcp.msl: 2s\n");

            List<String> problems = problems(loader().file(file));

            assertEquals(1, problems.size(), problems::toString);
            assertTrue(problems.get(0).startsWith("configuration file " + file + ":2:1: not valid YAML: "), problems.get(0));
        }

        @Test
        void yamlListValueIsABadValue() throws IOException {
            Path file = write("list-value.yaml", "synack:\n  tcp:\n    backlog: [1, 2]\n");

            assertEquals(List.of("synack.tcp.backlog = \"[1, 2]\" (from " + file
                    + ":3): must be a whole number from 1 to 65535"), problems(loader().file(file)));
        }

        @Test
        void yamlKeyWithoutValueIsReported() throws IOException {
            Path file = write("empty-value.yaml", "synack:\n  tcp:\n    msl:\n");

            assertEquals(List.of("synack.tcp.msl = (no value) (from " + file + ":3): must be "
                    + MSL.allowed()), problems(loader().file(file)));
        }

        @Test
        void malformedPropertiesEscapeIsReportedWithItsLine() throws IOException {
            Path file = write("bad.properties", "# comment\nsynack.tcp.backlog = 5\nsynack.tcp.msl = \\u12\n");

            assertEquals(List.of("configuration file " + file + ":3: not a valid properties file: "
                    + "malformed \\u escape (four hex digits needed) in \"\\u12\""), problems(loader().file(file)));
        }

        @Test
        void escapedBackslashBeforeUIsNotAnEscape() throws IOException {
            Path file = write("ok.properties", "synack.transport = a\\\\u12\n");

            assertEquals(List.of("synack.transport = \"a\\u12\" (from " + file + ":1): must be "
                    + CoreSettings.TRANSPORT.allowed()), problems(loader().file(file)));
        }

        @Test
        void keyRepeatedInOneFileIsReportedWithBothLines() throws IOException {
            Path file = write("twice.properties", "synack.tcp.msl=1s\nsynack.tcp.msl=2s\n");

            assertEquals(List.of("synack.tcp.msl is set 2 times in the configuration file (" + file + ":1, "
                    + file + ":2); keep one"), problems(loader().file(file)));
        }

        @Test
        void flatAndNestedYamlSpellingsOfOneKeyAreRepeats() throws IOException {
            Path file = write("both.yaml", "synack.tcp.msl: 1s\nsynack:\n  tcp:\n    msl: 2s\n");

            assertEquals(List.of("synack.tcp.msl is set 2 times in the configuration file (" + file + ":1, "
                    + file + ":4); keep one"), problems(loader().file(file)));
        }

        @Test
        void includeDirectiveIsNotFollowed() throws IOException {
            write("other.properties", "synack.tcp.msl=1s\n");
            Path file = write("main.properties", "include = other.properties\n");

            assertEquals(List.of("include = \"other.properties\" (from " + file
                    + ":1): not a synack setting (every key lives under 'synack.')"), problems(loader().file(file)));
        }
    }

    @Nested
    class UnknownKeys {

        @Test
        void misspeltKeyInFileGetsASuggestionAndItsLine() throws IOException {
            Path file = write("typo.yaml", "synack:\n  tcp:\n    mls: 10s\n");

            assertEquals(List.of("synack.tcp.mls = \"10s\" (from " + file
                    + ":3): unknown setting; did you mean 'synack.tcp.msl'?"), problems(loader().file(file)));
        }

        @Test
        void rightNameUnderTheWrongPrefixIsSuggested() {
            assertEquals(List.of("synack.msl = \"10s\" (from command line (-s)): unknown setting; "
                    + "did you mean 'synack.tcp.msl'?"), problems(loader().set("synack.msl", "10s", "command line (-s)")));
        }

        @Test
        void farOffKeyGetsNoSuggestion() {
            assertEquals(List.of("synack.completely.different = \"1\" (from test): unknown setting"),
                    problems(loader().set("synack.completely.different", "1", "test")));
        }

        @Test
        void keyOutsideTheNamespaceInAFileIsReported() throws IOException {
            Path file = write("ns.properties", "tcp.msl=10s\n");

            assertEquals(List.of("tcp.msl = \"10s\" (from " + file
                    + ":1): not a synack setting (every key lives under 'synack.'); did you mean 'synack.tcp.msl'?"),
                    problems(loader().file(file)));
        }

        @Test
        void unknownSystemPropertyIsReported() {
            assertEquals(List.of("synack.tcp.rto.inital = \"1s\" (from system property synack.tcp.rto.inital): "
                    + "unknown setting; did you mean 'synack.tcp.rto.initial'?"),
                    problems(loader().systemProperties(Map.of("synack.tcp.rto.inital", "1s", "user.home", "/x"))));
        }

        @Test
        void unknownEnvironmentVariableSuggestsTheVariableAndItsKey() {
            assertEquals(List.of("SYNACK_TCP_MLS = \"10s\" (from environment variable SYNACK_TCP_MLS): "
                    + "unknown setting; did you mean SYNACK_TCP_MSL (synack.tcp.msl)?"),
                    problems(loader().environment(Map.of("SYNACK_TCP_MLS", "10s", "PATH", "/bin"))));
        }
    }

    @Nested
    class BadValues {

        @Test
        void badTypeNamesKeyValueSourceAndWhatIsAllowed() {
            assertEquals(List.of("synack.tcp.msl = \"ten seconds\" (from command line (-s)): must be "
                    + "a duration from 0s to 10m (e.g. 200ms, 30s, 2m)"),
                    problems(loader().set("synack.tcp.msl", "ten seconds", "command line (-s)")));
        }

        @Test
        void outOfRangeNamesTheRange() throws IOException {
            Path file = write("range.properties", "\nsynack.tcp.backlog = 0\n");

            assertEquals(List.of("synack.tcp.backlog = \"0\" (from " + file
                    + ":2): must be a whole number from 1 to 65535"), problems(loader().file(file)));
        }

        @Test
        void durationAboveTheMaximumIsOutOfRange() {
            assertEquals(List.of("synack.tcp.msl = \"11m\" (from test): must be a duration from 0s to 10m "
                    + "(e.g. 200ms, 30s, 2m)"), problems(loader().set("synack.tcp.msl", "11m", "test")));
        }

        @Test
        void hostNameIsNotAnAddressLiteral() {
            assertEquals(List.of("synack.address = \"localhost\" (from test): must be "
                    + CoreSettings.ADDRESS.allowed()), problems(loader().set("synack.address", "localhost", "test")));
        }

        @Test
        void transportNameMustBeAWord() {
            assertEquals(List.of("synack.transport = \"Raw Socket\" (from test): must be "
                    + CoreSettings.TRANSPORT.allowed()), problems(loader().set("synack.transport", "Raw Socket", "test")));
        }

        @Test
        void everyProblemOfEveryLayerIsReportedAtOnceInLayerOrder() throws IOException {
            Path file = write("many.properties", "synack.tcp.msl=forever\nsynack.tcp.mls=1s\n");

            List<String> problems = problems(loader().file(file)
                    .environment(Map.of("SYNACK_TCP_BACKLOG", "-1"))
                    .systemProperties(Map.of("synack.tcp.sack", "maybe"))
                    .set("synack.tcp.rto.initial", "0", "command line (-s)"));

            List<String> expected = new ArrayList<>();
            expected.add("synack.tcp.msl = \"forever\" (from " + file + ":1): must be " + MSL.allowed());
            expected.add("synack.tcp.mls = \"1s\" (from " + file + ":2): unknown setting; did you mean 'synack.tcp.msl'?");
            expected.add("synack.tcp.backlog = \"-1\" (from environment variable SYNACK_TCP_BACKLOG): must be "
                    + BACKLOG.allowed());
            expected.add("synack.tcp.sack = \"maybe\" (from system property synack.tcp.sack): must be true or false");
            expected.add("synack.tcp.rto.initial = \"0\" (from command line (-s)): must be " + RTO_INITIAL.allowed());
            assertEquals(expected, problems);
        }

        @Test
        void badValueShadowedByAHigherLayerIsStillReported() throws IOException {
            Path file = write("shadowed.yaml", "synack.tcp.msl: forever\n");

            assertEquals(List.of("synack.tcp.msl = \"forever\" (from " + file + ":1): must be " + MSL.allowed()),
                    problems(loader().file(file).set("synack.tcp.msl", "10s", "test")));
        }

        @Test
        void constraintRunsOnParsedValues() {
            ConfigurationLoader loader = loader().set("synack.transport", "carrier-pigeon", "test")
                    .constraint(CoreSettings.TRANSPORT, name -> name.equals("loopback") ? null : "must be loopback");

            assertEquals(List.of("synack.transport = \"carrier-pigeon\" (from test): must be loopback"), problems(loader));
        }
    }

    @Nested
    class Precedence {

        Path file;

        @org.junit.jupiter.api.BeforeEach
        void writeFile() throws IOException {
            file = write("synack.properties", "synack.tcp.msl=1s\n");
        }

        @Test
        void fileBeatsDefault() {
            ValidatedSettings s = loader().file(file).load();
            assertEquals(Duration.ofSeconds(1), s.get(MSL));
            assertEquals(ValueSource.file(file, 1), s.sourceOf("synack.tcp.msl"));
        }

        @Test
        void environmentBeatsFile() {
            ValidatedSettings s = loader().file(file).environment(Map.of("SYNACK_TCP_MSL", "2s")).load();
            assertEquals(Duration.ofSeconds(2), s.get(MSL));
            assertEquals("environment variable SYNACK_TCP_MSL", s.sourceOf("synack.tcp.msl").description());
        }

        @Test
        void systemPropertyBeatsEnvironment() {
            ValidatedSettings s = loader().file(file).environment(Map.of("SYNACK_TCP_MSL", "2s"))
                    .systemProperties(Map.of("synack.tcp.msl", "3s")).load();
            assertEquals(Duration.ofSeconds(3), s.get(MSL));
            assertEquals("system property synack.tcp.msl", s.sourceOf("synack.tcp.msl").description());
        }

        @Test
        void overrideBeatsEverythingAndTheLastOverrideWins() {
            ValidatedSettings s = loader().file(file).environment(Map.of("SYNACK_TCP_MSL", "2s"))
                    .systemProperties(Map.of("synack.tcp.msl", "3s"))
                    .set("synack.tcp.msl", "4s", "command line (-s)")
                    .set("synack.tcp.msl", "5s", "command line (-s)").load();
            assertEquals(Duration.ofSeconds(5), s.get(MSL));
            assertEquals(new ValueSource(ValueSource.Layer.OVERRIDE, "command line (-s)"), s.sourceOf("synack.tcp.msl"));
        }

        @Test
        void effectiveRowNamesEveryValueTheWinnerOverrode() {
            ValidatedSettings s = loader().file(file).environment(Map.of("SYNACK_TCP_MSL", "2s"))
                    .systemProperties(Map.of("synack.tcp.msl", "3s"))
                    .set("synack.tcp.msl", "4s", "command line (-s)").load();

            EffectiveSetting msl = s.effective().stream().filter(r -> r.key().equals("synack.tcp.msl")).findFirst()
                    .orElseThrow();
            assertEquals("4s", msl.value());
            assertEquals(List.of(file + ":1", "environment variable SYNACK_TCP_MSL", "system property synack.tcp.msl"),
                    msl.overridden().stream().map(ValueSource::description).toList());
            EffectiveSetting untouched = s.effective().stream().filter(r -> r.key().equals("synack.tcp.sack"))
                    .findFirst().orElseThrow();
            assertEquals(List.of(), untouched.overridden());
        }

        @Test
        void layersOnlyOverrideTheKeysTheySet() {
            ValidatedSettings s = loader().file(file).environment(Map.of("SYNACK_TCP_BACKLOG", "7")).load();
            assertEquals(Duration.ofSeconds(1), s.get(MSL));
            assertEquals(7, s.get(BACKLOG));
            assertEquals(ValueSource.defaultValue(), s.sourceOf("synack.tcp.sack"));
        }
    }

    @Nested
    class Environment {

        @Test
        void variablesResolveAgainstKnownKeysWithDotsAndDashes() {
            ValidatedSettings s = loader().environment(Map.of(
                    "SYNACK_TCP_RTO_INITIAL", "300ms",
                    "SYNACK_TCP_FIN_TIMEOUT", "15s",
                    "HOME", "/root",
                    "SYNACKISH", "ignored: not under SYNACK_")).load();

            assertEquals(Duration.ofMillis(300), s.get(RTO_INITIAL));
            assertEquals("environment variable SYNACK_TCP_RTO_INITIAL", s.sourceOf("synack.tcp.rto.initial").description());
            assertEquals(Duration.ofSeconds(15), s.get(FIN_TIMEOUT));
            assertEquals("environment variable SYNACK_TCP_FIN_TIMEOUT", s.sourceOf("synack.tcp.fin-timeout").description());
        }

        @Test
        void variableNamesAreMatchedWithoutCase() {
            ValidatedSettings s = loader().environment(Map.of("synack_tcp_backlog", "3")).load();

            assertEquals(3, s.get(BACKLOG));
            assertEquals("environment variable synack_tcp_backlog", s.sourceOf("synack.tcp.backlog").description());
        }

        @Test
        void keysThatShareAnEnvironmentNameCannotBothBeDeclared() {
            Setting<Duration> dotted = Setting.duration("synack.tcp.fin.timeout", "clash", Duration.ZERO,
                    Duration.ZERO, Duration.ofSeconds(1));

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loader().declare(List.of(dotted)));
            assertEquals("the settings synack.tcp.fin-timeout and synack.tcp.fin.timeout would both be read from "
                    + "the environment variable SYNACK_TCP_FIN_TIMEOUT; rename one of them", e.getMessage());
        }

        @Test
        void processSystemPropertiesAreReadByDefault() {
            String property = "synack.tcp.backlog";
            System.setProperty(property, "9");
            try {
                ValidatedSettings s = new ConfigurationLoader().declare(TEST_SETTINGS).environment(Map.of()).load();
                assertEquals(9, s.get(BACKLOG));
                assertEquals("system property synack.tcp.backlog", s.sourceOf(property).description());
            } finally {
                System.clearProperty(property);
            }
        }
    }

    @ParameterizedTest(name = "{0} = {1}ms")
    @CsvSource({"30s, 30000", "200ms, 200", "2m, 120000", "1.5s, 1500", "0, 0", "10m, 600000"})
    void durationForms(String text, long millis) {
        ValidatedSettings s = loader().set("synack.tcp.msl", text, "test").load();

        assertEquals(Duration.ofMillis(millis), s.get(MSL));
    }

    @Test
    void effectiveConfigurationListsEveryKeyWithValueSourceAndDescription() {
        List<EffectiveSetting> rows = loader().environment(Map.of("SYNACK_TCP_MSL", "90s")).load().effective();

        assertEquals(List.of("synack.address", "synack.tcp.backlog", "synack.tcp.fin-timeout", "synack.tcp.msl",
                "synack.tcp.rto.initial", "synack.tcp.sack", "synack.transport"),
                rows.stream().map(EffectiveSetting::key).toList());
        EffectiveSetting msl = rows.get(3);
        assertEquals("90s", msl.value());
        assertEquals("environment variable SYNACK_TCP_MSL", msl.source().description());
        assertEquals("maximum segment lifetime", msl.description());
        assertEquals(MSL.allowed(), msl.allowed());
        EffectiveSetting address = rows.get(0);
        assertEquals("127.0.0.1", address.value());
        assertEquals("default", address.source().description());
    }

    @Test
    void getReadsByKeyAndRefusesUndeclaredSettings() {
        ValidatedSettings s = loader().set("synack.tcp.msl", "7s", "test").load();
        Setting<Duration> sameKeyOtherObject = Setting.duration("synack.tcp.msl", "copy", Duration.ZERO,
                Duration.ZERO, Duration.ofMinutes(10));
        Setting<Integer> undeclared = Setting.integer("synack.nowhere", "x", 1, 0, 2);

        assertEquals(Duration.ofSeconds(7), s.get(sameKeyOtherObject));
        assertThrows(IllegalArgumentException.class, () -> s.get(undeclared));
        assertThrows(IllegalArgumentException.class, () -> s.sourceOf("synack.nowhere"));
    }

    @Test
    void sameSettingDeclaredTwiceIsHarmlessButADifferentOneIsRejected() {
        ConfigurationLoader loader = loader().declare(List.of(MSL));
        Setting<Duration> impostor = Setting.duration("synack.tcp.msl", "other", Duration.ZERO, Duration.ZERO,
                Duration.ofMinutes(1));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loader.declare(List.of(impostor)));
        assertTrue(e.getMessage().startsWith("the setting synack.tcp.msl is declared twice"), e.getMessage());
    }
}
