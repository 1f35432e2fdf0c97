package io.synack.core.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.util.regex.Pattern;

/**
 * Imports main code only: not test classes directories, and not test-jars (api's TCK is JUnit code
 * in the {@code io.synack.spi} namespace, and may depend on what it likes).
 */
final class ProductionClasses implements ImportOption {

    private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar.*");

    @Override
    public boolean includes(Location location) {
        return ImportOption.Predefined.DO_NOT_INCLUDE_TESTS.includes(location)
                && !location.matches(TEST_JAR);
    }
}
