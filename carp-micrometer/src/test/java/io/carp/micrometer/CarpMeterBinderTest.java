package io.carp.micrometer;

import io.carp.testkit.ManualRuntime;

import static io.carp.micrometer.CarpMetricNames.ADDRESS_CLAIMS;
import static io.carp.micrometer.CarpMetricNames.ADDRESS_CLAIM_DURATION;
import static io.carp.micrometer.CarpMetricNames.ADDRESS_FAILURES;
import static io.carp.micrometer.CarpMetricNames.ADVERTISEMENT_AGE;
import static io.carp.micrometer.CarpMetricNames.CALLBACK_FAILURES;
import static io.carp.micrometer.CarpMetricNames.DEMOTION;
import static io.carp.micrometer.CarpMetricNames.DRAINING;
import static io.carp.micrometer.CarpMetricNames.MASTER_DOWN_INTERVAL;
import static io.carp.micrometer.CarpMetricNames.PACKETS_DROPPED;
import static io.carp.micrometer.CarpMetricNames.PACKETS_RECEIVED;
import static io.carp.micrometer.CarpMetricNames.PACKETS_SENT;
import static io.carp.micrometer.CarpMetricNames.RELEASE_DELAYS;
import static io.carp.micrometer.CarpMetricNames.SEND_ERRORS;
import static io.carp.micrometer.CarpMetricNames.STATE;
import static io.carp.micrometer.CarpMetricNames.STATE_ORDER;
import static io.carp.micrometer.CarpMetricNames.TRANSITIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.DropReason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A real {@link CarpGroup} on a {@link ManualRuntime}, driven through a scripted scenario; every meter is checked for an
 * exact value.
 */
class CarpMeterBinderTest {
    /** advbase 1, advskew 100, dead ratio 3: (3*256 + 100) ticks of 3,906,250 ns. */
    private static final long MASTER_DOWN_NANOS = 3_390_625_000L;
    /** advbase 1, advskew 100: (256 + 100) ticks. */
    private static final long INTERVAL_NANOS = 1_390_625_000L;
    private static final String PASSWORD = "s3cret";
    private static final int VHID = 7;
    private static final InetAddress VIP = Adverts.address("198.18.0.100");
    private static final InetAddress PEER = Adverts.address("198.18.0.1");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ManualRuntime runtime = ManualRuntime.create();

    {
        runtime.claimTakes(Duration.ofMillis(3));
    }
    private final Adverts peer = new Adverts(PASSWORD, VHID, List.of(VIP));

    @Test
    void shouldReportExactValuesWhenGroupFailsOverAndIsPreempted() {
        CarpGroup group = CarpGroup.builder().runtime(runtime).interfaceName("veth-m0").vhid(VHID).password(PASSWORD)
                .virtualAddress(VIP).advbase(1).advskew(100).callbackExecutor(Runnable::run)
                .onMaster(e -> {
                    throw new IllegalStateException("onMaster callback fails (scripted by the test)");
                })
                .build();
        CarpMeterBinder.of(group).bindTo(registry);

        // Before start(): INIT, nothing heard, nothing claimed.
        assertState(CarpState.INIT);
        assertTrue(Double.isNaN(seconds(ADVERTISEMENT_AGE)), "age before any advert");
        assertTrue(Double.isNaN(seconds(ADDRESS_CLAIM_DURATION)), "claim duration before any claim");
        assertTrue(Double.isNaN(seconds(MASTER_DOWN_INTERVAL)), "no master-down before start");

        group.start();
        assertState(CarpState.BACKUP);
        assertEquals(3.390625, seconds(MASTER_DOWN_INTERVAL), 1e-12, "the configured master-down (no adaptToLoss)");

        runtime.advanceBy(Duration.ofNanos(MASTER_DOWN_NANOS - 1));
        assertState(CarpState.BACKUP);
        runtime.advanceBy(Duration.ofNanos(1)); // master timed out -> MASTER; the claim takes 3 ms
        assertState(CarpState.MASTER);
        assertEquals(1, count(ADDRESS_CLAIMS));
        assertEquals(0.003, seconds(ADDRESS_CLAIM_DURATION), 1e-12);
        assertEquals(1, count(PACKETS_SENT, "family", "ipv4"));
        assertEquals(1, count(CALLBACK_FAILURES), "the throwing onMaster callback");

        // A forged digest and a routed (TTL 64) copy of a valid advert: both dropped, state unchanged.
        runtime.receive(peer.ipv4(PEER, 255, 1, 0, 0, 1_000, new byte[20]));
        runtime.receive(peer.ipv4(PEER, 64, 1, 0, 0, 1_001));
        assertState(CarpState.MASTER);
        assertEquals(1, count(PACKETS_DROPPED, "reason", "bad_auth"));
        assertEquals(1, count(PACKETS_DROPPED, "reason", "bad_ttl"));
        assertEquals(0, count(PACKETS_RECEIVED, "family", "ipv4"));
        assertTrue(Double.isNaN(seconds(ADVERTISEMENT_AGE)), "dropped adverts do not count as heard");

        // The next periodic advert fails to send.
        runtime.failNextSends(1);
        runtime.advanceBy(Duration.ofNanos(INTERVAL_NANOS));
        assertEquals(1, count(SEND_ERRORS));
        assertEquals(1, count(PACKETS_SENT, "family", "ipv4"));

        // A valid, faster advert from the peer: preempted. The master sends one last advert, then its release fails.
        runtime.failRelease(true);
        runtime.receive(peer.ipv4(PEER, 255, 1, 0, 0, 2_000));
        assertState(CarpState.BACKUP);
        assertEquals(1, count(PACKETS_RECEIVED, "family", "ipv4"));
        assertEquals(2, count(PACKETS_SENT, "family", "ipv4"));
        assertEquals(1, count(ADDRESS_FAILURES));
        assertEquals(0.0, seconds(ADVERTISEMENT_AGE), 0.0);
        runtime.advanceBy(Duration.ofSeconds(2));
        assertEquals(2.0, seconds(ADVERTISEMENT_AGE), 1e-12);

        // Every counter, exactly.
        for (DropReason reason : DropReason.values()) {
            double expected = reason == DropReason.BAD_AUTH || reason == DropReason.BAD_TTL ? 1 : 0;
            assertEquals(expected, count(PACKETS_DROPPED, "reason", reason.tag()), reason.tag());
        }
        assertEquals(0, count(PACKETS_RECEIVED, "family", "ipv6"));
        assertEquals(0, count(PACKETS_SENT, "family", "ipv6"));
        assertEquals(1, count(ADDRESS_CLAIMS));
        assertEquals(1, count(CALLBACK_FAILURES));
        assertEquals(0, gauge(DEMOTION));
        assertEquals(Map.of(
                "init->backup:started", 1.0,
                "backup->master:master_timed_out", 1.0,
                "master->backup:preempted", 1.0), nonZeroTransitions());
        assertEquals(3, group.stats().transitions(), "the binder's transition count agrees with carp-api's");

        group.close();
        assertState(CarpState.INIT);
        assertEquals(1.0, nonZeroTransitions().get("backup->init:stopped"));
        assertEquals(4, nonZeroTransitions().values().stream().mapToDouble(Double::doubleValue).sum());
    }

    @Test
    void shouldCountEachFamilyWhenGroupIsDualStack() {
        InetAddress vip6 = Adverts.address("2001:db8::100");
        CarpGroup group = CarpGroup.builder().runtime(runtime).interfaceName("veth-m0").vhid(VHID).password(PASSWORD)
                .virtualAddress(VIP).virtualAddress(vip6).advbase(1).advskew(100).callbackExecutor(Runnable::run)
                .build();
        CarpMeterBinder.of(group).bindTo(registry);
        group.start();
        runtime.advanceBy(Duration.ofNanos(MASTER_DOWN_NANOS)); // MASTER: one advert per family

        Adverts dualPeer = new Adverts(PASSWORD, VHID, List.of(VIP, vip6));
        runtime.receive(dualPeer.ipv6(Adverts.address("2001:db8::1"), 1, 200, 0, 5)); // weaker: stays MASTER

        assertState(CarpState.MASTER);
        assertEquals(1, count(PACKETS_SENT, "family", "ipv4"));
        assertEquals(1, count(PACKETS_SENT, "family", "ipv6"));
        assertEquals(0, count(PACKETS_RECEIVED, "family", "ipv4"));
        assertEquals(1, count(PACKETS_RECEIVED, "family", "ipv6"));
        group.close();
    }

    @Test
    void shouldShowTheDrainAfterABowOut() {
        CarpGroup group = CarpGroup.builder().runtime(runtime).interfaceName("veth-m0").vhid(VHID).password(PASSWORD)
                .virtualAddress(VIP).advbase(1).advskew(100).callbackExecutor(Runnable::run)
                .releaseDelay(Duration.ofMillis(500)).build();
        CarpMeterBinder.of(group).bindTo(registry);
        group.start();
        runtime.advanceBy(Duration.ofNanos(MASTER_DOWN_NANOS)); // MASTER
        assertEquals(0, count(RELEASE_DELAYS));
        assertEquals(0, gauge(DRAINING));

        group.forceBackup("maintenance"); // bow-out; the addresses stay for 500 ms
        assertState(CarpState.BACKUP);
        assertEquals(1, count(RELEASE_DELAYS));
        assertEquals(1, gauge(DRAINING));
        runtime.advanceBy(Duration.ofMillis(499));
        assertEquals(1, gauge(DRAINING));
        runtime.advanceBy(Duration.ofMillis(1));
        assertEquals(0, gauge(DRAINING));
        assertEquals(1, count(RELEASE_DELAYS));
        group.close();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void assertState(CarpState expected) {
        for (CarpState s : CarpState.values()) {
            assertEquals(s == expected ? 1.0 : 0.0,
                    registry.get(STATE).tags(base()).tag("state", TransitionKey.tagValue(s)).gauge().value(),
                    "carp.state{state=" + TransitionKey.tagValue(s) + "}");
        }
        assertEquals(expected.order(), gauge(STATE_ORDER), STATE_ORDER);
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags(base()).tags(tags).functionCounter().count();
    }

    private double gauge(String name) {
        return registry.get(name).tags(base()).gauge().value();
    }

    private double seconds(String name) {
        return registry.get(name).tags(base()).timeGauge().value(TimeUnit.SECONDS);
    }

    private Map<String, Double> nonZeroTransitions() {
        Map<String, Double> out = new TreeMap<>();
        for (FunctionCounter c : registry.get(TRANSITIONS).tags(base()).functionCounters()) {
            Meter.Id id = c.getId();
            if (c.count() != 0) {
                out.put(id.getTag("from") + "->" + id.getTag("to") + ":" + id.getTag("reason"), c.count());
            }
        }
        return out;
    }

    private static String[] base() {
        return new String[] {"vhid", Integer.toString(VHID), "interface", "veth-m0"};
    }
}
