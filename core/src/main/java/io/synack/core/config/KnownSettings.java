package io.synack.core.config;

import io.synack.spi.Setting;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The declared settings, by key and by environment-variable name.
 *
 * <p>An environment variable cannot hold '.' or (portably) '-', so {@code SYNACK_TCP_RTO_INITIAL}
 * could stand for {@code synack.tcp.rto.initial} or {@code synack.tcp.rto-initial}. Rather than
 * guess, both sides are normalised (upper case, '.' and '-' to '_') and the variable is matched
 * against the known keys; two known keys that normalise alike are rejected when declared.
 */
final class KnownSettings {

    private final Map<String, Setting<?>> byKey = new TreeMap<>();
    private final Map<String, Setting<?>> byEnvironmentName = new HashMap<>();

    /**
     * Declares a setting.
     *
     * @throws IllegalArgumentException if another setting already has its key or environment name
     */
    void add(Setting<?> setting) {
        Setting<?> sameKey = byKey.get(setting.key());
        if (sameKey == setting) {
            return;
        }
        if (sameKey != null) {
            throw new IllegalArgumentException("the setting " + setting.key() + " is declared twice: "
                    + describe(sameKey) + " and " + describe(setting));
        }
        String environmentName = environmentName(setting.key());
        Setting<?> sameName = byEnvironmentName.get(environmentName);
        if (sameName != null) {
            throw new IllegalArgumentException("the settings " + sameName.key() + " and " + setting.key()
                    + " would both be read from the environment variable " + environmentName
                    + "; rename one of them");
        }
        byKey.put(setting.key(), setting);
        byEnvironmentName.put(environmentName, setting);
    }

    /** The setting with this key, or null. */
    Setting<?> byKey(String key) {
        return byKey.get(key);
    }

    /** The setting an environment variable of this name sets, or null. */
    Setting<?> byEnvironmentName(String variable) {
        return byEnvironmentName.get(normalise(variable));
    }

    /** Every known key, sorted. */
    Set<String> keys() {
        return Collections.unmodifiableSet(byKey.keySet());
    }

    /** Every known environment-variable name. */
    Set<String> environmentNames() {
        return Collections.unmodifiableSet(byEnvironmentName.keySet());
    }

    /** Every declared setting, sorted by key. */
    Collection<Setting<?>> all() {
        return Collections.unmodifiableCollection(byKey.values());
    }

    /** {@code synack.tcp.fin-timeout} -> {@code SYNACK_TCP_FIN_TIMEOUT}. */
    static String environmentName(String key) {
        return normalise(key);
    }

    private static String normalise(String name) {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String describe(Setting<?> setting) {
        return "\"" + setting.description() + "\" (" + setting.allowed() + ")";
    }
}
