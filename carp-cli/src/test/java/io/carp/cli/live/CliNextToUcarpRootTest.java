package io.carp.cli.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.cli.CarpCli;
import io.carp.netty.testing.Await;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveProcess;
import io.carp.netty.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * carp-cli next to a real ucarp 1.5.2, each in its own namespace on one link, given the same ucarp flags: they form
 * one group (one master, the other backup; ucarp never reports a bad digest), and each takes over when the other is
 * SIGKILLed. The first carp-cli run moves the address with up/down scripts, as ucarp does; the second with
 * {@code --manage-address}. Timeouts only bound a hang.
 */
@LinuxRootTest(value = "carp-cli and ucarp in network namespaces", ucarp = true)
class CliNextToUcarpRootTest {
    private static final Path UCARP = Tools.ucarp().orElse(Path.of("/usr/sbin/ucarp"));
    private static final String NS_CLI = "uni-c-cli";
    private static final String NS_UCARP = "uni-c-uc";
    private static final String IF_CLI = "unicc";
    private static final String IF_UCARP = "unicu";
    private static final String CLI_IP = "198.18.100.1";
    private static final String UCARP_IP = "198.18.100.2";
    private static final String VIP = "198.18.100.100";
    private static final long TIMEOUT_MILLIS = 20_000;
    private static final Pattern CLI_STATE = Pattern.compile("vhid 1@" + IF_CLI + ": \\w+ -> (\\w+)");
    private static final Pattern UCARP_STATE = Pattern.compile("Switching to state: (\\w+)");

    private static LiveLab net;

    @TempDir
    Path dir;

    @BeforeAll
    static void createNetwork() {
        net = new LiveLab();
        net.namespace(NS_CLI);
        net.namespace(NS_UCARP);
        net.link(NS_CLI, IF_CLI, CLI_IP + "/24", NS_UCARP, IF_UCARP, UCARP_IP + "/24");
    }

    @AfterAll
    static void deleteNetwork() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void shouldFormOneGroupWithUcarpAndFailOverBothWaysOnSigkill() throws Exception {
        Path up = script("vip-up.sh", "ip addr add \"$2\"/24 dev \"$1\"");
        Path down = script("vip-down.sh", "ip addr del \"$2\"/24 dev \"$1\" 2>/dev/null || true");
        LiveProcess ucarp = net.start("ucarp", NS_UCARP, List.of(UCARP.toString(), "-i", IF_UCARP, "-s", UCARP_IP,
                "-v", "1", "-p", "s3cret", "-a", VIP, "-b", "1", "-k", "100", "-P", "-u", up.toString(),
                "-d", down.toString()));
        LiveProcess cli = net.java("carp-cli (scripts)", NS_CLI, CarpCli.class, "-i", IF_CLI, "-s", CLI_IP,
                "-v", "1", "-p", "s3cret", "-a", VIP, "-b", "1", "-k", "0", "-P", "-u", up.toString(),
                "-d", down.toString());

        // carp-cli advertises faster (advskew 0): it is master, ucarp backs up and accepts its adverts.
        await("carp-cli MASTER and ucarp BACKUP", () -> "MASTER".equals(state(cli, CLI_STATE))
                && "BACKUP".equals(state(ucarp, UCARP_STATE)) && net.has(NS_CLI, IF_CLI, VIP), cli, ucarp);
        long ucarpMasters = ucarp.count(l -> l.contains("Switching to state: MASTER"));
        hold("one master for 5 s: carp-cli", 5_000, () -> "MASTER".equals(state(cli, CLI_STATE))
                && "BACKUP".equals(state(ucarp, UCARP_STATE))
                && ucarp.count(l -> l.contains("Switching to state: MASTER")) == ucarpMasters, cli, ucarp);
        assertFalse(net.has(NS_UCARP, IF_UCARP, VIP), "the backup ran its downscript");
        assertNoBadDigest(ucarp);

        // SIGKILL carp-cli: ucarp takes over and runs its upscript.
        cli.kill();
        net.in(NS_CLI, "ip", "addr", "del", VIP + "/24", "dev", IF_CLI); // a killed host keeps it: clear by hand
        await("ucarp MASTER with the VIP", () -> "MASTER".equals(state(ucarp, UCARP_STATE))
                && net.has(NS_UCARP, IF_UCARP, VIP), cli, ucarp);

        // carp-cli again, with --manage-address and a slower advskew: it backs up ucarp, then takes over on SIGKILL.
        LiveProcess managing = net.java("carp-cli (--manage-address)", NS_CLI, CarpCli.class, "-i", IF_CLI,
                "-s", CLI_IP, "-v", "1", "-p", "s3cret", "-a", VIP, "-b", "1", "-k", "200", "--manage-address");
        await("carp-cli BACKUP", () -> "BACKUP".equals(state(managing, CLI_STATE)), managing, ucarp);
        hold("one master for 4 s: ucarp", 4_000, () -> "BACKUP".equals(state(managing, CLI_STATE))
                && "MASTER".equals(state(ucarp, UCARP_STATE)), managing, ucarp);
        assertFalse(net.has(NS_CLI, IF_CLI, VIP), "carp-cli as backup must not hold the VIP");
        assertNoBadDigest(ucarp);

        ucarp.kill();
        net.in(NS_UCARP, "ip", "addr", "del", VIP + "/24", "dev", IF_UCARP);
        await("carp-cli MASTER holding the VIP itself", () -> "MASTER".equals(state(managing, CLI_STATE))
                && net.has(NS_CLI, IF_CLI, VIP), managing, ucarp);
        assertTrue(managing.last(l -> CLI_STATE.matcher(l).find()).contains("(master timed out)"),
                managing.output());
        assertEquals(0, managing.count(l -> l.contains("Spawning")), "no scripts given: none run");
    }

    private Path script(String name, String command) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + command + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** The state named by the last state line of a process, or {@code ""}. */
    private static String state(LiveProcess p, Pattern pattern) {
        Matcher m = pattern.matcher(p.last(l -> pattern.matcher(l).find()));
        return m.find() ? m.group(1) : "";
    }

    private static void assertNoBadDigest(LiveProcess ucarp) {
        assertEquals(0, ucarp.count(l -> l.contains("Bad digest")), ucarp.output());
    }

    private static void await(String what, BooleanSupplier check, LiveProcess... context) {
        Await.await(what, TIMEOUT_MILLIS, check, () -> outputs(context));
    }

    private static void hold(String what, long millis, BooleanSupplier check, LiveProcess... context) {
        Await.holds(what, millis, check, () -> outputs(context));
    }

    private static String outputs(LiveProcess... processes) {
        StringBuilder b = new StringBuilder();
        for (LiveProcess p : processes) {
            b.append(p.output()).append('\n');
        }
        return b.toString();
    }
}
