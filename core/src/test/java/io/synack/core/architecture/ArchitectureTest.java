package io.synack.core.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DESIGN.md §2 checked on the production classes on this module's classpath (core and api). */
class ArchitectureTest {

    static final String ENGINE = "io.synack.core.engine..";

    static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter().withImportOption(new ProductionClasses()).importPackages("io.synack");
    }

    @Test
    void importSeesCoreAndApiButNoTestCode() {
        assertTrue(production.contain(io.synack.core.engine.Engine.class));
        assertTrue(production.contain(io.synack.spi.TransportPlugin.class));
        assertFalse(production.contain(ArchitectureTest.class));
        assertFalse(production.stream().anyMatch(c -> c.getPackageName().startsWith("io.synack.spi.tck")),
                "api's test-jar (the TCK) must not count as API code");
    }

    @Test
    void engineDoesNoIo() {
        ArchitectureRules.engineDoesNoIo(ENGINE).check(production);
    }

    @Test
    void engineStartsNoThreads() {
        ArchitectureRules.engineStartsNoThreads(ENGINE).check(production);
    }

    @Test
    void engineReadsNoClock() {
        ArchitectureRules.engineReadsNoClock(ENGINE).check(production);
    }

    @Test
    void engineDoesNotSleep() {
        ArchitectureRules.engineDoesNotSleep(ENGINE).check(production);
    }

    @Test
    void engineDrawsNoAmbientRandomness() {
        ArchitectureRules.engineDrawsNoAmbientRandomness(ENGINE).check(production);
    }

    @Test
    void apiAndSpiDependOnlyOnJdkAndJakartaInject() {
        ArchitectureRules.apiDependsOnlyOnJdkAndJakartaInject("io.synack.api..", "io.synack.spi..").check(production);
    }

    @Test
    void coreDependsOnNoTransportAndNotOnTheCli() {
        ArchitectureRules.coreDependsOnNoTransport("io.synack.core..", "io.synack.transport..", "io.synack.cli..")
                .check(production);
    }

    @Test
    void transportsDependOnNoCoreWhereverTheyAreOnTheClasspath() {
        ArchitectureRules.transportsDependOnNoCore("io.synack.transport..", "io.synack.core..").check(production);
    }

    @Test
    void transportsAreIndependentWhereverTheyAreOnTheClasspath() {
        ArchitectureRules.transportsAreIndependent("io.synack.transport.(*)..").check(production);
    }
}
