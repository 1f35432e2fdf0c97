package io.synack.core.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Class loaders for plugin discovery tests: the test classpath's own fixture plugins only (other
 * modules' plugins, such as loopback, are on core's test classpath for end-to-end tests and are
 * hidden here), optionally plus one extra services file, as an extra jar would add.
 */
final class ServiceFiles {

    private static final String SERVICES = "META-INF/services/io.synack.spi.TransportPlugin";

    private ServiceFiles() {}

    /** A loader that sees the test classpath but only the services file of core's test resources. */
    static ClassLoader fixturesOnly() {
        return new ClassLoader(ServiceFiles.class.getClassLoader()) {
            @Override
            public java.util.Enumeration<URL> getResources(String name) throws IOException {
                java.util.Enumeration<URL> all = super.getResources(name);
                if (!SERVICES.equals(name)) {
                    return all;
                }
                java.util.List<URL> kept = new java.util.ArrayList<>();
                while (all.hasMoreElements()) {
                    URL url = all.nextElement();
                    if (url.toString().contains("/core/target/test-classes/")) {
                        kept.add(url);
                    }
                }
                return java.util.Collections.enumeration(kept);
            }
        };
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
