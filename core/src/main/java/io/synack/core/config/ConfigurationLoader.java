package io.synack.core.config;

import io.synack.api.InvalidConfigurationException;
import io.synack.spi.Setting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.EnvironmentConfiguration;
import org.apache.commons.configuration2.MapConfiguration;
import org.apache.commons.configuration2.SystemConfiguration;

/**
 * Reads every configuration layer and validates it, once, against the declared settings.
 *
 * <pre>{@code
 * ValidatedSettings settings = new ConfigurationLoader()
 *         .declare(CoreSettings.all())
 *         .file(Path.of("synack.yaml"))
 *         .set("synack.tcp.msl", "10s", "command line (-s)")
 *         .load();
 * }</pre>
 *
 * <p>By default the environment and system properties are the process's own; tests pass maps
 * instead. Not thread-safe.
 */
public final class ConfigurationLoader {

    private final KnownSettings known = new KnownSettings();
    private final Map<String, List<Function<Object, String>>> constraints = new HashMap<>();
    private final List<RawValue> overrides = new ArrayList<>();
    private Path file;
    private Configuration environment;
    private Configuration systemProperties;

    /** A loader with no settings declared and the process's environment and system properties. */
    public ConfigurationLoader() {}

    /**
     * Declares settings: only declared keys are accepted.
     *
     * @param settings the settings
     * @return this
     * @throws IllegalArgumentException if two different settings share a key or an environment
     *     variable name
     */
    public ConfigurationLoader declare(Collection<? extends Setting<?>> settings) {
        settings.forEach(known::add);
        return this;
    }

    /**
     * Reads this file as the file layer.
     *
     * @param configFile a {@code .properties}, {@code .yaml} or {@code .yml} file; null for none
     * @return this
     */
    public ConfigurationLoader file(Path configFile) {
        this.file = configFile;
        return this;
    }

    /**
     * Uses these variables instead of the process's environment.
     *
     * @param variables name to value
     * @return this
     */
    public ConfigurationLoader environment(Map<String, String> variables) {
        this.environment = new MapConfiguration(new HashMap<>(variables));
        return this;
    }

    /**
     * Uses these properties instead of the process's system properties.
     *
     * @param properties name to value
     * @return this
     */
    public ConfigurationLoader systemProperties(Map<String, String> properties) {
        this.systemProperties = new MapConfiguration(new HashMap<>(properties));
        return this;
    }

    /**
     * Overrides a value, above every other layer. A later override of the same key wins.
     *
     * @param key the full key
     * @param value the value as text
     * @param origin how it was set, as printed in errors: {@code command line (-s)}
     * @return this
     */
    public ConfigurationLoader set(String key, String value, String origin) {
        overrides.add(new RawValue(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"),
                ValueSource.override(origin)));
        return this;
    }

    /**
     * Adds a check that needs more than the setting's own parser, e.g. that a transport name names
     * a discovered plugin. It runs on every value of the setting that parsed.
     *
     * @param setting the setting, as declared
     * @param problem returns null when the value is fine, otherwise a phrase starting with
     *     "must be", naming what is allowed
     * @param <T> the value's type
     * @return this
     */
    @SuppressWarnings("unchecked")
    public <T> ConfigurationLoader constraint(Setting<T> setting, Function<? super T, String> problem) {
        constraints.computeIfAbsent(setting.key(), k -> new ArrayList<>()).add(v -> problem.apply((T) v));
        return this;
    }

    /**
     * Reads and validates every layer.
     *
     * @return the settings
     * @throws InvalidConfigurationException with every problem found, in layer order
     */
    public ValidatedSettings load() {
        List<String> problems = new ArrayList<>();
        Map<String, ValidatedSettings.Value> winners = new LinkedHashMap<>();
        for (Setting<?> setting : known.all()) {
            winners.put(setting.key(), ValidatedSettings.Value.byDefault(setting));
        }
        // Keys some layer gave a value, valid or not: their defaults are not in play.
        Set<String> given = new HashSet<>();
        List<RawValue> fileValues = readFile(problems);
        reportRepeatedKeys(fileValues, problems);
        validate(fileValues, winners, given, problems);
        Configuration env = environment != null ? environment : new EnvironmentConfiguration();
        validate(ProcessLayers.environment(env, known, problems), winners, given, problems);
        Configuration properties = systemProperties != null ? systemProperties : new SystemConfiguration();
        validate(ProcessLayers.systemProperties(properties), winners, given, problems);
        validate(overrides, winners, given, problems);
        checkDefaults(winners, given, problems);
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return new ValidatedSettings(winners);
    }

    private List<RawValue> readFile(List<String> problems) {
        if (file == null) {
            return List.of();
        }
        try {
            return ConfigFile.read(file);
        } catch (InvalidConfigurationException e) {
            problems.addAll(e.problems());
            return List.of();
        }
    }

    /** A key written twice in one file is a mistake whichever copy the author meant. */
    private static void reportRepeatedKeys(List<RawValue> values, List<String> problems) {
        Map<String, List<RawValue>> byKey = values.stream()
                .collect(Collectors.groupingBy(RawValue::key, LinkedHashMap::new, Collectors.toList()));
        byKey.forEach((key, copies) -> {
            if (copies.size() > 1) {
                problems.add(key + " is set " + copies.size() + " times in the configuration file ("
                        + copies.stream().map(v -> v.source().description()).collect(Collectors.joining(", "))
                        + "); keep one");
            }
        });
    }

    private void validate(List<RawValue> values, Map<String, ValidatedSettings.Value> winners, Set<String> given,
            List<String> problems) {
        for (RawValue raw : values) {
            Setting<?> setting = known.byKey(raw.key());
            if (setting == null) {
                problems.add(unknownKey(raw));
                continue;
            }
            given.add(raw.key());
            if (raw.text() == null) {
                problems.add(raw.describe() + ": must be " + setting.allowed());
                continue;
            }
            Object value;
            try {
                value = setting.parse(raw.text());
            } catch (IllegalArgumentException e) {
                problems.add(raw.describe() + ": " + e.getMessage());
                continue;
            }
            String broken = constraints.getOrDefault(raw.key(), List.of()).stream()
                    .map(check -> check.apply(value)).filter(Objects::nonNull).findFirst().orElse(null);
            if (broken != null) {
                problems.add(raw.describe() + ": " + broken);
                continue;
            }
            winners.put(raw.key(), winners.get(raw.key()).replacedBy(value, raw.source()));
        }
    }

    /** A default no layer replaced must pass the constraints too (a default transport may be absent). */
    private void checkDefaults(Map<String, ValidatedSettings.Value> winners, Set<String> given,
            List<String> problems) {
        for (ValidatedSettings.Value winner : winners.values()) {
            if (given.contains(winner.setting().key())) {
                continue;
            }
            for (Function<Object, String> check : constraints.getOrDefault(winner.setting().key(), List.of())) {
                String broken = check.apply(winner.value());
                if (broken != null) {
                    RawValue raw = new RawValue(winner.setting().key(), ValidatedSettings.format(winner), winner.source());
                    problems.add(raw.describe() + ": " + broken);
                    break;
                }
            }
        }
    }

    private String unknownKey(RawValue raw) {
        if (!raw.key().startsWith("synack.")) {
            String hint = known.byKey("synack." + raw.key()) != null ? "synack." + raw.key()
                    : KeySuggestions.closest(raw.key(), known.keys()).orElse(null);
            return raw.describe() + ": not a synack setting (every key lives under 'synack.')"
                    + (hint == null ? "" : "; did you mean '" + hint + "'?");
        }
        return raw.describe() + ": unknown setting" + KeySuggestions.closest(raw.key(), known.keys())
                .map(s -> "; did you mean '" + s + "'?").orElse("");
    }
}
