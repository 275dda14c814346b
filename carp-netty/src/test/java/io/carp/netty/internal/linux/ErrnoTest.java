package io.carp.netty.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErrnoTest {

    @Test
    void shouldNameCommonErrnos() {
        assertEquals("EPERM (Operation not permitted)", Errno.describe(1));
        assertEquals("EEXIST (File exists)", Errno.describe(17));
        assertEquals("ENODEV (No such device)", Errno.describe(19));
        assertEquals("EADDRNOTAVAIL (Cannot assign requested address)", Errno.describe(99));
        assertEquals("ENOBUFS", Errno.name(105));
    }

    @Test
    void shouldAcceptNegativeNetlinkCodes() {
        assertEquals("EPERM (Operation not permitted)", Errno.describe(-1));
        assertEquals("EADDRNOTAVAIL", Errno.name(-99));
    }

    @Test
    void shouldFallBackToNumberAndStrerrorWhenUnknown() {
        String d = Errno.describe(133); // EHWPOISON: not in the table
        assertTrue(d.startsWith("errno 133 ("), d);
        assertEquals("errno 133", Errno.name(133));
    }

    @Test
    void shouldNameOperationAndErrnoInNativeExceptionMessage() {
        NativeException e = new NativeException("RTM_NEWADDR 198.18.0.100/32 on veth0", -1);
        assertEquals("RTM_NEWADDR 198.18.0.100/32 on veth0: EPERM (Operation not permitted)", e.getMessage());
        assertEquals(1, e.errno());
        assertTrue(e.isPermissionDenied());
    }

    @Test
    void shouldAppendKernelTextWhenExtendedAckGiven() {
        NativeException e = new NativeException("RTM_NEWADDR 198.18.0.100/33 on veth0", 22, "Invalid prefix length");
        assertEquals("RTM_NEWADDR 198.18.0.100/33 on veth0: EINVAL (Invalid argument): Invalid prefix length",
                e.getMessage());
        assertFalse(e.isPermissionDenied());
    }
}
