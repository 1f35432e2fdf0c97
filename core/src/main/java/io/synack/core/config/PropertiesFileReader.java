package io.synack.core.config;

import io.synack.api.InvalidConfigurationException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;

/**
 * Reads a {@code .properties} file with Commons Configuration's {@link PropertiesConfiguration},
 * remembering the line each key starts on.
 *
 * <p>The library's reader is a {@link java.io.LineNumberReader} that skips comment and blank lines
 * before each property and keeps them as "comment lines"; the line a property starts on is
 * therefore the line count before it, plus those skipped lines, plus one. Includes are disabled: an
 * {@code include} key would make line numbers point into another file.
 */
final class PropertiesFileReader {

    /** {@code \\u} not followed by four hex digits, after an even number of backslashes. */
    private static final Pattern BAD_UNICODE_ESCAPE = Pattern.compile("(?<!\\\\)(?:\\\\\\\\)*\\\\u(?![0-9a-fA-F]{4})");

    private PropertiesFileReader() {}

    static List<RawValue> read(Path file, String content) {
        List<RawValue> values = new ArrayList<>();
        PropertiesConfiguration configuration = new PropertiesConfiguration();
        configuration.setIncludesAllowed(false);
        configuration.setIOFactory(new PropertiesConfiguration.DefaultIOFactory() {
            @Override
            public PropertiesConfiguration.PropertiesReader createPropertiesReader(Reader in) {
                return new LineRecordingReader(in, file, values);
            }
        });
        try {
            configuration.read(new StringReader(content));
        } catch (InvalidConfigurationException e) {
            throw e;
        } catch (ConfigurationException | IOException | RuntimeException e) {
            // The library throws (runtime) exceptions for e.g. a malformed \\u escape.
            throw new InvalidConfigurationException("configuration file " + file
                    + " is not a valid properties file: " + rootMessage(e));
        }
        return values;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    /** The library's reader, reporting each property with the line it starts on. */
    private static final class LineRecordingReader extends PropertiesConfiguration.PropertiesReader {
        private final Path file;
        private final List<RawValue> values;

        LineRecordingReader(Reader in, Path file, List<RawValue> values) {
            super(in);
            this.file = file;
            this.values = values;
        }

        @Override
        public boolean nextProperty() throws IOException {
            int linesBefore = getLineNumber();
            try {
                if (!super.nextProperty()) {
                    return false;
                }
            } catch (MalformedEscapeException e) {
                throw new InvalidConfigurationException("configuration file " + file + ":"
                        + (linesBefore + getCommentLines().size() + 1) + ": not a valid properties file: "
                        + e.getMessage());
            }
            int line = linesBefore + getCommentLines().size() + 1;
            values.add(new RawValue(getPropertyName(), getPropertyValue(), ValueSource.file(file, line)));
            return true;
        }

        @Override
        protected String unescapePropertyName(String name) {
            return super.unescapePropertyName(checkEscapes(name));
        }

        @Override
        protected String unescapePropertyValue(String value) {
            return super.unescapePropertyValue(checkEscapes(value));
        }

        /** The library silently drops a truncated {@code \\u} escape; a user should hear of it. */
        private static String checkEscapes(String text) {
            Matcher m = BAD_UNICODE_ESCAPE.matcher(text);
            if (m.find()) {
                throw new MalformedEscapeException("malformed \\u escape (four hex digits needed) in \"" + text + "\"");
            }
            return text;
        }
    }

    /** A malformed escape, reported with its line by {@link LineRecordingReader#nextProperty}. */
    private static final class MalformedEscapeException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MalformedEscapeException(String message) {
            super(message);
        }
    }
}
