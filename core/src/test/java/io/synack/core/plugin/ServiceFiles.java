package io.synack.core.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/** Class loaders that see the test classpath plus one extra services file, as an extra jar would. */
final class ServiceFiles {

    private ServiceFiles() {}

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
            return new URLClassLoader(new URL[] {dir.toUri().toURL()}, ServiceFiles.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
