package io.carp.architecture;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.carp.architecture.fixture.ReachesInternals;
import io.carp.architecture.fixture.ReadsNanoTime;
import io.carp.architecture.fixture.UsesLibraries;
import org.junit.jupiter.api.Test;

/**
 * Each rule of {@link ModuleArrowsTest}, applied to a fixture class that breaks it, fails and names the offending
 * dependency: the rules can fail, so their passing on the real modules means something.
 */
class RulesCatchViolationsTest {
    private static final JavaClasses FIXTURES = new ClassFileImporter()
            .importPackages("io.carp.architecture.fixture");

    private static DescribedPredicate<JavaClass> is(Class<?> type) {
        return DescribedPredicate.describe("the fixture " + type.getSimpleName(),
                c -> c.getName().equals(type.getName()));
    }

    private static void assertFails(ArchRule rule, String offender) {
        AssertionError e = assertThrows(AssertionError.class, () -> rule.check(FIXTURES));
        assertTrue(e.getMessage().contains(offender), e.getMessage());
    }

    @Test
    void apiRuleCatchesALibraryDependency() {
        assertFails(ModuleArrowsTest.apiDependsOnTheJdkOnly(is(UsesLibraries.class)), "org.junit.jupiter.api.Assertions");
    }

    @Test
    void testkitRuleCatchesNetty() {
        assertFails(ModuleArrowsTest.testkitNeverUsesNetty(is(UsesLibraries.class)), "io.carp.netty.NettyCarpRuntime");
    }

    @Test
    void nettyRuleCatchesTheTestkit() {
        assertFails(ModuleArrowsTest.nettyNeverUsesTestkit(is(UsesLibraries.class)),
                "io.carp.testkit.SimulatedNetwork");
    }

    @Test
    void apiSealCatchesTheEngine() {
        assertFails(ModuleArrowsTest.apiInternalsAreSealed(is(ReachesInternals.class)),
                "io.carp.internal.group.DefaultCarpGroup");
    }

    @Test
    void nettySealCatchesItsInternals() {
        assertFails(ModuleArrowsTest.nettyInternalsAreSealed(is(ReachesInternals.class)),
                "io.carp.netty.internal.LinuxRuntime");
    }

    @Test
    void clockRuleCatchesNanoTime() {
        assertFails(ModuleArrowsTest.oneReaderOfNanoTime(is(ReadsNanoTime.class)), "System.nanoTime()");
    }

    @Test
    void cycleRuleCatchesACycle() {
        assertFails(ModuleArrowsTest.noPackageCycles("io.carp.architecture.fixture.cycle.(*)"), "Cycle detected");
    }
}
