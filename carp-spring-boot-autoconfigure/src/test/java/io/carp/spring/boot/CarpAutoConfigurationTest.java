package io.carp.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.carp.CarpConfig;
import io.carp.CarpState;
import io.carp.StateChangeCause;
import io.carp.micrometer.CarpMeterBinder;
import io.carp.micrometer.CarpMetricNames;
import io.carp.netty.NettyCarpRuntime;
import io.carp.CarpRuntime;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The auto-configuration in {@link ApplicationContextRunner}s, on the simulated runtime (no root): switching on and
 * off, binding, validation messages, events, health, info, metrics, and backing off for the application's own
 * runtime. Runs on Spring Boot 3.5 here and on 4.0 in carp-spring-boot-boot4-tests (same sources). Simulated time runs
 * 50 times faster than the wall clock, so a master-down interval of 3 s takes about 60 ms.
 */
class CarpAutoConfigurationTest {
    private static final long WAIT_MILLIS = 5_000;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CarpAutoConfiguration.class,
                    BootGeneration.healthAutoConfiguration(), CarpInfoAutoConfiguration.class,
                    CarpMetricsAutoConfiguration.class))
            .withPropertyValues("carp.runtime=simulated", "carp.simulated.time-scale=50");

    private static String[] web(String network, String... more) {
        List<String> p = new java.util.ArrayList<>(List.of(
                "carp.simulated.network=" + network,
                "carp.groups.web.vhid=10",
                "carp.groups.web.password=s3cret",
                "carp.groups.web.virtual-addresses=198.18.10.100,2001:db8::100",
                "carp.groups.web.advskew=20"));
        p.addAll(List.of(more));
        return p.toArray(new String[0]);
    }

    @Test
    void shouldRunOnTheBootGenerationThisModuleTargets() {
        // carp-spring-boot-autoconfigure runs these tests on 3, carp-spring-boot-boot4-tests on 4 (set in its pom).
        assertEquals(Integer.getInteger("carp.expectedBootMajor", 3), BootGeneration.major());
        runner.withPropertyValues(web("generation")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBeansOfType(BootGeneration.healthIndicatorType())).containsOnlyKeys(
                    "carpHealthIndicator");
        });
    }

    @Test
    void shouldConfigureNothingWhenDisabled() {
        runner.withPropertyValues(web("off", "carp.enabled=false")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(CarpGroups.class);
            assertThat(context).doesNotHaveBean(SimulatedCarpNetwork.class);
            assertThat(context).doesNotHaveBean(CarpMeterBinder.class);
        });
    }

    @Test
    void shouldBindEveryGroupProperty() {
        runner.withPropertyValues(web("binding", "carp.interface-name=eth7", "carp.groups.web.advbase=2",
                        "carp.groups.web.preempt=true", "carp.groups.web.dead-ratio=4", "carp.groups.web.demotion=5",
                        "carp.groups.web.manage-addresses=false", "carp.groups.web.unicast-peers[0]=198.18.10.2",
                        "carp.groups.web.unicast-peers[1]=198.18.10.3", "carp.groups.db.vhid=11",
                        "carp.groups.db.password=other", "carp.groups.db.virtual-addresses[0]=198.18.11.100",
                        "carp.groups.db.interface-name=eth8"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    CarpGroups groups = context.getBean(CarpGroups.class);
                    assertEquals(List.of("web", "db"), List.copyOf(groups.names()));
                    CarpConfig web = groups.group("web").config();
                    assertEquals(10, web.vhid());
                    assertEquals("eth7", web.interfaceName().orElseThrow());
                    assertEquals(List.of(InetAddress.getByName("198.18.10.100"), InetAddress.getByName("2001:db8::100")),
                            web.virtualAddresses());
                    assertEquals(2, web.advbase());
                    assertEquals(20, web.advskew());
                    assertTrue(web.preempt());
                    assertEquals(4, web.deadRatio());
                    assertEquals(5, web.demotion());
                    assertEquals(false, web.manageAddresses());
                    assertEquals(List.of(InetAddress.getByName("198.18.10.2"), InetAddress.getByName("198.18.10.3")),
                            web.unicastPeers());
                    CarpConfig db = groups.group("db").config();
                    assertEquals("eth8", db.interfaceName().orElseThrow());
                    assertEquals(CarpConfig.DEFAULT_ADVSKEW, db.advskew());
                    assertEquals(CarpConfig.DEFAULT_ADVBASE, db.advbase());
                    assertEquals(true, db.manageAddresses());
                });
    }

    @Test
    void shouldBindAVrrpGroup() {
        runner.withPropertyValues("carp.simulated.network=vrrp", "carp.groups.edge.vhid=51",
                        "carp.groups.edge.virtual-addresses=198.18.12.100", "carp.groups.edge.protocol=vrrp3",
                        "carp.groups.edge.priority=200", "carp.groups.edge.advert-interval=50ms")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    CarpConfig edge = context.getBean(CarpGroups.class).group("edge").config();
                    assertEquals(io.carp.Protocol.VRRP_V3, edge.protocol());
                    assertEquals(200, edge.priority());
                    assertEquals(5, edge.vrrpIntervalCentis());
                    assertTrue(edge.preempt(), "VRRP preempts by default");
                });
        assertStartFails(new String[] {"carp.simulated.network=vrrp-bad", "carp.groups.edge.vhid=51",
            "carp.groups.edge.virtual-addresses=198.18.12.100", "carp.groups.edge.protocol=vrrp3",
            "carp.groups.edge.priority=0"}, "carp.groups.edge.priority: 0 is out of range 1-255");
        assertStartFails(new String[] {"carp.simulated.network=vrrp-bad2", "carp.groups.edge.vhid=51",
            "carp.groups.edge.virtual-addresses=198.18.12.100", "carp.groups.edge.protocol=vrrp4"},
            "carp.groups.edge.protocol: \"vrrp4\" (expected: carp, vrrp2 or vrrp3)");
    }

    @Test
    void shouldFailTheStartNamingTheProperty() {
        assertStartFails(web("bad-vhid", "carp.groups.web.vhid=300"),
                "carp.groups.web.vhid: 300 is out of range 1-255");
        assertStartFails(web("bad-skew", "carp.groups.web.advskew=255"),
                "carp.groups.web.advskew: 255 is out of range 0-254");
        assertStartFails(web("bad-address", "carp.groups.web.virtual-addresses=198.18.10.100,198.18.10.300"),
                "carp.groups.web.virtual-addresses[1]: \"198.18.10.300\"");
        assertStartFails(new String[] {"carp.simulated.network=no-vhid", "carp.groups.web.password=x",
            "carp.groups.web.virtual-addresses=198.18.10.100"}, "carp.groups.web.vhid: not set (expected: 1-255)");
        assertStartFails(web("bad-interface", "carp.interface-name=this-name-is-too-long"),
                "carp.interface-name: \"this-name-is-too-long\" (expected: 1-15 characters");
        assertStartFails(web("dup", "carp.groups.api.vhid=10", "carp.groups.api.password=x",
                "carp.groups.api.virtual-addresses=198.18.10.101"),
                "carp.groups.api.vhid: 10 is already used by carp.groups.web");
        // The Linux runtime needs an interface: said before anything is opened (no root needed to see it).
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CarpAutoConfiguration.class))
                .withPropertyValues(web("linux"))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(rootMessage(context.getStartupFailure())).contains(
                            "carp.groups.web.interface-name: not set (expected: the network interface");
                });
    }

    private void assertStartFails(String[] properties, String message) {
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            assertThat(rootMessage(failure)).startsWith(message);
            CarpConfigurationException e = find(failure, CarpConfigurationException.class);
            assertThat(new CarpConfigurationFailureAnalyzer().analyze(failure).getDescription()).isEqualTo(e.getMessage());
        });
    }

    @Test
    void shouldKeepTheAddressesForTheReleaseDelayWhenTheContextCloses() {
        CarpGroups[] holder = new CarpGroups[1];
        runner.withPropertyValues(web("drain-default")).run(context -> {
            assertThat(context).hasNotFailed();
            assertEquals(java.time.Duration.ofSeconds(1),
                    context.getBean(CarpGroups.class).group("web").config().releaseDelay(), "web-server default");
        });
        runner.withPropertyValues(web("drain", "carp.groups.web.release-delay=250ms")).run(context -> {
            assertThat(context).hasNotFailed();
            CarpGroups groups = context.getBean(CarpGroups.class);
            holder[0] = groups;
            assertEquals(java.time.Duration.ofMillis(250), groups.group("web").config().releaseDelay());
            await("MASTER", () -> groups.isMaster("web"));
        });
        // The context closed: the group bowed out and kept its addresses for 250 ms of simulated time; stop()
        // waited for the drain, as on Linux.
        io.carp.CarpGroup web = holder[0].group("web");
        assertEquals(CarpState.INIT, web.state());
        assertEquals(1, web.stats().releaseDelays());
        assertEquals(false, web.stats().draining());
        runner.withPropertyValues(web("drain-off", "carp.groups.web.release-delay=0")).run(context -> {
            CarpGroups groups = context.getBean(CarpGroups.class);
            holder[0] = groups;
            assertEquals(java.time.Duration.ZERO, groups.group("web").config().releaseDelay());
            await("MASTER", () -> groups.isMaster("web"));
        });
        assertEquals(0, holder[0].group("web").stats().releaseDelays());
        assertStartFails(web("drain-bad", "carp.groups.web.release-delay=31s"),
                "carp.groups.web.release-delay: 31000 ms is out of range 0-30000 ms");
    }

    @Test
    void shouldDemoteWhileAPropertyHealthCheckFails() throws Exception {
        try (java.net.ServerSocket open = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            java.net.ServerSocket closed = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            int closedPort = closed.getLocalPort();
            closed.close();
            com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/ok", x -> {
                x.sendResponseHeaders(200, -1);
                x.close();
            });
            http.createContext("/down", x -> {
                x.sendResponseHeaders(503, -1);
                x.close();
            });
            http.start();
            String base = "http://127.0.0.1:" + http.getAddress().getPort();
            try {
                // The checks run on the simulation thread (they block it for a real connect each): simulated time
                // at 5 times the wall clock and 1 s intervals leave it time for the rest.
                runner.withPropertyValues(web("checks", "carp.simulated.time-scale=5",
                        "carp.groups.web.health-checks.port.tcp-port=" + open.getLocalPort(),
                        "carp.groups.web.health-checks.port.interval=1s",
                        "carp.groups.web.health-checks.live.http-url=" + base + "/ok",
                        "carp.groups.web.health-checks.live.interval=1s",
                        "carp.groups.db.vhid=11", "carp.groups.db.password=x",
                        "carp.groups.db.virtual-addresses=198.18.11.100",
                        "carp.groups.db.health-checks.gone.tcp-port=" + closedPort,
                        "carp.groups.db.health-checks.gone.weight=50",
                        "carp.groups.db.health-checks.gone.interval=1s",
                        "carp.groups.api.vhid=12", "carp.groups.api.password=x",
                        "carp.groups.api.virtual-addresses=198.18.12.100",
                        "carp.groups.api.health-checks.sick.http-url=" + base + "/down",
                        "carp.groups.api.health-checks.sick.timeout=2s"))
                        .run(context -> {
                            assertThat(context).hasNotFailed();
                            CarpGroups groups = context.getBean(CarpGroups.class);
                            await("db demoted by its failing TCP check", () -> groups.group("db").demotion() == 50);
                            await("api demoted by its HTTP 503 check", () -> groups.group("api").demotion() == 240);
                            assertEquals(0, groups.group("web").demotion(), "both of web's checks pass");
                        });
            } finally {
                http.stop(0);
            }
        }
    }

    @Test
    void shouldApplyCustomizerBeansSoThatABeanHealthCheckDemotes() {
        java.util.concurrent.atomic.AtomicBoolean healthy = new java.util.concurrent.atomic.AtomicBoolean(false);
        runner.withPropertyValues(web("customizer"))
                .withBean("dbCheck", CarpGroupCustomizer.class, () -> (name, builder) -> builder.healthCheck("db",
                        healthy::get, java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(50), 77))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    CarpGroups groups = context.getBean(CarpGroups.class);
                    await("demoted while the bean's check fails", () -> groups.group("web").demotion() == 77);
                    healthy.set(true);
                    await("promoted when it passes", () -> groups.group("web").demotion() == 0);
                });
        runner.withPropertyValues(web("customizer-bad"))
                .withBean("bad", CarpGroupCustomizer.class, () -> (name, builder) -> builder.advskew(255))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(rootMessage(context.getStartupFailure())).startsWith(
                            "carp.groups.web: refused by a CarpGroupCustomizer: advskew: 255");
                });
    }

    @Test
    void shouldRefuseABadHealthCheckNamingTheProperty() {
        String p = "carp.groups.web.health-checks.app.";
        assertStartFails(web("hc-none", p + "interval=1s"),
                "carp.groups.web.health-checks.app: neither tcp-port nor http-url set (expected: exactly one of them)");
        assertStartFails(web("hc-both", p + "tcp-port=8080", p + "http-url=http://127.0.0.1:8080/"),
                "carp.groups.web.health-checks.app: both tcp-port and http-url set");
        assertStartFails(web("hc-port", p + "tcp-port=70000"),
                "carp.groups.web.health-checks.app.tcp-port: 70000 is out of range 1-65535");
        assertStartFails(web("hc-interval", p + "tcp-port=8080", p + "interval=50ms"),
                "carp.groups.web.health-checks.app.interval: 50ms is out of range 100ms-1h");
        assertStartFails(web("hc-weight", p + "tcp-port=8080", p + "weight=0"),
                "carp.groups.web.health-checks.app.weight: 0 is out of range 1-240");
        assertStartFails(web("hc-url", p + "http-url=ftp://127.0.0.1/"),
                "carp.groups.web.health-checks.app.http-url: \"ftp://127.0.0.1/\" (expected: an http:// or https://");
    }

    @Test
    void shouldPublishStateChangesAsApplicationEvents() {
        List<CarpStateChangedEvent> events = new CopyOnWriteArrayList<>();
        ConfigurableApplicationContext[] holder = new ConfigurableApplicationContext[1];
        runner.withPropertyValues(web("events"))
                .withInitializer(ctx -> ctx.addApplicationListener(
                        (ApplicationListener<CarpStateChangedEvent>) events::add))
                .run(context -> {
                    holder[0] = context;
                    // Alone on its network: BACKUP, then MASTER after the master-down interval.
                    await("MASTER event", () -> events.stream().anyMatch(CarpStateChangedEvent::becameMaster));
                    CarpStateChangedEvent init = events.get(0);
                    assertEquals("web", init.groupName());
                    assertEquals(10, init.vhid());
                    assertEquals(CarpState.INIT, init.from());
                    assertEquals(CarpState.BACKUP, init.to());
                    CarpStateChangedEvent master = events.get(1);
                    assertEquals(CarpState.BACKUP, master.from());
                    assertEquals(CarpState.MASTER, master.to());
                    assertEquals(StateChangeCause.MASTER_TIMED_OUT, master.cause());
                    assertEquals("master timed out", master.reason());
                    assertThat(master.toString()).startsWith("carp.groups.web: vhid 10");
                    assertTrue(context.getBean(CarpGroups.class).isMaster("web"));
                });
        // Closing the context stopped the group (bow-out): MASTER -> INIT, published while the context still ran.
        await("INIT event on close", () -> events.stream().anyMatch(CarpStateChangedEvent::leftMaster));
        CarpStateChangedEvent last = events.get(events.size() - 1);
        assertEquals(CarpState.MASTER, last.from());
        assertEquals(CarpState.INIT, last.to());
        assertEquals(StateChangeCause.STOPPED, last.cause());
    }

    @Test
    void shouldReportHealthUpWithStatesAndOutOfServiceInInit() {
        runner.withPropertyValues(web("health")).run(context -> {
            assertThat(context).hasNotFailed();
            Object indicator = context.getBean("carpHealthIndicator");
            assertThat(indicator).isInstanceOf(BootGeneration.healthIndicatorType());
            CarpGroups groups = context.getBean(CarpGroups.class);
            await("MASTER", () -> groups.isMaster("web"));
            BootGeneration.Reading up = BootGeneration.health(indicator);
            assertEquals("UP", up.status());
            @SuppressWarnings("unchecked")
            Map<String, Object> web = (Map<String, Object>) up.details().get("web");
            assertEquals("MASTER", web.get("state"));
            assertEquals(10, web.get("vhid"));
            assertEquals(List.of("198.18.10.100", "2001:db8::100"), web.get("virtualAddresses"));

            // The link goes down: the group waits in INIT, the node is out of service.
            SimulatedCarpNetwork sim = context.getBean(SimulatedCarpNetwork.class);
            sim.call(net -> {
                sim.node().linkDown();
                return null;
            });
            await("INIT", () -> groups.state("web") == CarpState.INIT);
            BootGeneration.Reading down = BootGeneration.health(indicator);
            assertEquals("OUT_OF_SERVICE", down.status());
            @SuppressWarnings("unchecked")
            Map<String, Object> webDown = (Map<String, Object>) down.details().get("web");
            assertEquals("INIT", webDown.get("state"));
        });
        runner.withPropertyValues(web("health-off", "management.health.carp.enabled=false")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean("carpHealthIndicator");
        });
    }

    @Test
    void shouldAppearAsCarpInTheHealthEndpoint() {
        runner.withConfiguration(BootGeneration.healthEndpoint()).withPropertyValues(web("endpoint",
                "spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=health")).run(context -> {
            assertThat(context).hasNotFailed();
            CarpGroups groups = context.getBean(CarpGroups.class);
            await("MASTER", () -> groups.isMaster("web"));
            assertEquals("UP", BootGeneration.endpointStatus(context.getBean("healthEndpoint"), "carp"));
        });
    }

    @Test
    void shouldContributeInfo() {
        runner.withPropertyValues(web("info", "carp.simulated.node-name=alpha")).run(context -> {
            InfoContributor contributor = context.getBean("carpInfoContributor", InfoContributor.class);
            Info.Builder builder = new Info.Builder();
            contributor.contribute(builder);
            @SuppressWarnings("unchecked")
            Map<String, Object> carp = (Map<String, Object>) builder.build().getDetails().get("carp");
            assertEquals("simulated (network info, node alpha)", carp.get("runtime"));
            @SuppressWarnings("unchecked")
            Map<String, Object> web = (Map<String, Object>) ((Map<String, Object>) carp.get("groups")).get("web");
            assertEquals(10, web.get("vhid"));
            assertEquals(20, web.get("advskew"));
            assertEquals(3078L, web.get("masterDownMillis")); // 3 * 1 s + 20/256 s
        });
    }

    @Test
    void shouldBindTheMeterBinderWhenAMeterRegistryExists() {
        runner.withConfiguration(BootGeneration.metrics()).withPropertyValues(web("metrics")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(CarpMeterBinder.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            CarpGroups groups = context.getBean(CarpGroups.class);
            await("MASTER", () -> groups.isMaster("web"));
            assertEquals(1.0, registry.get(CarpMetricNames.STATE).tag("vhid", "10").tag("state", "master")
                    .gauge().value());
            assertThat(registry.get(CarpMetricNames.PACKETS_SENT).functionCounters()).isNotEmpty();
        });
        // Without a registry the binder bean exists but is bound nowhere.
        runner.withPropertyValues(web("no-registry")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(MeterRegistry.class);
        });
    }

    @Test
    void shouldBackOffWhenTheApplicationDefinesItsRuntime() {
        NettyCarpRuntime own = NettyCarpRuntime.builder().build(); // nothing opened until a group starts
        try {
            runner.withBean("myRuntime", CarpRuntime.class, () -> own)
                    .withPropertyValues("carp.simulated.network=own") // no groups: nothing starts
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context).hasSingleBean(CarpRuntime.class);
                        assertThat(context.getBean(CarpRuntime.class)).isSameAs(own);
                        assertThat(context).doesNotHaveBean(SimulatedCarpNetwork.class);
                        assertEquals("linux", context.getBean(CarpGroups.class).runtimeDescription());
                    });
            // carp.runtime=linux backs off too: the application's runtime is the only one.
            new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CarpAutoConfiguration.class))
                    .withBean("myRuntime", CarpRuntime.class, () -> own)
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context.getBeansOfType(CarpRuntime.class)).containsOnlyKeys("myRuntime");
                    });
        } finally {
            own.close();
        }
        // Without one, carp.runtime=linux makes the Linux runtime.
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CarpAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(CarpRuntime.class)).isInstanceOf(NettyCarpRuntime.class);
                });
    }

    @Test
    void shouldGenerateConfigurationMetadata() throws Exception {
        try (var in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated by spring-boot-configuration-processor").isNotNull();
            String json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(json).contains("\"carp.runtime\"", "\"carp.interface-name\"", "\"carp.groups\"",
                    "\"carp.simulated.time-scale\"", "\"management.health.carp.enabled\"");
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    private static String rootMessage(Throwable t) {
        CarpConfigurationException c = find(t, CarpConfigurationException.class);
        if (c != null) {
            return c.getMessage();
        }
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
