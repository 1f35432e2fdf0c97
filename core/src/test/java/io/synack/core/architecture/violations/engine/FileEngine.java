package io.synack.core.architecture.violations.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a file: I/O. */
public class FileEngine {
    /** @param bytes what to write */
    public void save(byte[] bytes) throws IOException {
        Files.write(Path.of("engine.dump"), bytes);
    }
}
