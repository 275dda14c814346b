package io.carp.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static io.carp.architecture.Modules.MAIN;
import static io.carp.architecture.Modules.in;
import static io.carp.architecture.Modules.outside;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The arrows between carp4j's modules and the seal on their internals, checked on every module's compiled main
 * classes. Each rule is a function of the classes it governs so that {@link RulesCatchViolationsTest} can show it
 * failing on a fixture class that breaks it.
 */
class ModuleArrowsTest {

    /** carp-api is the JDK-only core: it depends on no library and on no other carp4j module. */
    static ArchRule apiDependsOnTheJdkOnly(DescribedPredicate<JavaClass> api) {
        return classes().that(api).should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "io.carp", "io.carp.spi", "io.carp.internal..")
                .because("carp-api must stay JDK-only and depend on no other module of ours");
    }

    /** The testkit runs anywhere: never on the Linux runtime. */
    static ArchRule testkitNeverUsesNetty(DescribedPredicate<JavaClass> testkit) {
        return noClasses().that(testkit).should().dependOnClassesThat()
                .resideInAnyPackage("io.carp.netty..", "io.netty..", "com.sun.jna..")
                .because("carp-testkit never depends on carp-netty");
    }

    /** The Linux runtime never ships test code. */
    static ArchRule nettyNeverUsesTestkit(DescribedPredicate<JavaClass> netty) {
        return noClasses().that(netty).should().dependOnClassesThat()
                .resideInAnyPackage("io.carp.testkit..", "org.junit..")
                .because("carp-netty depends on carp-testkit only in test scope");
    }

    /** carp-api's engine and SPI are for the runtimes only (the qualified exports of module io.carp). */
    static ArchRule apiInternalsAreSealed(DescribedPredicate<JavaClass> others) {
        return noClasses().that(others).should().dependOnClassesThat()
                .resideInAnyPackage("io.carp.internal..", "io.carp.spi..")
                .because("module io.carp exports its SPI and engine only to io.carp.netty and io.carp.testkit");
    }

    /** The Linux runtime's internals are its own. */
    static ArchRule nettyInternalsAreSealed(DescribedPredicate<JavaClass> others) {
        return noClasses().that(others).should().dependOnClassesThat()
                .resideInAPackage("io.carp.netty.internal..")
                .because("module io.carp.netty exports io.carp.netty only");
    }

    /** Everything times itself on an injected CarpClock, so that the testkit can run it on virtual time. */
    static ArchRule oneReaderOfNanoTime(DescribedPredicate<JavaClass> governed) {
        return noClasses().that(governed).and().doNotHaveFullyQualifiedName("io.carp.SystemCarpClock")
                .should().callMethod(System.class, "nanoTime")
                .because("System.nanoTime is read only by the clock implementation (io.carp.SystemCarpClock)");
    }

    /** Packages form layers (io.carp, internal.protocol, spi, internal.group, then the runtimes): no cycle. */
    static ArchRule noPackageCycles(String packages) {
        return slices().matching(packages).should().beFreeOfCycles()
                .because("a package cycle makes the layers meaningless");
    }

    @Test
    void apiDependsOnTheJdkOnly() {
        apiDependsOnTheJdkOnly(in("carp-api")).check(MAIN);
    }

    @Test
    void testkitNeverUsesNetty() {
        testkitNeverUsesNetty(in("carp-testkit")).check(MAIN);
    }

    @Test
    void nettyNeverUsesTestkit() {
        nettyNeverUsesTestkit(in("carp-netty")).check(MAIN);
    }

    @Test
    void apiInternalsAreSealed() {
        apiInternalsAreSealed(outside("carp-api", "carp-netty", "carp-testkit")).check(MAIN);
    }

    @Test
    void nettyInternalsAreSealed() {
        nettyInternalsAreSealed(outside("carp-netty")).check(MAIN);
    }

    @Test
    void oneReaderOfNanoTime() {
        // The examples' probe and the benchmarks measure wall-clock latency on purpose; the library and the CLI don't.
        oneReaderOfNanoTime(outside("examples", "carp-benchmarks")).check(MAIN);
    }

    @Test
    void noPackageCycles() {
        noPackageCycles("io.(**)").check(MAIN);
    }
}
