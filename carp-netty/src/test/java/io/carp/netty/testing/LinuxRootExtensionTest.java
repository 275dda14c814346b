package io.carp.netty.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.netty.testing.LinuxRootExtension.Decision;
import io.carp.netty.testing.LinuxRootExtension.Machine;
import io.carp.netty.testing.LinuxRootExtension.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The skip-or-fail rule of the linux-root tests (pure: runs without root). */
class LinuxRootExtensionTest {
    private static final List<String> NOT_ROOT = List.of("not root (euid 1000)");

    @Test
    void shouldRunWhenNothingIsMissingWhateverIsRequired() {
        assertEquals(Verdict.RUN, LinuxRootExtension.decide(List.of(), false).verdict());
        assertEquals(Verdict.RUN, LinuxRootExtension.decide(List.of(), true).verdict());
    }

    @Test
    void shouldSkipWhenNotRootAndNotRequired() {
        Decision d = LinuxRootExtension.decide(NOT_ROOT, false);
        assertEquals(Verdict.SKIP, d.verdict());
        assertTrue(d.message().contains("need root"), d.message());
        assertTrue(d.message().contains("not root (euid 1000)"), d.message());
    }

    @Test
    void shouldFailInsteadOfSkippingWhenRootTestsAreRequired() {
        Decision d = LinuxRootExtension.decide(NOT_ROOT, true);
        assertEquals(Verdict.FAIL, d.verdict());
        assertTrue(d.message().contains("carp.requireRootTests=true"), d.message());
        assertTrue(d.message().contains("not root (euid 1000)"), d.message());
    }

    @Test
    void shouldFindWhatTheMachineLacksInOrderWhenNotRootOrWithoutNamespaces() {
        assertEquals(List.of("not Linux"), LinuxRootExtension.basics("Mac OS X", 0, false, () -> null));
        assertEquals(List.of("not root (euid 65534)"), LinuxRootExtension.basics("Linux", 65534, false,
                () -> { throw new AssertionError("namespaces must not be probed when not root"); }));
        assertEquals(List.of("iproute2 'ip' not found"),
                LinuxRootExtension.basics("Linux", 0, false, () -> "iproute2 'ip' not found"));
        assertEquals(List.of(), LinuxRootExtension.basics("Linux", 0, false, () -> null));
    }

    @Test
    void shouldSeeNoRootWhenNonRootIsSimulatedOnARootMachine() {
        List<String> basics = LinuxRootExtension.basics("Linux", 0, true, () -> null);
        assertEquals(List.of("not root (simulated: -Dcarp.simulateNonRoot=true)"), basics);
        assertEquals(Verdict.SKIP, LinuxRootExtension.decide(basics, false).verdict());
        assertEquals(Verdict.FAIL, LinuxRootExtension.decide(basics, true).verdict());
    }

    @Test
    void shouldAskForUcarpAndPingOnlyWhenTheClassDoes() {
        Machine bare = machine(List.of(), false, false);
        assertEquals(List.of(), LinuxRootExtension.missing(NeedsNamespaces.class, bare));
        assertEquals(List.of("ucarp is not installed (apt-get install ucarp)"),
                LinuxRootExtension.missing(NeedsUcarp.class, bare));
        assertEquals(List.of("ucarp is not installed (apt-get install ucarp)",
                "no ICMP client: neither ping nor perl with Net::Ping"),
                LinuxRootExtension.missing(NeedsUcarpAndPing.class, bare));
        assertEquals(List.of(), LinuxRootExtension.missing(NeedsUcarpAndPing.class, machine(List.of(), true, true)));
        assertEquals(NOT_ROOT, LinuxRootExtension.missing(NeedsUcarpAndPing.class, machine(NOT_ROOT, false, false)));
    }

    @Test
    void shouldAskForEachListedProgramThatIsMissing() {
        Machine withTcpdumpOnly = machine(List.of(), false, false, List.of("tcpdump"));
        assertEquals(List.of("keepalived is not installed (apt-get install keepalived)",
                "tshark is not installed (apt-get install tshark)"),
                LinuxRootExtension.missing(NeedsPrograms.class, withTcpdumpOnly));
        assertEquals(List.of(), LinuxRootExtension.missing(NeedsPrograms.class,
                machine(List.of(), false, false, List.of("keepalived", "tcpdump", "tshark"))));
        assertEquals(NOT_ROOT, LinuxRootExtension.missing(NeedsPrograms.class, machine(NOT_ROOT, false, false)));
    }

    private static Machine machine(List<String> basics, boolean ucarp, boolean ping) {
        return machine(basics, ucarp, ping, List.of());
    }

    private static Machine machine(List<String> basics, boolean ucarp, boolean ping, List<String> programs) {
        return new Machine() {
            @Override
            public boolean has(String program) {
                return programs.contains(program);
            }

            @Override
            public List<String> basics() {
                return basics;
            }

            @Override
            public boolean hasUcarp() {
                return ucarp;
            }

            @Override
            public boolean canPing() {
                return ping;
            }
        };
    }

    @LinuxRootTest("nothing but namespaces")
    static final class NeedsNamespaces {
    }

    @LinuxRootTest(value = "ucarp", ucarp = true)
    static final class NeedsUcarp {
    }

    @LinuxRootTest(value = "ucarp and ping", ucarp = true, ping = true)
    static final class NeedsUcarpAndPing {
    }

    @LinuxRootTest(value = "keepalived on the wire", programs = {"keepalived", "tcpdump", "tshark"})
    static final class NeedsPrograms {
    }
}
