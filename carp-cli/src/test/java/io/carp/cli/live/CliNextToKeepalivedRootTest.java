package io.carp.cli.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.carp.cli.CarpCli;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveProcess;
import io.carp.netty.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * carp-cli {@code --vrrp 3 --peer} next to the real keepalived with {@code unicast_peer}, through a bridge that drops
 * every frame to 224.0.0.18 (a network without multicast): they form one virtual router over unicast, keepalived
 * logs no complaint, carp-cli takes over when keepalived is SIGKILLed and gives the address back to a restarted
 * keepalived of higher priority. Timeouts only bound a hang.
 */
@LinuxRootTest(value = "carp-cli and keepalived over unicast in network namespaces", programs = {"keepalived", "nft"})
class CliNextToKeepalivedRootTest {
    private static final Path KEEPALIVED = Tools.which("keepalived").orElse(Path.of("/usr/sbin/keepalived"));
    private static final String NS_BR = "uni-k-br";
    private static final String NS_CLI = "uni-k-cli";
    private static final String NS_KA = "uni-k-ka";
    private static final String CLI_IP = "198.18.101.1";
    private static final String KA_IP = "198.18.101.2";
    private static final String VIP = "198.18.101.100";
    private static final long TIMEOUT_MILLIS = 20_000;
    private static final Pattern CLI_STATE = Pattern.compile("vhid 61@eth0: \\w+ -> (\\w+)");
    private static final Pattern KA_STATE = Pattern.compile("\\(VI_1\\) Entering (\\w+) STATE");
    private static final Pattern KA_PROBLEM = Pattern.compile(
            "(?i)invalid|wrong|mismatch|checksum error|too (short|long)|not in range|malformed|bogus|unknown keyword");

    private static LiveLab net;

    @TempDir
    Path dir;

    @BeforeAll
    static void createNetwork() {
        net = new LiveLab();
        net.namespace(NS_BR);
        net.namespace(NS_CLI);
        net.namespace(NS_KA);
        net.bridge(NS_BR, "br0");
        net.plug(NS_CLI, "eth0", CLI_IP + "/24", NS_BR, "br0", "pcli");
        net.plug(NS_KA, "eth0", KA_IP + "/24", NS_BR, "br0", "pka");
        net.dropCarpMulticast(NS_BR);
    }

    @AfterAll
    static void deleteNetwork() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void shouldFormOneVirtualRouterOverUnicastAndFailOverBothWays() throws Exception {
        LiveProcess cli = net.start("carp-cli --vrrp 3 --peer", NS_CLI, cli("-i", "eth0", "-s", CLI_IP, "-v", "61",
                "-a", VIP, "--vrrp", "3", "--priority", "100", "--peer", KA_IP, "--manage-address"));
        await("carp-cli BACKUP or MASTER", () -> !state(cli, CLI_STATE).isEmpty(), cli);
        LiveProcess keepalived = keepalived(200);
        await("keepalived MASTER and carp-cli BACKUP", () -> "MASTER".equals(state(keepalived, KA_STATE))
                && "BACKUP".equals(state(cli, CLI_STATE)) && net.has(NS_KA, "eth0", VIP), cli, keepalived);
        hold("one master for 4 s: keepalived", 4_000, () -> "MASTER".equals(state(keepalived, KA_STATE))
                && "BACKUP".equals(state(cli, CLI_STATE)), cli, keepalived);
        assertFalse(net.has(NS_CLI, "eth0", VIP), "carp-cli as backup holds nothing");
        assertEquals(0, keepalived.count(l -> KA_PROBLEM.matcher(l).find()), keepalived.output());

        killVrrpChild(); // first the process that sends the adverts: a crash, no priority-0 advert
        keepalived.kill();
        net.in(NS_KA, "ip", "addr", "flush", "dev", "eth0", "to", VIP + "/32");
        await("carp-cli MASTER holding the address", () -> "MASTER".equals(state(cli, CLI_STATE))
                && net.has(NS_CLI, "eth0", VIP), cli, keepalived);
        assertTrue(cli.last(l -> CLI_STATE.matcher(l).find()).contains("BACKUP -> MASTER"), cli.output());

        LiveProcess again = keepalived(250);
        await("restarted keepalived MASTER, carp-cli BACKUP", () -> "MASTER".equals(state(again, KA_STATE))
                && "BACKUP".equals(state(cli, CLI_STATE)), cli, again);
        assertEquals(0, again.count(l -> KA_PROBLEM.matcher(l).find()), again.output());
    }

    private LiveProcess keepalived(int priority) throws IOException {
        Path conf = dir.resolve("keepalived-" + priority + ".conf");
        Files.writeString(conf, String.join("\n",
                "global_defs {", "    router_id ka", "    vrrp_garp_master_delay 0", "}",
                "vrrp_instance VI_1 {", "    state BACKUP", "    interface eth0", "    version 3",
                "    virtual_router_id 61", "    priority " + priority, "    advert_int 1",
                "    unicast_src_ip " + KA_IP, "    unicast_peer {", "        " + CLI_IP, "    }",
                "    virtual_ipaddress {", "        " + VIP + "/24 dev eth0", "    }", "}", ""));
        return net.start("keepalived " + priority, NS_KA, List.of(KEEPALIVED.toString(), "-n", "-l", "-D", "-G", "-P",
                "-R", "-f", conf.toString(), "-p", dir.resolve("ka.pid").toString(), "-r",
                dir.resolve("ka.vrrp.pid").toString(), "-c", dir.resolve("ka.checkers.pid").toString()));
    }

    private void killVrrpChild() throws IOException {
        Path pid = dir.resolve("ka.vrrp.pid");
        if (Files.exists(pid)) {
            String text = Files.readString(pid).trim();
            if (text.matches("\\d+")) {
                net.in(NS_KA, "sh", "-c", "kill -KILL " + text + " 2>/dev/null || true");
            }
        }
    }

    private static List<String> cli(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), CarpCli.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static String state(LiveProcess p, Pattern pattern) {
        Matcher m = pattern.matcher(p.last(l -> pattern.matcher(l).find()));
        return m.find() ? m.group(1) : "";
    }

    private static void await(String what, BooleanSupplier check, LiveProcess... context) {
        long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000L;
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what + "\n" + outputs(context));
            }
            pause();
        }
    }

    private static void hold(String what, long millis, BooleanSupplier check, LiveProcess... context) {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < end) {
            if (!check.getAsBoolean()) {
                fail("no longer true: " + what + "\n" + outputs(context));
            }
            pause();
        }
    }

    private static String outputs(LiveProcess... processes) {
        StringBuilder b = new StringBuilder();
        for (LiveProcess p : processes) {
            b.append(p.output()).append('\n');
        }
        return b.toString();
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }
}
