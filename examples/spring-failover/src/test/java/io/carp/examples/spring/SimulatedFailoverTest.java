package io.carp.examples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.carp.CarpState;
import io.carp.StateChangeCause;
import io.carp.spring.boot.CarpGroups;
import io.carp.spring.boot.CarpStateChangedEvent;
import io.carp.spring.boot.SimulatedCarpNetwork;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example application twice in one JVM, on one simulated network (carp.runtime=simulated: no root): this test's
 * context is node a (advskew 0, becomes MASTER and serves), a second context is node b (advskew 100, BACKUP). Node a's
 * CARP process is killed on the simulated network (no bow-out): b takes over after its master-down interval and its
 * service port answers instead of a's. Simulated time runs 10 times faster than the wall clock. Both service ports
 * bind 127.0.0.1 on a free port (the virtual address exists only on the simulated segment), so they answer while
 * their node is MASTER and say 503 otherwise.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "carp.runtime=simulated", "carp.simulated.network=example-test", "carp.simulated.time-scale=10",
    "carp.simulated.node-name=a", "failover.node-name=a", "carp.groups.web.advskew=0",
    "failover.bind-address=127.0.0.1", "failover.port=0"})
class SimulatedFailoverTest {
    private static final long WAIT_MILLIS = 10_000;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Autowired
    CarpGroups groups;
    @Autowired
    VirtualAddressService service;
    @Autowired
    SimulatedCarpNetwork network;

    @Test
    void shouldMoveTheServiceToTheBackupWhenTheMasterIsKilled() throws Exception {
        await("a MASTER", () -> groups.isMaster("web"));
        assertTrue(get(service.servicePort(), 200).startsWith("hello from a (MASTER) on 127.0.0.1:"));

        List<CarpStateChangedEvent> eventsOfB = new CopyOnWriteArrayList<>();
        try (ConfigurableApplicationContext b = new SpringApplicationBuilder(SpringFailoverApplication.class)
                .listeners((ApplicationListener<CarpStateChangedEvent>) eventsOfB::add)
                .run("--carp.runtime=simulated", "--carp.simulated.network=example-test",
                        "--carp.simulated.node-name=b", "--failover.node-name=b", "--carp.groups.web.advskew=100",
                        "--failover.bind-address=127.0.0.1", "--failover.port=0", "--server.port=0")) {
            CarpGroups groupsOfB = b.getBean(CarpGroups.class);
            VirtualAddressService serviceOfB = b.getBean(VirtualAddressService.class);
            assertEquals("b", b.getBean(SimulatedCarpNetwork.class).nodeName());
            await("b BACKUP", () -> groupsOfB.state("web") == CarpState.BACKUP);
            Thread.sleep(500); // 5 s of simulated time: several of a's adverts, b stays BACKUP
            assertEquals(CarpState.BACKUP, groupsOfB.state("web"));
            get(serviceOfB.servicePort(), 503); // b does not serve as BACKUP

            long killedAt = network.call(net -> {
                network.node().kill(); // the process dies: no bow-out
                return net.clock().nanoTime();
            });
            await("b MASTER", () -> groupsOfB.isMaster("web"));
            assertTrue(get(serviceOfB.servicePort(), 200).startsWith("hello from b (MASTER) on 127.0.0.1:"));

            // b took over within its master-down interval (3 * advbase + advskew/256 = 3.39 s of simulated time) of
            // the last advert it heard, which a sent at most one advertisement interval before the kill.
            CarpStateChangedEvent takeover = eventsOfB.stream().filter(CarpStateChangedEvent::becameMaster)
                    .findFirst().orElseThrow();
            long masterDownNanos = groupsOfB.group("web").config().masterDownInterval().toNanos();
            long waited = takeover.carpEvent().nanoTime() - killedAt;
            long advertNanos = groups.group("web").config().advertisementInterval().toNanos();
            assertTrue(waited >= masterDownNanos - advertNanos && waited <= masterDownNanos + 1_000_000,
                    "took over " + waited / 1_000_000 + " ms after the kill; master-down is "
                            + masterDownNanos / 1_000_000 + " ms");
            assertEquals(StateChangeCause.MASTER_TIMED_OUT, takeover.cause());
        }
    }

    private static String get(int port, int status) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, r.statusCode(), r.body());
        return r.body();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
