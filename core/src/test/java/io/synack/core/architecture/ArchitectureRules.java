package io.synack.core.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget.CodeUnitCallTarget;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import java.io.Console;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.Reader;
import java.io.Writer;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.net.URLConnection;
import java.time.Clock;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.Timer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * The module rules of DESIGN.md §2 as ArchUnit rules, each taking the packages it speaks about so
 * that it can be run both on the real code and on a violating fixture (to show it can fail).
 * Transport modules may reuse them through core's test-jar.
 */
public final class ArchitectureRules {

    /** Classes that do I/O: sockets, channels, files, streams (the engine may use InetAddress as a value). */
    static final DescribedPredicate<JavaClass> IO_CLASSES = resideInAnyPackage("java.nio.channels..",
            "java.nio.file..", "java.net.http..")
            .or(assignableTo(Socket.class)).or(assignableTo(ServerSocket.class))
            .or(assignableTo(DatagramSocket.class)).or(assignableTo(URLConnection.class)).or(type(URL.class))
            .or(assignableTo(InputStream.class)).or(assignableTo(OutputStream.class))
            .or(assignableTo(Reader.class)).or(assignableTo(Writer.class))
            .or(assignableTo(File.class)).or(assignableTo(RandomAccessFile.class)).or(type(Console.class))
            .as("I/O classes (sockets, channels, files, streams)");

    /** Classes that start or own threads. */
    static final DescribedPredicate<JavaClass> THREAD_CLASSES = assignableTo(Thread.class)
            .or(assignableTo(ThreadGroup.class)).or(assignableTo(Executor.class)).or(type(Executors.class))
            .or(assignableTo(ThreadFactory.class)).or(assignableTo(Timer.class))
            .as("threads, executors, thread factories and timers");

    private ArchitectureRules() {}

    /**
     * The engine does no I/O (DESIGN.md §2): no sockets, channels, files, streams or standard output.
     *
     * @param enginePackage e.g. {@code io.synack.core.engine..}
     * @return the rule
     */
    public static ArchRule engineDoesNoIo(String enginePackage) {
        return noClasses().that().resideInAPackage(enginePackage)
                .should().dependOnClassesThat(IO_CLASSES)
                .orShould().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .orShould().accessField(System.class, "in")
                .because("the engine is sans-IO: transports and drivers do the I/O (DESIGN.md §2, §3)");
    }

    /**
     * The engine starts no threads (DESIGN.md §2): a driver owns the thread that calls it.
     *
     * @param enginePackage e.g. {@code io.synack.core.engine..}
     * @return the rule
     */
    public static ArchRule engineStartsNoThreads(String enginePackage) {
        return noClasses().that().resideInAPackage(enginePackage)
                .should().dependOnClassesThat(THREAD_CLASSES)
                .orShould().callMethodWhere(call("a CompletableFuture *Async method",
                        t -> t.getOwner().isAssignableTo(CompletableFuture.class) && t.getName().endsWith("Async")))
                .because("the engine runs on its driver's thread and starts none (DESIGN.md §2, §3)");
    }

    /**
     * The engine reads no clock (DESIGN.md §2): time comes in as {@code now}.
     *
     * @param enginePackage e.g. {@code io.synack.core.engine..}
     * @return the rule
     */
    public static ArchRule engineReadsNoClock(String enginePackage) {
        return noClasses().that().resideInAPackage(enginePackage)
                .should().callMethod(System.class, "nanoTime")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethodWhere(call("a java.time now() method",
                        t -> t.getOwner().getPackageName().equals("java.time") && t.getName().equals("now")))
                .orShould().callConstructor(java.util.Date.class)
                .orShould().dependOnClassesThat(assignableTo(Clock.class).or(assignableTo(InstantSource.class)))
                .because("time comes into the engine as a parameter, so virtual time can drive it (DESIGN.md §2, §3)");
    }

    /**
     * The engine never sleeps or blocks (DESIGN.md §2): it returns its next deadline instead.
     *
     * @param enginePackage e.g. {@code io.synack.core.engine..}
     * @return the rule
     */
    public static ArchRule engineDoesNotSleep(String enginePackage) {
        return noClasses().that().resideInAPackage(enginePackage)
                .should().callMethodWhere(call("Thread.sleep, TimeUnit.sleep, Object.wait or LockSupport.park",
                        t -> (t.getName().equals("sleep") && (t.getOwner().isAssignableTo(Thread.class)
                                        || t.getOwner().isEquivalentTo(java.util.concurrent.TimeUnit.class)))
                                // Object.wait is final, so any wait(), wait(long), wait(long, int) is it.
                                || (t.getName().equals("wait") && isWaitSignature(t.getRawParameterTypes()))
                                || (t.getOwner().isEquivalentTo(java.util.concurrent.locks.LockSupport.class)
                                        && t.getName().startsWith("park"))))
                .because("the engine returns its next deadline instead of waiting (DESIGN.md §2, §3)");
    }

    /**
     * The engine draws no ambient randomness (DESIGN.md §2: "time and randomness come in as
     * parameters"), so a simulation replays from its seed. A {@code Random} built from a given seed
     * is fine.
     *
     * @param enginePackage e.g. {@code io.synack.core.engine..}
     * @return the rule
     */
    public static ArchRule engineDrawsNoAmbientRandomness(String enginePackage) {
        return noClasses().that().resideInAPackage(enginePackage)
                .should().callConstructorWhere(call("an unseeded Random or SplittableRandom, or a SecureRandom",
                        t -> ((t.getOwner().isEquivalentTo(Random.class) || t.getOwner().isEquivalentTo(SplittableRandom.class))
                                && t.getRawParameterTypes().isEmpty())
                                || t.getOwner().isAssignableTo(java.security.SecureRandom.class)))
                .orShould().callMethodWhere(call("Math.random, UUID.randomUUID or SecureRandom.getInstance",
                        t -> (t.getName().equals("random") && (t.getOwner().isEquivalentTo(Math.class)
                                        || t.getOwner().isEquivalentTo(StrictMath.class)))
                                || (t.getName().equals("randomUUID") && t.getOwner().isEquivalentTo(java.util.UUID.class))
                                || (t.getName().startsWith("getInstance")
                                        && t.getOwner().isAssignableTo(java.security.SecureRandom.class))))
                .orShould().dependOnClassesThat(type(ThreadLocalRandom.class))
                .because("randomness comes into the engine as a parameter, so a run replays from its seed (DESIGN.md §2)");
    }

    /**
     * The user API and SPI depend on nothing but the JDK and {@code jakarta.inject} (DESIGN.md §2).
     *
     * @param apiPackages e.g. {@code io.synack.api..}, {@code io.synack.spi..}
     * @return the rule
     */
    public static ArchRule apiDependsOnlyOnJdkAndJakartaInject(String... apiPackages) {
        String[] allowed = new String[apiPackages.length + 2];
        allowed[0] = "java..";
        allowed[1] = "jakarta.inject..";
        System.arraycopy(apiPackages, 0, allowed, 2, apiPackages.length);
        return classes().that().resideInAnyPackage(apiPackages)
                .should().onlyDependOnClassesThat(resideInAnyPackage(allowed)
                        .or(describe("primitive", JavaClass::isPrimitive))
                        .as("reside in the JDK, jakarta.inject or the API itself"))
                .because("api is what every module and user builds on; it drags in no library (DESIGN.md §2)");
    }

    /**
     * Core depends on no transport and not on the CLI (DESIGN.md §2): transports arrive as plugins.
     *
     * @param corePackage e.g. {@code io.synack.core..}
     * @param outsidePackages e.g. {@code io.synack.transport..}, {@code io.synack.cli..}
     * @return the rule
     */
    public static ArchRule coreDependsOnNoTransport(String corePackage, String... outsidePackages) {
        return noClasses().that().resideInAPackage(corePackage)
                .should().dependOnClassesThat().resideInAnyPackage(outsidePackages)
                .because("core finds transports through ServiceLoader and Guice only (DESIGN.md §2, §5)");
    }

    /**
     * No transport depends on core (DESIGN.md §2). Empty when no transport is on the classpath.
     *
     * @param transportsPackage e.g. {@code io.synack.transport..}
     * @param corePackage e.g. {@code io.synack.core..}
     * @return the rule
     */
    public static ArchRule transportsDependOnNoCore(String transportsPackage, String corePackage) {
        return noClasses().that().resideInAPackage(transportsPackage)
                .should().dependOnClassesThat().resideInAPackage(corePackage)
                .because("a transport moves datagrams and knows only the SPI (DESIGN.md §2, §4)")
                .allowEmptyShould(true);
    }

    /**
     * No transport depends on another (DESIGN.md §2). Empty when no transport is on the classpath.
     *
     * @param transportSlices e.g. {@code io.synack.transport.(*)..}, one slice per transport
     * @return the rule
     */
    public static ArchRule transportsAreIndependent(String transportSlices) {
        return slices().matching(transportSlices).should().notDependOnEachOther()
                .because("each transport is a plugin of its own (DESIGN.md §2)")
                .allowEmptyShould(true);
    }

    private static boolean isWaitSignature(List<JavaClass> parameters) {
        return parameters.isEmpty()
                || (parameters.get(0).isEquivalentTo(long.class)
                        && (parameters.size() == 1 || (parameters.size() == 2 && parameters.get(1).isEquivalentTo(int.class))));
    }

    private static DescribedPredicate<JavaCall<?>> call(String description, Predicate<CodeUnitCallTarget> target) {
        return describe(description, c -> target.test(c.getTarget()));
    }
}
