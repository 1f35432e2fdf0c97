package io.synack.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.api.InvalidConfigurationException;
import io.synack.api.TransportUnavailableException;
import io.synack.core.Synack;
import io.synack.core.SynackRuntime;
import io.synack.core.config.EffectiveSetting;
import io.synack.core.engine.EngineSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The composition the CLI performs, on core's full test classpath: the real loopback plugin (a
 * test dependency of core) beside the fixtures, and the engine's real settings.
 */
class RealClasspathTest {

    static Synack.Builder builder() {
        return Synack.builder().environment(Map.of()).systemProperties(Map.of());
    }

    @Test
    void defaultConfigurationSelectsTheLoopbackPluginFoundOnTheClasspath() throws TransportUnavailableException {
        SynackRuntime runtime = builder().build();

        assertEquals("loopback", runtime.transportName());
        assertTrue(runtime.transportFactory().availability().available());
        assertEquals(List.of("fixture", "loopback", "offline"), runtime.plugins().stream().map(PluginStatus::name).toList());
        assertEquals(List.of("loopback"),
                runtime.plugins().stream().filter(PluginStatus::selected).map(PluginStatus::name).toList());
    }

    @Test
    void everyEngineAndLoopbackKeyIsListedAndDefaultsToItsOwnDefault() {
        List<EffectiveSetting> rows = builder().build().effectiveConfiguration();

        for (var setting : EngineSettings.all()) {
            EffectiveSetting row = rows.stream().filter(r -> r.key().equals(setting.key())).findFirst().orElseThrow();
            assertEquals("default", row.source().description(), row.key());
        }
        assertTrue(rows.stream().anyMatch(r -> r.key().equals("synack.loopback.loss")), rows::toString);
    }

    @Test
    void environmentReachesADashedEngineKey() {
        SynackRuntime runtime = builder().environment(Map.of("SYNACK_TCP_CHALLENGE_ACK_LIMIT", "5")).build();

        assertEquals(5, runtime.settings().get(EngineSettings.CHALLENGE_ACK_LIMIT));
        assertEquals("environment variable SYNACK_TCP_CHALLENGE_ACK_LIMIT",
                runtime.settings().sourceOf("synack.tcp.challenge-ack.limit").description());
    }

    @Test
    void misspeltEngineKeyGetsTheRealKeySuggested() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> builder().set("synack.tcp.rto.inital", "200ms", "command line (-s)").build());

        assertEquals(List.of("synack.tcp.rto.inital = \"200ms\" (from command line (-s)): unknown setting; "
                + "did you mean 'synack.tcp.rto.initial'?"), e.problems());
    }
}
