package io.synack.core.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Class loaders for plugin discovery tests: the test classpath's own fixture plugins only (other
 * modules' plugins, such as loopback, are on core's test classpath for end-to-end tests and are
 * hidden here), optionally plus one extra services file, as an extra jar would add.
 */
final class ServiceFiles {

    private static final String SERVICES = "META-INF/services/io.synack.spi.TransportPlugin";

    private ServiceFiles() {}

    /**
     * A loader that sees the test classpath but, of all the plugin services files on it, only the
     * one beside this class (core's test resources).
     */
    static ClassLoader fixturesOnly() {
        String own = ownServicesFile();
        return new ClassLoader(ServiceFiles.class.getClassLoader()) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                Enumeration<URL> all = super.getResources(name);
                if (!SERVICES.equals(name)) {
                    return all;
                }
                List<URL> kept = new ArrayList<>();
                while (all.hasMoreElements()) {
                    URL url = all.nextElement();
                    if (url.toString().equals(own)) {
                        kept.add(url);
                    }
                }
                return Collections.enumeration(kept);
            }
        };
    }

    /** The services file in the classpath root this class was loaded from. */
    private static String ownServicesFile() {
        try {
            URL root = ServiceFiles.class.getProtectionDomain().getCodeSource().getLocation();
            return new URL(root, SERVICES).toString();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param dir an empty directory to act as the extra jar's root
     * @param pluginClasses the class names the extra jar's services file lists
     * @return a loader seeing the test classpath and that file
     */
    static ClassLoader withPlugins(Path dir, String... pluginClasses) {
        try {
            Path services = dir.resolve("META-INF/services");
            Files.createDirectories(services);
            Files.writeString(services.resolve("io.synack.spi.TransportPlugin"), String.join("\n", pluginClasses) + "\n");
            return new URLClassLoader(new URL[] {dir.toUri().toURL()}, fixturesOnly());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
