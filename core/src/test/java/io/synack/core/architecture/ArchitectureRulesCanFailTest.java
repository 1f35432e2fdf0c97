package io.synack.core.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.synack.core.architecture.violations.api.LeakyApi;
import io.synack.core.architecture.violations.api.clean.CleanApi;
import io.synack.core.architecture.violations.core.CoreThing;
import io.synack.core.architecture.violations.core.CoreUsingTransport;
import io.synack.core.architecture.violations.engine.AsyncEngine;
import io.synack.core.architecture.violations.engine.ChannelEngine;
import io.synack.core.architecture.violations.engine.ClockFieldEngine;
import io.synack.core.architecture.violations.engine.ExecutorEngine;
import io.synack.core.architecture.violations.engine.FileEngine;
import io.synack.core.architecture.violations.engine.InstantEngine;
import io.synack.core.architecture.violations.engine.NanoTimeEngine;
import io.synack.core.architecture.violations.engine.PrintingEngine;
import io.synack.core.architecture.violations.engine.RandomEngine;
import io.synack.core.architecture.violations.engine.SleepingEngine;
import io.synack.core.architecture.violations.engine.SocketEngine;
import io.synack.core.architecture.violations.engine.ThreadEngine;
import io.synack.core.architecture.violations.engine.WaitingEngine;
import io.synack.core.architecture.violations.engine.clean.CleanEngine;
import io.synack.core.architecture.violations.transport.loopback.LoopbackEndpoint;
import io.synack.core.architecture.violations.transport.loopback.LoopbackUsingCore;
import io.synack.core.architecture.violations.transport.rawsocket.RawUsingLoopback;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule fails on a class written to break it, and passes on a class that does everything the
 * rule allows, so that neither a vacuous nor an over-broad rule goes unnoticed.
 */
class ArchitectureRulesCanFailTest {

    static final String FIXTURES = "io.synack.core.architecture.violations";
    static final String ENGINE = FIXTURES + ".engine..";

    static final List<Function<String, ArchRule>> ENGINE_RULES = List.of(ArchitectureRules::engineDoesNoIo,
            ArchitectureRules::engineStartsNoThreads, ArchitectureRules::engineReadsNoClock,
            ArchitectureRules::engineDoesNotSleep, ArchitectureRules::engineDrawsNoAmbientRandomness);

    static Stream<Arguments> engineViolations() {
        return Stream.of(
                Arguments.of("I/O", (Function<String, ArchRule>) ArchitectureRules::engineDoesNoIo, SocketEngine.class, "DatagramSocket"),
                Arguments.of("I/O", (Function<String, ArchRule>) ArchitectureRules::engineDoesNoIo, ChannelEngine.class, "DatagramChannel"),
                Arguments.of("I/O", (Function<String, ArchRule>) ArchitectureRules::engineDoesNoIo, FileEngine.class, "java.nio.file.Files"),
                Arguments.of("I/O", (Function<String, ArchRule>) ArchitectureRules::engineDoesNoIo, PrintingEngine.class, "System.out"),
                Arguments.of("threads", (Function<String, ArchRule>) ArchitectureRules::engineStartsNoThreads, ThreadEngine.class, "java.lang.Thread"),
                Arguments.of("threads", (Function<String, ArchRule>) ArchitectureRules::engineStartsNoThreads, ExecutorEngine.class, "Executors"),
                Arguments.of("threads", (Function<String, ArchRule>) ArchitectureRules::engineStartsNoThreads, AsyncEngine.class, "runAsync"),
                Arguments.of("clock", (Function<String, ArchRule>) ArchitectureRules::engineReadsNoClock, NanoTimeEngine.class, "System.nanoTime()"),
                Arguments.of("clock", (Function<String, ArchRule>) ArchitectureRules::engineReadsNoClock, InstantEngine.class, "Instant.now()"),
                Arguments.of("clock", (Function<String, ArchRule>) ArchitectureRules::engineReadsNoClock, ClockFieldEngine.class, "java.time.Clock"),
                Arguments.of("sleep", (Function<String, ArchRule>) ArchitectureRules::engineDoesNotSleep, SleepingEngine.class, "TimeUnit.sleep(long)"),
                Arguments.of("sleep", (Function<String, ArchRule>) ArchitectureRules::engineDoesNotSleep, WaitingEngine.class, "wait(long)"),
                Arguments.of("randomness", (Function<String, ArchRule>) ArchitectureRules::engineDrawsNoAmbientRandomness, RandomEngine.class, "Random.<init>()"));
    }

    @ParameterizedTest(name = "{0} rule fails on {2}")
    @MethodSource("engineViolations")
    void engineRuleFailsOnItsViolation(String name, Function<String, ArchRule> rule, Class<?> violator, String evidence) {
        EvaluationResult result = rule.apply(ENGINE).evaluate(only(violator));

        assertTrue(result.hasViolation(), name + " rule missed " + violator.getSimpleName());
        String report = String.join("\n", result.getFailureReport().getDetails());
        assertTrue(report.contains(violator.getName()) && report.contains(evidence), report);
    }

    @Test
    void everyEngineRulePassesOnAnEngineThatTakesTimeAndRandomnessAsParameters() {
        for (Function<String, ArchRule> rule : ENGINE_RULES) {
            EvaluationResult result = rule.apply(ENGINE).evaluate(only(CleanEngine.class));
            assertFalse(result.hasViolation(), () -> String.join("\n", result.getFailureReport().getDetails()));
        }
    }

    @Test
    void everyEngineFixtureBreaksExactlyTheRuleItIsFor() {
        engineViolations().forEach(arguments -> {
            Object[] a = arguments.get();
            Class<?> violator = (Class<?>) a[2];
            long broken = ENGINE_RULES.stream().filter(r -> r.apply(ENGINE).evaluate(only(violator)).hasViolation()).count();
            // ThreadEngine's Thread dependency is its only sin; SleepingEngine's TimeUnit is a value type.
            assertTrue(broken == 1, violator.getSimpleName() + " breaks " + broken + " engine rules");
        });
    }

    @Test
    void apiRuleFailsOnALibraryTypeInTheApi() {
        ArchRule rule = ArchitectureRules.apiDependsOnlyOnJdkAndJakartaInject(FIXTURES + ".api..");

        EvaluationResult leaky = rule.evaluate(only(LeakyApi.class));
        assertTrue(leaky.hasViolation());
        assertTrue(String.join("\n", leaky.getFailureReport().getDetails()).contains("com.google.inject.Injector"));
        EvaluationResult clean = rule.evaluate(only(CleanApi.class));
        assertFalse(clean.hasViolation(), () -> String.join("\n", clean.getFailureReport().getDetails()));
    }

    @Test
    void coreRuleFailsOnCoreNamingATransport() {
        ArchRule rule = ArchitectureRules.coreDependsOnNoTransport(FIXTURES + ".core..", FIXTURES + ".transport..");

        assertTrue(rule.evaluate(only(CoreUsingTransport.class, LoopbackEndpoint.class)).hasViolation());
        assertFalse(rule.evaluate(only(CoreThing.class, LoopbackEndpoint.class)).hasViolation());
    }

    @Test
    void transportRuleFailsOnATransportReachingIntoCore() {
        ArchRule rule = ArchitectureRules.transportsDependOnNoCore(FIXTURES + ".transport..", FIXTURES + ".core..");

        assertTrue(rule.evaluate(only(LoopbackUsingCore.class, CoreThing.class)).hasViolation());
        assertFalse(rule.evaluate(only(LoopbackEndpoint.class, CoreThing.class)).hasViolation());
    }

    @Test
    void transportsRuleFailsOnOneTransportUsingAnother() {
        ArchRule rule = ArchitectureRules.transportsAreIndependent(FIXTURES + ".transport.(*)..");

        assertTrue(rule.evaluate(only(RawUsingLoopback.class, LoopbackEndpoint.class)).hasViolation());
        assertFalse(rule.evaluate(only(LoopbackUsingCore.class, LoopbackEndpoint.class, CoreThing.class)).hasViolation());
    }

    /** Every fixture, imported once (importing resolves JDK types, which is the slow part). */
    private static final JavaClasses FIXTURE_CLASSES = new ClassFileImporter().importPackages(FIXTURES);

    private static JavaClasses only(Class<?>... classes) {
        Set<String> names = Arrays.stream(classes).map(Class::getName).collect(Collectors.toSet());
        JavaClasses subset = FIXTURE_CLASSES.that(describe("one of " + names, c -> names.contains(c.getName())));
        assertTrue(subset.size() == classes.length, "fixtures missing from the import: " + names);
        return subset;
    }
}
