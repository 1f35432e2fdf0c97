package io.synack.core.config;

import io.synack.spi.Setting;
import io.synack.spi.Settings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The validated, immutable configuration: for every declared setting, its effective value and
 * where that value came from. Built by {@link ConfigurationLoader}.
 */
public final class ValidatedSettings implements Settings {

    /**
     * One key's winning value, and the sources of the values it overrode (lowest layer first).
     */
    record Value(Setting<?> setting, Object value, ValueSource source, List<ValueSource> overridden) {

        /** A default, which overrides nothing. */
        static Value byDefault(Setting<?> setting) {
            return new Value(setting, setting.defaultValue(), ValueSource.defaultValue(), List.of());
        }

        /** This value replaced by {@code next} from a higher layer. */
        Value replacedBy(Object nextValue, ValueSource nextSource) {
            List<ValueSource> under = new ArrayList<>(overridden);
            if (source.layer() != ValueSource.Layer.DEFAULT) {
                under.add(source);
            }
            return new Value(setting, nextValue, nextSource, List.copyOf(under));
        }
    }

    private final Map<String, Value> values;

    ValidatedSettings(Map<String, Value> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The setting is looked up by key. A different {@link Setting} object with the same key (a
     * plugin that builds its settings on each call) gets the value re-read through its own parser.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        Value v = values.get(setting.key());
        if (v == null) {
            throw new IllegalArgumentException("the setting " + setting.key()
                    + " was never declared to the configuration; declared: " + values.keySet());
        }
        if (v.setting() == setting) {
            return (T) v.value();
        }
        if (v.source().layer() == ValueSource.Layer.DEFAULT) {
            return setting.defaultValue();
        }
        return setting.parse(format(v));
    }

    /**
     * Where a key's effective value came from.
     *
     * @param key a declared key
     * @return the source
     * @throws IllegalArgumentException if the key was never declared
     */
    public ValueSource sourceOf(String key) {
        Value v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("the setting " + key + " was never declared to the configuration");
        }
        return v.source();
    }

    /** Every declared key, sorted. */
    public Set<String> keys() {
        return values.keySet();
    }

    /**
     * The effective configuration: one row per declared key, sorted by key.
     *
     * @return the rows
     */
    public List<EffectiveSetting> effective() {
        List<EffectiveSetting> rows = new ArrayList<>(values.size());
        for (Value v : values.values()) {
            rows.add(new EffectiveSetting(v.setting().key(), format(v), v.source(), v.overridden(),
                    v.setting().description(), v.setting().allowed()));
        }
        return List.copyOf(rows);
    }

    @SuppressWarnings("unchecked")
    static <T> String format(Value v) {
        return ((Setting<T>) v.setting()).format((T) v.value());
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (EffectiveSetting row : effective()) {
            out.append(row.key()).append(" = ").append(row.value()).append(" (").append(row.source()).append(")\n");
        }
        return out.toString();
    }
}
