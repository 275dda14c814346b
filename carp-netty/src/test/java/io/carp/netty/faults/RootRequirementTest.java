package io.carp.netty.faults;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The root gate of the fault tests, without root. */
class RootRequirementTest {

    @Test
    void shouldFailInsteadOfSkippingWhenRootTestsAreRequired() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> RootRequirement.check(false, true, "a test"));
        assertTrue(e.getMessage().contains("carp.requireRootTests=true"), e.getMessage());
    }

    @Test
    void shouldSkipWhenNotRootAndNotRequired() {
        TestAbortedException e = assertThrows(TestAbortedException.class,
                () -> RootRequirement.check(false, false, "a test"));
        assertTrue(e.getMessage().contains("need root"), e.getMessage());
    }

    @Test
    void shouldRunWhenRoot() {
        assertDoesNotThrow(() -> RootRequirement.check(true, true, "a test"));
        assertDoesNotThrow(() -> RootRequirement.check(true, false, "a test"));
    }
}
