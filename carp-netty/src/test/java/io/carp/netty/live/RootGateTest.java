package io.carp.netty.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The skip-or-fail rule of the live tests (pure: runs without root). */
class RootGateTest {

    @Test
    void shouldRunWhenRootWhateverIsRequired() {
        assertEquals(RootGate.Verdict.RUN, RootGate.verdict(true, false));
        assertEquals(RootGate.Verdict.RUN, RootGate.verdict(true, true));
    }

    @Test
    void shouldSkipWhenNotRootAndNotRequired() {
        assertEquals(RootGate.Verdict.SKIP, RootGate.verdict(false, false));
    }

    @Test
    void shouldFailWhenNotRootAndRootTestsAreRequired() {
        assertEquals(RootGate.Verdict.FAIL, RootGate.verdict(false, true));
    }
}
