package io.carp.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlatformTest {
    private static final String SUPPORTED = "NettyCarpRuntime supports Linux on x86-64 and aarch64 only";

    @Test
    void shouldRefuseAnotherOperatingSystemInOneLine() {
        String m = Platform.problem("Mac OS X", "aarch64", () -> true, () -> null).orElseThrow();

        assertEquals(SUPPORTED + "; this JVM runs on Mac OS X aarch64 (use carp-testkit's simulated network to run"
                + " groups elsewhere)", m);
    }

    @Test
    void shouldRefuseACpuWithoutANativeEpollJarInOneLine() {
        for (String arch : new String[] {"ppc64le", "s390x", "riscv64", "x86", "arm"}) {
            String m = Platform.problem("Linux", arch, () -> true, () -> null).orElseThrow();

            assertTrue(m.startsWith(SUPPORTED + "; this JVM runs on Linux " + arch + " "), m);
            assertFalse(m.contains("\n"), m);
        }
    }

    @Test
    void shouldGiveTheFirstLineOfTheRootCauseWhenEpollDoesNotLoad() {
        Throwable cause = new IllegalStateException("failed to load",
                new UnsatisfiedLinkError("no netty_transport_native_epoll_aarch_64 in java.library.path\nmore\nlines"));

        String m = Platform.problem("Linux", "aarch64", () -> false, () -> cause).orElseThrow();

        assertEquals("NettyCarpRuntime cannot load Netty's native epoll library on Linux aarch64:"
                + " UnsatisfiedLinkError: no netty_transport_native_epoll_aarch_64 in java.library.path"
                + " (is netty-transport-native-epoll for this CPU on the class path?)", m);
    }

    @Test
    void shouldAcceptLinuxOnX8664AndAarch64WhenEpollLoads() {
        for (String arch : new String[] {"amd64", "x86_64", "aarch64"}) {
            assertEquals(Optional.empty(), Platform.problem("Linux", arch, () -> true, () -> null), arch);
        }
    }

    @Test
    void shouldNotAskForEpollOnAnUnsupportedPlatform() {
        assertTrue(Platform.problem("Windows 11", "amd64", () -> {
            throw new AssertionError("epoll must not be probed");
        }, () -> null).isPresent());
    }

    @Test
    void shouldPassOnThisBuildMachine() {
        // The build and CI run on Linux x86-64 with the native jar: creating a runtime must work here.
        Platform.requireSupported();
        NettyCarpRuntime.create().close();
    }
}
