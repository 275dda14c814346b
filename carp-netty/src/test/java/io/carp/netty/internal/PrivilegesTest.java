package io.carp.netty.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.netty.internal.linux.Capabilities;
import org.junit.jupiter.api.Test;

class PrivilegesTest {
    private static final long NET_RAW = 1L << Capabilities.CAP_NET_RAW;
    private static final long NET_ADMIN = 1L << Capabilities.CAP_NET_ADMIN;

    @Test
    void shouldNameBothCapabilitiesAndHowToGrantThemWhenNoneHeld() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Privileges.check(0, "eth0", true));
        String m = e.getMessage();
        assertTrue(m.startsWith("CARP on eth0 needs CAP_NET_RAW and CAP_NET_ADMIN"), m);
        int ambient = m.indexOf("AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN");
        int setcap = m.indexOf("`setcap cap_net_raw,cap_net_admin+ep` on the java binary of a copy of the JDK");
        int root = m.indexOf("run as root");
        assertTrue(ambient > 0 && setcap > ambient && root > setcap, "narrowest grant first: " + m);
        assertTrue(m.contains("never the system's java (file capabilities apply to every program that binary runs"),
                m);
        assertFalse(m.contains("$(which java)"), "no advice to give the system's java capabilities: " + m);
        assertFalse(m.contains("\n"), m);
    }

    @Test
    void shouldGrantOnlyNetRawWhenAddressesAreNotManaged() {
        String m = assertThrows(IllegalStateException.class, () -> Privileges.check(0, "eth0", false)).getMessage();
        assertTrue(m.startsWith("CARP on eth0 needs CAP_NET_RAW "), m);
        assertTrue(m.contains("AmbientCapabilities=CAP_NET_RAW (that service"), m);
        assertTrue(m.contains("`setcap cap_net_raw+ep`"), m);
    }

    @Test
    void shouldNameOnlyNetAdminWhenRawIsHeld() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Privileges.check(NET_RAW, "eth0", true));
        assertTrue(e.getMessage().startsWith("CARP on eth0 needs CAP_NET_ADMIN "), e.getMessage());
    }

    @Test
    void shouldNotNeedNetAdminWhenAddressesAreNotManaged() {
        assertDoesNotThrow(() -> Privileges.check(NET_RAW, "eth0", false));
        assertThrows(IllegalStateException.class, () -> Privileges.check(NET_ADMIN, "eth0", false));
    }

    @Test
    void shouldPassWhenBothHeldOrUnknown() {
        assertDoesNotThrow(() -> Privileges.check(NET_RAW | NET_ADMIN, "eth0", true));
        assertDoesNotThrow(() -> Privileges.check(-1, "eth0", true));
    }
}
