package io.carp.netty.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CapabilitiesTest {

    @Test
    void shouldParseEffectiveSetFromProcStatus() {
        String status = "Name:\tjava\nCapInh:\t0000000000000000\nCapPrm:\t0000000000003000\n"
                + "CapEff:\t0000000000002000\nCapBnd:\t000001ffffffffff\n";
        long eff = Capabilities.parseEffective(status);
        assertEquals(0x2000, eff);
        assertTrue(Capabilities.has(eff, Capabilities.CAP_NET_RAW));
        assertFalse(Capabilities.has(eff, Capabilities.CAP_NET_ADMIN));
    }

    @Test
    void shouldTreatUnknownSetAsHavingEverything() {
        assertEquals(-1, Capabilities.parseEffective("Name:\tjava\n"));
        assertTrue(Capabilities.has(-1, Capabilities.CAP_NET_ADMIN));
    }
}
