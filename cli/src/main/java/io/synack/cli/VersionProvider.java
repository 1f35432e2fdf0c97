package io.synack.cli;

import picocli.CommandLine.IVersionProvider;

/** Prints the version of the synack jars and of the JVM running them. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = SynackCommand.class.getPackage().getImplementationVersion();
        return new String[] {
            "synack " + (version == null ? "0.1.0-SNAPSHOT" : version),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
