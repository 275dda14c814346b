package io.carp.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveNodeMain;
import io.carp.netty.testing.LiveProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link LiveNodeMain} in child JVMs inside a namespace of ours: without privileges (uid 65534), killed with
 * SIGKILL (the kernel must expire the address), and stopped with SIGTERM (bow-out, clean interface).
 */
@LinuxRootTest("child JVMs in a network namespace, as root and as uid 65534")
class ChildJvmRootTest {
    private static final String NS = "cnx-child";
    private static final String IF = "cnxd0";
    private static final String VIP = "198.18.50.100";
    private static LiveLab lab;
    private static Path tmp;

    @BeforeAll
    static void createNamespace() throws IOException {
        lab = new LiveLab();
        lab.namespace(NS);
        lab.in(NS, "ip", "link", "add", IF, "type", "veth", "peer", "name", "cnxd1"); // no dummy module here
        lab.in(NS, "ip", "link", "set", IF, "up");
        lab.in(NS, "ip", "link", "set", "cnxd1", "up");
        lab.in(NS, "ip", "addr", "add", "198.18.50.9/24", "dev", IF);
        tmp = Files.createTempDirectory("cnx-child-");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (lab != null) {
            lab.close();
        }
        if (tmp != null) {
            try (Stream<Path> files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void shouldExplainMissingCapabilitiesInOneSentenceWhenUnprivileged() throws Exception {
        String cp = LiveProcess.copyClassPath(Files.createDirectory(tmp.resolve("cp-none")));
        try (LiveProcess child = child(List.of("setpriv", "--reuid=65534",
                "--regid=65534", "--clear-groups"), cp, userTmp("none"), LiveNodeMain.class, node(31))) {
            assertEquals(1, child.exitCode(30_000), child.texts().toString());
            String error = child.awaitLine("ERROR ", 1000);
            assertNotNull(error, child.texts().toString());
            assertTrue(error.startsWith("ERROR CARP on " + IF + " needs CAP_NET_RAW and CAP_NET_ADMIN"), error);
            int ambient = error.indexOf("AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN");
            int setcap = error.indexOf("`setcap cap_net_raw,cap_net_admin+ep` on the java binary of a copy");
            assertTrue(ambient > 0 && setcap > ambient, "narrowest grant first: " + error);
            assertFalse(child.texts().stream().anyMatch(l -> l.startsWith("\tat ") || l.contains("Exception")),
                    "no stack trace expected: " + child.texts());
        }
    }

    @Test
    void shouldSayTheInterfaceDoesNotExistBeforeTalkingAboutPrivileges() throws Exception {
        String cp = LiveProcess.copyClassPath(Files.createDirectory(tmp.resolve("cp-nosuch")));
        List<String> args = new java.util.ArrayList<>(List.of(node(37)));
        args.set(args.indexOf(IF), "nosuch0");
        try (LiveProcess child = child(List.of("setpriv", "--reuid=65534",
                "--regid=65534", "--clear-groups"), cp, userTmp("nosuch"), LiveNodeMain.class, args.toArray(new String[0]))) {
            assertEquals(1, child.exitCode(30_000), child.texts().toString());
            String error = child.awaitLine("ERROR ", 1000);
            assertEquals("ERROR network interface 'nosuch0' does not exist (see `ip link`)", error,
                    child.texts().toString());
            assertFalse(child.texts().stream().anyMatch(l -> l.contains("CAP_NET")), child.texts().toString());
        }
    }

    @Test
    void shouldNameOnlyNetAdminWhenRunningWithNetRawAlone() throws Exception {
        String cp = LiveProcess.copyClassPath(Files.createDirectory(tmp.resolve("cp-raw")));
        try (LiveProcess child = child(List.of("setpriv", "--reuid=65534",
                "--regid=65534", "--clear-groups", "--inh-caps=+net_raw", "--ambient-caps=+net_raw"), cp,
                userTmp("raw"), LiveNodeMain.class, node(32))) {
            assertEquals(1, child.exitCode(30_000), child.texts().toString());
            String error = child.awaitLine("ERROR ", 1000);
            assertNotNull(error, child.texts().toString());
            assertTrue(error.startsWith("ERROR CARP on " + IF + " needs CAP_NET_ADMIN "), error);
        }
    }

    @Test
    void shouldRunAnnounceOnlyWithNetRawAloneWhenAddressesAreNotManaged() throws Exception {
        String cp = LiveProcess.copyClassPath(Files.createDirectory(tmp.resolve("cp-announce")));
        List<String> args = new java.util.ArrayList<>(List.of(node(36)));
        args.add("--no-manage");
        try (LiveProcess child = child(List.of("setpriv", "--reuid=65534",
                "--regid=65534", "--clear-groups", "--inh-caps=+net_raw", "--ambient-caps=+net_raw"), cp,
                userTmp("announce"), LiveNodeMain.class, args.toArray(new String[0]))) {
            assertNotNull(child.awaitLine("STATE 36 BACKUP MASTER", 15_000), child.texts().toString());
            assertFalse(lab.addresses(NS, IF).contains(VIP), "with manageAddresses off the node adds nothing");
            child.terminate();
            child.awaitExit(10_000);
            assertNotNull(child.awaitLine("STOPPED 36", 1000), child.texts().toString());
        }
    }

    @Test
    void shouldNameErrnoOfNetlinkRequestWhenNetAdminIsMissing() throws Exception {
        String cp = LiveProcess.copyClassPath(Files.createDirectory(tmp.resolve("cp-probe")));
        try (LiveProcess child = child(List.of("setpriv", "--reuid=65534",
                "--regid=65534", "--clear-groups"), cp, userTmp("probe"), NetlinkProbeMain.class, IF,
                "198.18.50.77", "32")) {
            child.awaitExit(30_000);
            assertEquals("ERROR RTM_NEWADDR 198.18.50.77/32 on " + IF + ": EPERM (Operation not permitted)",
                    child.awaitLine("ERROR ", 1000), child.texts().toString());
        }
        assertFalse(lab.addresses(NS, IF).contains("198.18.50.77"));
    }

    @Test
    void shouldLeaveAddressToKernelExpiryWhenKilled() throws Exception {
        try (LiveProcess child = child(List.of(), System.getProperty(
                "java.class.path"), List.of(), LiveNodeMain.class, node(33))) {
            assertNotNull(child.awaitLine("STATE 33 BACKUP MASTER", 15_000), child.texts().toString());
            assertTrue(lab.addresses(NS, IF).contains(VIP), lab.addresses(NS, IF));
            child.kill();
            child.awaitExit(5_000);
            assertTrue(lab.addresses(NS, IF).contains(VIP), "right after SIGKILL the address is still there");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (lab.addresses(NS, IF).contains(VIP) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertFalse(lab.addresses(NS, IF).contains(VIP), "the kernel must remove the address by itself");
        }
    }

    @Test
    void shouldBowOutAndCleanInterfaceOnSigterm() throws Exception {
        try (LiveProcess child = child(List.of(), System.getProperty(
                "java.class.path"), List.of(), LiveNodeMain.class, node(34))) {
            assertNotNull(child.awaitLine("STATE 34 BACKUP MASTER", 15_000), child.texts().toString());
            child.terminate();
            int exit = child.exitCode(10_000);
            assertTrue(exit == 0 || exit == 143, "exit " + exit + ": " + child.texts()); // 143: the JVM's SIGTERM
            assertNotNull(child.awaitLine("STATE 34 MASTER INIT stopped", 1000), child.texts().toString());
            assertNotNull(child.awaitLine("STOPPED 34", 1000), child.texts().toString());
            assertFalse(lab.addresses(NS, IF).contains(VIP), lab.addresses(NS, IF));
            String maddr = lab.in(NS, "ip", "maddr", "show", "dev", IF);
            assertFalse(maddr.contains("224.0.0.18"), maddr);
        }
    }

    @Test
    void shouldBowOutThroughRuntimeShutdownHook() throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(node(35)));
        args.add("--runtime-shutdown-hook");
        try (LiveProcess child = child(List.of(), System.getProperty(
                "java.class.path"), List.of(), LiveNodeMain.class, args.toArray(new String[0]))) {
            assertNotNull(child.awaitLine("STATE 35 BACKUP MASTER", 15_000), child.texts().toString());
            assertTrue(lab.addresses(NS, IF).contains(VIP), lab.addresses(NS, IF));
            child.terminate();
            child.awaitExit(10_000);
            assertNotNull(child.awaitLine("STATE 35 MASTER INIT stopped", 1000), child.texts().toString());
            assertFalse(lab.addresses(NS, IF).contains(VIP), lab.addresses(NS, IF));
        }
    }

    /** {@code ip netns exec NS PREFIX... java ... MAIN ARGS...}: the prefix is e.g. {@code setpriv ...}. */
    private static LiveProcess child(List<String> prefix, String classPath, List<String> jvmArgs, Class<?> mainClass,
                                     String... args) {
        List<String> command = new java.util.ArrayList<>(prefix);
        command.addAll(LiveProcess.javaCommand(classPath, jvmArgs, mainClass, args));
        return LiveProcess.in("child", lab.ns(NS), command);
    }

    private static String[] node(int vhid) {
        return new String[] {"--interface", IF, "--vhid", String.valueOf(vhid), "--pass", "cnx-secret", "--addr",
                VIP, "--advbase", "1"};
    }

    /** A temp directory the child user can write (JNA and Netty unpack native libraries there). */
    private static List<String> userTmp(String name) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("tmp-" + name));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        return List.of("-Djava.io.tmpdir=" + dir, "-Djna.tmpdir=" + dir, "-Duser.home=" + dir);
    }
}
