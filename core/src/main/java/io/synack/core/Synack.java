package io.synack.core;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.Provider;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import io.synack.api.InvalidConfigurationException;
import io.synack.core.config.ConfigurationLoader;
import io.synack.core.config.CoreSettings;
import io.synack.core.config.ValidatedSettings;
import io.synack.core.engine.EngineSettings;
import io.synack.core.plugin.DiscoveredPlugin;
import io.synack.core.plugin.PluginException;
import io.synack.core.plugin.SynackModule;
import io.synack.core.plugin.TransportPlugins;
import io.synack.spi.Setting;
import io.synack.spi.TransportFactory;
import io.synack.spi.TransportPlugin;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The entry point for applications and for the CLI (the composition root): discovers transport
 * plugins, loads and validates the configuration, and creates the one Guice injector.
 *
 * <pre>{@code
 * SynackRuntime synack = Synack.builder()
 *         .configFile(Path.of("synack.yaml"))
 *         .set("synack.tcp.msl", "10s")
 *         .build();
 * TransportFactory transport = synack.transportFactory();
 * }</pre>
 */
public final class Synack {

    private Synack() {}

    /** A builder reading the process's environment and system properties. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects the configuration sources, settings and modules of one runtime. Use once. */
    public static final class Builder {

        private final List<Setting<?>> extraSettings = new ArrayList<>();
        private final List<Module> modules = new ArrayList<>();
        private final List<TransportPlugin> explicitPlugins = new ArrayList<>();
        private final List<String[]> overrides = new ArrayList<>();
        private Path configFile;
        private Map<String, String> environment;
        private Map<String, String> systemProperties;
        private ClassLoader classLoader;

        private Builder() {}

        /**
         * Reads this configuration file ({@code .properties}, {@code .yaml} or {@code .yml}).
         *
         * @param file the file; null for none
         * @return this
         */
        public Builder configFile(Path file) {
            this.configFile = file;
            return this;
        }

        /**
         * Overrides a value above every other layer; errors and the effective configuration name its
         * source "set programmatically".
         *
         * @param key the full key, e.g. {@code synack.tcp.msl}
         * @param value the value as text, e.g. {@code 10s}
         * @return this
         */
        public Builder set(String key, String value) {
            return set(key, value, "set programmatically");
        }

        /**
         * Overrides a value above every other layer, naming where it came from.
         *
         * @param key the full key
         * @param value the value as text
         * @param origin the source printed in errors and the effective configuration, e.g.
         *     {@code command line (-s)} or {@code command line (--transport)}
         * @return this
         */
        public Builder set(String key, String value, String origin) {
            overrides.add(new String[] {Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"),
                    Objects.requireNonNull(origin, "origin")});
            return this;
        }

        /**
         * Declares settings besides those always declared (core's, the engine's and the plugins'):
         * an application's own, under {@code synack.}. The same {@link Setting} object declared
         * twice is harmless; a different one with a taken key is refused.
         *
         * @param settings the settings
         * @return this
         */
        public Builder extraSettings(Collection<? extends Setting<?>> settings) {
            extraSettings.addAll(settings);
            return this;
        }

        /**
         * Adds Guice modules to the injector, after core's and the plugins'.
         *
         * @param extra the modules
         * @return this
         */
        public Builder modules(Module... extra) {
            return modules(List.of(extra));
        }

        /**
         * Adds Guice modules to the injector, after core's and the plugins'.
         *
         * @param extra the modules
         * @return this
         */
        public Builder modules(Collection<? extends Module> extra) {
            modules.addAll(extra);
            return this;
        }

        /**
         * Registers a transport plugin without a {@code META-INF/services} entry (embedding). It is
         * checked like a discovered one, so it must also be a Guice module.
         *
         * @param plugin the plugin
         * @return this
         */
        public Builder plugin(TransportPlugin plugin) {
            explicitPlugins.add(Objects.requireNonNull(plugin, "plugin"));
            return this;
        }

        /**
         * Uses these variables instead of the process's environment (for tests and embedding).
         *
         * @param variables name to value
         * @return this
         */
        public Builder environment(Map<String, String> variables) {
            this.environment = Map.copyOf(variables);
            return this;
        }

        /**
         * Uses these properties instead of the process's system properties.
         *
         * @param properties name to value
         * @return this
         */
        public Builder systemProperties(Map<String, String> properties) {
            this.systemProperties = Map.copyOf(properties);
            return this;
        }

        /**
         * Looks for plugins with this class loader instead of the thread's context class loader.
         *
         * @param loader the class loader
         * @return this
         */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = loader;
            return this;
        }

        /**
         * Discovers plugins, validates the configuration and creates the injector.
         *
         * @return the runtime
         * @throws PluginException if a plugin is broken (before the configuration is read)
         * @throws InvalidConfigurationException with every configuration problem
         * @throws CreationException if a Guice module's bindings are inconsistent
         * @throws IllegalArgumentException if an extra setting takes a key already declared
         */
        public SynackRuntime build() {
            TransportPlugins plugins = TransportPlugins.discover(effectiveClassLoader(), explicitPlugins);
            ValidatedSettings settings = loadConfiguration(plugins);
            List<Module> all = new ArrayList<>();
            all.add(new SynackModule(settings, plugins));
            all.addAll(plugins.modules());
            all.addAll(modules);
            // DEVELOPMENT keeps singletons lazy: PRODUCTION would build every plugin's factory.
            Injector injector = Guice.createInjector(Stage.DEVELOPMENT, all);
            checkEveryPluginBoundItsFactory(injector, plugins);
            return new SynackRuntime(injector);
        }

        private ClassLoader effectiveClassLoader() {
            if (classLoader != null) {
                return classLoader;
            }
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            return context != null ? context : Synack.class.getClassLoader();
        }

        private ValidatedSettings loadConfiguration(TransportPlugins plugins) {
            ConfigurationLoader loader = new ConfigurationLoader().declare(CoreSettings.all())
                    .declare(EngineSettings.all()).declare(extraSettings);
            for (DiscoveredPlugin plugin : plugins.all()) {
                try {
                    loader.declare(plugin.settings());
                } catch (IllegalArgumentException e) {
                    throw new PluginException(List.of("transport plugin " + plugin.pluginClass() + ": " + e.getMessage()));
                }
            }
            loader.file(configFile).constraint(CoreSettings.TRANSPORT, plugins::problemWithName);
            if (environment != null) {
                loader.environment(environment);
            }
            if (systemProperties != null) {
                loader.systemProperties(systemProperties);
            }
            overrides.forEach(o -> loader.set(o[0], o[1], o[2]));
            return loader.load();
        }

        private static void checkEveryPluginBoundItsFactory(Injector injector, TransportPlugins plugins) {
            Map<String, Provider<TransportFactory>> factories =
                    injector.getInstance(Key.get(new TypeLiteral<Map<String, Provider<TransportFactory>>>() {}));
            List<String> problems = new ArrayList<>();
            for (DiscoveredPlugin plugin : plugins.all()) {
                if (!factories.containsKey(plugin.name())) {
                    problems.add("transport plugin " + plugin.pluginClass() + " binds no TransportFactory under '"
                            + plugin.name() + "'; its configure() must call MapBinder.newMapBinder(binder(), "
                            + "String.class, TransportFactory.class).addBinding(\"" + plugin.name() + "\")");
                }
            }
            TreeSet<String> orphans = new TreeSet<>(factories.keySet());
            orphans.removeAll(plugins.names());
            for (String orphan : orphans) {
                problems.add("a TransportFactory is bound under '" + orphan + "' but no transport plugin is named '"
                        + orphan + "'; bind factories from a TransportPlugin (see Synack.Builder.plugin)");
            }
            if (!problems.isEmpty()) {
                throw new PluginException(problems);
            }
        }
    }
}
