package io.synack.core.config;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.apache.commons.configuration2.Configuration;

/**
 * The layers the process supplies: environment variables and Java system properties, each read
 * through a Commons Configuration view ({@code EnvironmentConfiguration},
 * {@code SystemConfiguration}, or a {@code MapConfiguration} a test supplies).
 *
 * <p>Both namespaces are shared with everything else in the process, so only names under synack's
 * prefix ({@code SYNACK_}, {@code synack.}) are read; within that prefix an unknown name is an
 * error like any misspelt key.
 */
final class ProcessLayers {

    private static final String ENVIRONMENT_PREFIX = "SYNACK_";

    private ProcessLayers() {}

    /**
     * The {@code SYNACK_*} environment variables, each resolved to a known key.
     *
     * @param environment the variables
     * @param known the declared settings
     * @param problems where variables naming no setting are reported
     * @return the values, under their resolved keys, sorted by variable name
     */
    static List<RawValue> environment(Configuration environment, KnownSettings known, List<String> problems) {
        List<RawValue> values = new ArrayList<>();
        for (var variable : snapshot(environment).entrySet()) {
            String name = variable.getKey();
            if (!name.toUpperCase(Locale.ROOT).startsWith(ENVIRONMENT_PREFIX)) {
                continue;
            }
            var setting = known.byEnvironmentName(name);
            RawValue raw = new RawValue(name, variable.getValue(), ValueSource.environment(name));
            if (setting == null) {
                problems.add(raw.describe() + ": unknown setting" + KeySuggestions.closest(
                        name.toUpperCase(Locale.ROOT), known.environmentNames())
                        .map(s -> "; did you mean " + s + " (" + known.byEnvironmentName(s).key() + ")?")
                        .orElse(""));
            } else {
                values.add(new RawValue(setting.key(), raw.text(), raw.source()));
            }
        }
        return values;
    }

    /**
     * The {@code synack.*} system properties, under their own names (checked later like file keys).
     *
     * @param properties the properties
     * @return the values, sorted by name
     */
    static List<RawValue> systemProperties(Configuration properties) {
        List<RawValue> values = new ArrayList<>();
        for (var property : snapshot(properties).entrySet()) {
            if (property.getKey().startsWith("synack.")) {
                values.add(new RawValue(property.getKey(), property.getValue(),
                        ValueSource.systemProperty(property.getKey())));
            }
        }
        return values;
    }

    /** Sorted, so that errors come out in a stable order whatever the map's. */
    private static TreeMap<String, String> snapshot(Configuration configuration) {
        configuration.setInterpolator(null);
        TreeMap<String, String> copy = new TreeMap<>();
        for (Iterator<String> keys = configuration.getKeys(); keys.hasNext(); ) {
            String key = keys.next();
            copy.put(key, configuration.getString(key));
        }
        return copy;
    }
}
