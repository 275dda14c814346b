package io.carp.examples.spring.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.carp.examples.spring.SpringFailoverApplication;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Plug;
import io.carp.netty.testing.LiveProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances of the Spring Boot example, each in its own namespace on one bridge, with a client in a third that
 * polls the virtual address every 10 ms (each request on a new connection). Node a (advskew 0, preempt) is MASTER and
 * serves; node b (advskew 100) is BACKUP.
 * <ul>
 *   <li>SIGKILL of a: b takes the address over within its master-down interval (3 * 1 s + 100/256 s = 3.39 s), and
 *       the client is served by b within that plus one TCP SYN retransmission (1 s).</li>
 *   <li>SIGTERM of a, with {@code server.shutdown=graceful}: the starter closes the group before the web server
 *       shuts down; a bows out (b takes over at once, its gratuitous ARP moves the client) and keeps the address for
 *       the starter's default {@code release-delay} (1 s), so the requests that reached a before the client moved are
 *       answered; only then does a remove the address and its web server stop. The client sees no failed request.</li>
 * </ul>
 * Before the release delay, the example waited for an idle moment before the bow-out; a request that reached a in the
 * ~2 ms between that check and the removal of the address was accepted but could not be answered (1 failed request in
 * 2 of 9 runs). Without the bow-out before the web server's shutdown, every request during b's master-down interval
 * (about 300) would fail. Measured with the release delay, 2026-12-03 (load average 7-27): 0 failed requests in each
 * of 10 runs; with {@code -Dcarp.test.releaseDelay=0} (a control: no drain) 2 failed in 1 of 3 runs.
 * Timeouts only bound a hang; the one timing assertion is the takeover bound of the SIGKILL case.
 */
@LinuxRootTest("two instances of the Spring Boot example in network namespaces")
class SpringFailoverRootTest {
    private static final String NS_BRIDGE = "uni-sb-br";
    private static final String NS_A = "uni-sb-a";
    private static final String NS_B = "uni-sb-b";
    private static final String NS_CLIENT = "uni-sb-c";
    private static final String IF_A = "unisba";
    private static final String IF_B = "unisbb";
    private static final String IF_CLIENT = "unisbc";
    private static final String VIP = "198.18.100.100";
    private static final String URL = "http://" + VIP + ":8081/hello";
    private static final long MASTER_DOWN_B_MILLIS = 3_000 + 100 * 1000 / 256;
    /** Scheduling of b's timer and of the kill itself on a loaded machine. */
    private static final long TAKEOVER_SLACK_MILLIS = 300;
    /**
     * After b's takeover, the client's request in progress may have sent its SYN while the address was nowhere (a's
     * kernel dropped it after its lifetime ran out): TCP sends it again after 1 s, to b.
     */
    private static final long HTTP_SLACK_MILLIS = 1_500;
    private static final long STARTUP_TIMEOUT_MILLIS = 90_000;
    private static final long TIMEOUT_MILLIS = 30_000;

    private LiveLab lab;

    @BeforeEach
    void createNetwork() {
        lab = new LiveLab();
        lab.bridged(NS_BRIDGE, "br0", new Plug(NS_A, IF_A, "198.18.100.1/24", "sba"),
                new Plug(NS_B, IF_B, "198.18.100.2/24", "sbb"),
                new Plug(NS_CLIENT, IF_CLIENT, "198.18.100.3/24", "sbc"));
    }

    @AfterEach
    void deleteNetwork() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void shouldMoveTheAddressAndTheServiceWithinMasterDownWhenTheMasterIsKilled() throws Exception {
        LiveProcess a = app("a", NS_A, IF_A, 0);
        LiveProcess b = app("b", NS_B, IF_B, 100);
        awaitPair(a, b);
        LiveProcess client = poll(60_000);
        await("the client served by a", () -> served(client, "a") >= 10, a, b, client);

        long killedAt = System.currentTimeMillis();
        a.kill();
        await("the client served by b", () -> served(client, "b") >= 1, a, b, client);
        long takeover = logTime(b.last(l -> l.contains("BACKUP -> MASTER (master timed out)"))) - killedAt;
        long firstByB = firstServed(client, "b") - killedAt;
        System.out.println("SIGKILL: b MASTER " + takeover + " ms and first answer from b " + firstByB
                + " ms after the kill (master-down " + MASTER_DOWN_B_MILLIS + " ms); failed requests meanwhile: "
                + failed(client));
        assertTrue(takeover <= MASTER_DOWN_B_MILLIS + TAKEOVER_SLACK_MILLIS, "b took over " + takeover
                + " ms after the kill\n" + outputs(a, b, client));
        assertTrue(firstByB <= MASTER_DOWN_B_MILLIS + HTTP_SLACK_MILLIS, "b answered " + firstByB
                + " ms after the kill\n" + outputs(a, b, client));
        assertTrue(b.printed(l -> l.contains("serving [" + VIP + "] on port 8081")), b.output());
        assertTrue(lab.has(NS_B, IF_B, VIP), "b holds the virtual address");
    }

    @Test
    void shouldHandOverWithNoFailedRequestOnSigterm() throws Exception {
        LiveProcess a = app("a", NS_A, IF_A, 0);
        LiveProcess b = app("b", NS_B, IF_B, 100);
        awaitPair(a, b);
        LiveProcess client = poll(60_000);
        await("the client served by a", () -> served(client, "a") >= 50, a, b, client);

        long terminatedAt = System.currentTimeMillis();
        assertTrue(a.terminate(TIMEOUT_MILLIS), "a did not stop after SIGTERM\n" + a.output());
        await("the client served by b for 1 s", () -> served(client, "b") >= 100, a, b, client);
        long takeover = firstServed(client, "b") - terminatedAt;
        long maxLatency = client.count(l -> l.startsWith("POLL ")) == 0 ? 0 : maxLatency(client);
        System.out.println("SIGTERM: first answer from b " + takeover + " ms after SIGTERM; requests: "
                + served(client, "a") + " by a, " + served(client, "b") + " by b, " + failed(client)
                + " failed; slowest " + maxLatency + " ms");
        String drain = a.last(l -> l.contains("carp.groups.web: closed"));
        System.out.println("SIGTERM: a: " + drain.substring(drain.indexOf("carp.groups.web")));
        assertEquals(0, failed(client), "failed requests:\n" + outputs(a, b, client));
        assertTrue(drain.contains("kept the virtual addresses for the release-delay of 1000 ms, removed them"),
                a.output());
        assertTrue(a.printed(l -> l.contains("MASTER -> INIT")), a.output());
        assertTrue(a.printed(l -> l.contains("no longer serving [" + VIP + "]")), a.output());
        assertTrue(b.printed(l -> l.contains("BACKUP -> MASTER (bow-out received")), b.output());
    }

    private LiveProcess app(String name, String ns, String iface, int advskew) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx160m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                SpringFailoverApplication.class.getName(),
                "--spring.main.banner-mode=off", "--logging.level.root=WARN", "--logging.level.io.carp=INFO",
                "--carp.runtime=linux", "--carp.interface-name=" + iface,
                "--carp.groups.web.vhid=10", "--carp.groups.web.password=spring-test",
                "--carp.groups.web.virtual-addresses=" + VIP, "--carp.groups.web.advbase=1",
                "--carp.groups.web.advskew=" + advskew, "--carp.groups.web.preempt=" + (advskew == 0),
                "--failover.node-name=" + name, "--failover.port=8081", "--server.port=8080"));
        String releaseDelay = System.getProperty("carp.test.releaseDelay");
        if (releaseDelay != null) { // a control run, e.g. -Dcarp.test.releaseDelay=0: the SIGTERM case then fails
            command.add("--carp.groups.web.release-delay=" + releaseDelay);
        }
        return lab.start("app " + name, ns, command);
    }

    private LiveProcess poll(long millis) {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                HttpPoller.class.getName(), URL, Long.toString(millis));
        return lab.start("client", NS_CLIENT, command);
    }

    /** a MASTER and listening on the virtual address, b BACKUP. */
    private void awaitPair(LiveProcess a, LiveProcess b) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT_MILLIS * 1_000_000L;
        await(() -> "BACKUP".equals(lastState(b)) && "MASTER".equals(lastState(a)), deadline, "a MASTER, b BACKUP",
                a, b);
    }

    /** The time of a Spring Boot log line: {@code 2026-12-03T07:26:25.699Z  INFO ...}. */
    private static long logTime(String line) {
        String stamp = line.trim().split("\\s+")[0];
        return java.time.Instant.parse(stamp).toEpochMilli();
    }

    private static String lastState(LiveProcess p) {
        String line = p.last(l -> l.contains("carp.groups.web: ") && l.contains(" -> "));
        int arrow = line.lastIndexOf(" -> ");
        if (arrow < 0) {
            return "";
        }
        String rest = line.substring(arrow + 4);
        int space = rest.indexOf(' ');
        return space < 0 ? rest : rest.substring(0, space);
    }

    private static Predicate<String> okFrom(String node) {
        return l -> l.startsWith("POLL ") && l.endsWith(" ok " + node);
    }

    private static long served(LiveProcess client, String node) {
        return client.count(okFrom(node));
    }

    private static long failed(LiveProcess client) {
        return client.count(l -> l.startsWith("POLL ") && l.contains(" fail "));
    }

    private static long firstServed(LiveProcess client, String node) {
        String[] f = firstLine(client, okFrom(node)).split(" ");
        return Long.parseLong(f[1]) + Long.parseLong(f[2]); // when the answer arrived
    }

    private static long maxLatency(LiveProcess client) {
        long max = 0;
        for (String l : client.output().split("\n")) {
            String[] f = l.trim().split(" ");
            if (f.length > 3 && f[0].equals("POLL") && !f[1].equals("DONE")) {
                max = Math.max(max, Long.parseLong(f[2]));
            }
        }
        return max;
    }

    private static String firstLine(LiveProcess p, Predicate<String> match) {
        for (String l : p.output().split("\n")) {
            if (match.test(l.trim())) {
                return l.trim();
            }
        }
        throw new AssertionError("no such line\n" + p.output());
    }

    private static void await(String what, BooleanSupplier check, LiveProcess... context) {
        await(check, System.nanoTime() + TIMEOUT_MILLIS * 1_000_000L, what, context);
    }

    private static void await(BooleanSupplier check, long deadline, String what, LiveProcess... context) {
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what + "\n" + outputs(context));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    private static String outputs(LiveProcess... processes) {
        StringBuilder b = new StringBuilder();
        for (LiveProcess p : processes) {
            String out = p.output();
            // the client prints a line per request: keep its failures and its last lines
            if (out.startsWith("client")) {
                List<String> lines = List.of(out.split("\n"));
                lines.stream().filter(l -> l.contains(" fail ")).limit(20).forEach(l -> b.append(l).append('\n'));
                lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(l -> b.append(l).append('\n'));
            } else {
                b.append(out).append('\n');
            }
        }
        return b.toString();
    }
}
