package io.synack.core.config;

import io.synack.api.InvalidConfigurationException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads a configuration file, choosing the format by its extension: {@code .properties},
 * {@code .yaml} or {@code .yml}. The file must be UTF-8 text.
 */
final class ConfigFile {

    private ConfigFile() {}

    /**
     * Reads every key of the file, in file order, with the line each was written on.
     *
     * @param file the file, as the user named it
     * @return the values
     * @throws InvalidConfigurationException if the file is missing, unreadable or malformed
     */
    static List<RawValue> read(Path file) {
        Format format = Format.of(file);
        String content = readText(file);
        return format == Format.PROPERTIES
                ? PropertiesFileReader.read(file, content)
                : YamlFileReader.read(file, content);
    }

    private static String readText(Path file) {
        if (Files.isDirectory(file)) {
            throw new InvalidConfigurationException("configuration file " + file + " is a directory, not a file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidConfigurationException("configuration file " + file + " does not exist");
        } catch (IOException e) {
            throw new InvalidConfigurationException("configuration file " + file + " cannot be read: " + e);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidConfigurationException("configuration file " + file + " is not UTF-8 text");
        }
    }

    private enum Format {
        PROPERTIES, YAML;

        static Format of(Path file) {
            Path name = file.getFileName();
            String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
            if (lower.endsWith(".properties")) {
                return PROPERTIES;
            }
            if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
                return YAML;
            }
            throw new InvalidConfigurationException("configuration file " + file
                    + " has an unknown format: its name must end in .properties, .yaml or .yml");
        }
    }
}
