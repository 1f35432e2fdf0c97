package io.synack.core.plugin;

import com.google.inject.Module;
import io.synack.core.config.CoreSettings;
import io.synack.spi.Setting;
import io.synack.spi.TransportPlugin;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The transport plugins of one runtime, by name: those {@link ServiceLoader} finds through
 * {@code META-INF/services/io.synack.spi.TransportPlugin}, plus any an embedding application hands
 * over directly. Each is checked once; every problem with every plugin is reported together.
 */
public final class TransportPlugins {

    /** ServiceLoader may fail on the same broken entry forever; give up after this many errors. */
    private static final int MAX_LOAD_ERRORS = 32;

    private final Map<String, DiscoveredPlugin> byName;

    private TransportPlugins(Map<String, DiscoveredPlugin> byName) {
        this.byName = Collections.unmodifiableMap(new TreeMap<>(byName));
    }

    /**
     * Finds and checks the plugins visible to {@code classLoader}, plus {@code explicit} ones.
     *
     * @param classLoader where {@link ServiceLoader} looks
     * @param explicit plugin objects an application registers without a services file
     * @return the plugins
     * @throws PluginException naming every broken plugin's class and what is wrong with it
     */
    public static TransportPlugins discover(ClassLoader classLoader, Collection<? extends TransportPlugin> explicit) {
        List<String> problems = new ArrayList<>();
        List<TransportPlugin> found = load(classLoader, problems);
        found.addAll(explicit);
        Map<String, DiscoveredPlugin> byName = new LinkedHashMap<>();
        for (TransportPlugin plugin : found) {
            DiscoveredPlugin checked = check(plugin, problems);
            if (checked == null) {
                continue;
            }
            DiscoveredPlugin taken = byName.putIfAbsent(checked.name(), checked);
            if (taken != null) {
                problems.add("transport plugins " + taken.pluginClass() + " and " + checked.pluginClass()
                        + " are both named '" + checked.name() + "'; remove one of them from the classpath");
            }
        }
        if (!problems.isEmpty()) {
            throw new PluginException(problems);
        }
        return new TransportPlugins(byName);
    }

    private static List<TransportPlugin> load(ClassLoader classLoader, List<String> problems) {
        List<TransportPlugin> found = new ArrayList<>();
        Iterator<TransportPlugin> it = ServiceLoader.load(TransportPlugin.class, classLoader).iterator();
        int errors = 0;
        while (errors < MAX_LOAD_ERRORS) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                errors++;
                problems.add("a transport plugin could not be loaded: " + e.getMessage()
                        + (e.getCause() != null ? " (" + e.getCause() + ")" : ""));
            }
        }
        return found;
    }

    /** The plugin's own answers, read once and checked; null (with problems added) if broken. */
    private static DiscoveredPlugin check(TransportPlugin plugin, List<String> problems) {
        String type = plugin.getClass().getName();
        int before = problems.size();
        if (!(plugin instanceof Module)) {
            problems.add("transport plugin " + type + " is not a Guice module: it must extend "
                    + "com.google.inject.AbstractModule and bind its TransportFactory in "
                    + "MapBinder<String, TransportFactory>");
        }
        String name;
        String description;
        List<Setting<?>> settings;
        try {
            name = plugin.name();
            description = plugin.description();
            settings = plugin.settings();
        } catch (RuntimeException e) {
            problems.add("transport plugin " + type + " failed to describe itself: " + e);
            return null;
        }
        if (name == null || !CoreSettings.TRANSPORT_NAME.matcher(name).matches()) {
            problems.add("transport plugin " + type + " has the name " + (name == null ? "null" : "'" + name + "'")
                    + "; a name must be lower-case letters, digits and '-', starting with a letter");
        }
        if (description == null || description.isBlank()) {
            problems.add("transport plugin " + type + " has no description");
        }
        if (settings == null) {
            problems.add("transport plugin " + type + " returned null settings; return an empty list instead");
        } else if (name != null) {
            String namespace = "synack." + name + ".";
            for (Setting<?> setting : settings) {
                if (setting == null || !setting.key().startsWith(namespace)) {
                    problems.add("transport plugin " + type + " declares the setting "
                            + (setting == null ? "null" : setting.key()) + ", outside its namespace " + namespace + "*");
                }
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new DiscoveredPlugin(name, description, settings, type, (Module) plugin);
    }

    /** The plugins' names, sorted. */
    public Set<String> names() {
        return byName.keySet();
    }

    /** The plugins, sorted by name. */
    public Collection<DiscoveredPlugin> all() {
        return byName.values();
    }

    /**
     * A plugin by name.
     *
     * @param name the plugin's name
     * @return the plugin, or null if none has that name
     */
    public DiscoveredPlugin byName(String name) {
        return byName.get(name);
    }

    /** Every plugin's settings. */
    public List<Setting<?>> settings() {
        List<Setting<?>> all = new ArrayList<>();
        byName.values().forEach(p -> all.addAll(p.settings()));
        return all;
    }

    /** Every plugin's Guice module. */
    public List<Module> modules() {
        return byName.values().stream().map(DiscoveredPlugin::module).toList();
    }

    /**
     * Why {@code name} is not a transport, as a phrase starting with "must be", or null if it is.
     *
     * @param name a configured transport name
     * @return the problem, or null
     */
    public String problemWithName(String name) {
        if (byName.containsKey(name)) {
            return null;
        }
        if (byName.isEmpty()) {
            return "must be the name of a transport plugin, but none was found on the classpath "
                    + "(add synack-transport-loopback or another transport jar)";
        }
        return "must be one of the discovered transports: " + String.join(", ", byName.keySet());
    }
}
