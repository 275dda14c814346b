package io.carp.internal.group;

import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.CarpState;

import static io.carp.InetAddressLiterals.of;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.carp.internal.protocol.TestPackets;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The operator's demotion ({@link CarpGroup#demote}, {@link CarpGroup#promote}, {@link CarpGroup#setDemotion}) and
 * the total of a group's demotion sources ({@link DemotionSources}: operator, health checks, failed address claim, a
 * unit), on a {@link FakeRuntime}.
 */
class DemotionTest {
    private static final InetAddress SELF4 = of("198.18.0.1");
    private static final InetAddress PEER4 = of("198.18.0.2");
    private static final InetAddress VIP4 = of("198.18.0.100");
    /** advbase 1, advskew 100, dead ratio 3: 3.390625 s. */
    private static final long MASTER_DOWN_NANOS = 3_390_625_000L;

    private final FakeRuntime runtime = new FakeRuntime(SELF4, null);
    private CarpGroup group;

    private CarpGroupBuilder builder() {
        return CarpGroup.builder().vhid(1).password("secret").virtualAddress(VIP4).advskew(100).runtime(runtime)
                .callbackExecutor(Runnable::run).healthCheckExecutor(Runnable::run);
    }

    private CarpGroup started(CarpGroupBuilder builder) {
        group = builder.build();
        group.start();
        runtime.loop.runPending();
        return group;
    }

    private CarpGroup master(CarpGroupBuilder builder) {
        started(builder);
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);
        assertEquals(CarpState.MASTER, group.state());
        return group;
    }

    private void hearBetterPeer() {
        runtime.receiveIpv4(TestPackets.ipv4Advert((Inet4Address) PEER4, "secret".getBytes(StandardCharsets.UTF_8),
                1, List.of(VIP4), 1, 0, 0, 1));
    }

    // ------------------------------------------------------------------------------------------------ operator

    @Test
    void shouldRaiseTheOperatorDemotionByTheAmountWhenDemoted() {
        // Rule: demote(n) adds n to the operator's demotion (FreeBSD net.inet.carp.demotion).
        started(builder());
        group.demote(30, "test");
        group.demote(25, "test");
        assertEquals(55, group.demotion());
    }

    @Test
    void shouldCapTheOperatorDemotionAt240WhenDemotedBeyondIt() {
        // Rule: the demotion never exceeds 240.
        started(builder());
        group.demote(200, "test");
        group.demote(100, "test");
        assertEquals(240, group.demotion());
        group.promote(40, "test");
        assertEquals(200, group.demotion(), "the cap is applied when demoting, not remembered as 300");
    }

    @Test
    void shouldLowerButNotBelowZeroWhenPromoted() {
        // Rule: promote(n) subtracts n, not below 0.
        started(builder());
        group.demote(50, "test");
        group.promote(20, "test");
        assertEquals(30, group.demotion());
        group.promote(100, "test");
        assertEquals(0, group.demotion());
    }

    @Test
    void shouldReplaceTheOperatorDemotionWhenSet() {
        // Rule: setDemotion(n) sets the operator's part to n, whatever it was.
        started(builder().demotion(10));
        assertEquals(10, group.demotion(), "the builder's demotion is the operator's initial part");
        group.demote(30, "test");
        group.setDemotion(70, "test");
        assertEquals(70, group.demotion());
        group.setDemotion(0, "test");
        assertEquals(0, group.demotion());
    }

    @Test
    void shouldKeepDemotionChangesMadeBeforeStart() {
        // Rule: before start the operator's changes are stored and apply from the first advert.
        group = builder().build();
        group.demote(40, "test");
        group.promote(15, "test");
        assertEquals(25, group.demotion());
        group.start();
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);
        assertEquals(125, runtime.sent.get(0).advskew());
        assertEquals(25, runtime.sent.get(0).demote());
    }

    @Test
    void shouldRefuseAmountsOutside0To240NamingTheParameter() {
        // Rule: bad arguments fail with the field, the value and the range.
        started(builder());
        assertEquals("amount: -1 (expected: 0-240)", assertThrows(IllegalArgumentException.class,
                () -> group.demote(-1, "x")).getMessage());
        assertEquals("amount: 241 (expected: 0-240)", assertThrows(IllegalArgumentException.class,
                () -> group.promote(241, "x")).getMessage());
        assertEquals("demotion: 241 (expected: 0-240)", assertThrows(IllegalArgumentException.class,
                () -> group.setDemotion(241, "x")).getMessage());
        assertEquals(0, group.demotion());
    }

    // ------------------------------------------------------------------------------------------------ adverts

    @Test
    void shouldAdvertiseOnceAtTheInstantWhenAMasterIsDemotedOrPromoted() {
        // Rule: a MASTER advertises a demotion change at once (FreeBSD carp_demote_adj): one extra advert with the
        // new advskew and demote byte, and the next one a full (new) interval later.
        master(builder());
        runtime.loop.advanceBy(500_000_000L); // between two adverts
        runtime.clear();
        long at = runtime.loop.nanoTime();

        group.demote(40, "test");

        assertEquals(1, runtime.sent.size());
        assertEquals(at, runtime.lastSent().at());
        assertEquals(140, runtime.lastSent().advskew());
        assertEquals(40, runtime.lastSent().demote());
        assertEquals(at + Duration.ofNanos(io.carp.internal.time.CarpTiming.ticksToNanos(256 + 140)).toNanos(),
                runtime.loop.nextDeadline(), "the next advert one demoted interval later");

        group.promote(40, "test");

        assertEquals(2, runtime.sent.size());
        assertEquals(at, runtime.lastSent().at());
        assertEquals(100, runtime.lastSent().advskew());
        assertEquals(0, runtime.lastSent().demote());
    }

    @Test
    void shouldNotAdvertiseWhenTheDemotionDoesNotChange() {
        // Rule: only a change is advertised: demote(0), or setting the same value, sends nothing.
        master(builder().demotion(20));
        runtime.clear();
        group.demote(0, "test");
        group.setDemotion(20, "test");
        group.promote(0, "test");
        assertEquals(List.of(), runtime.sent);
    }

    @Test
    void shouldNotAdvertiseWhenABackupIsDemoted() {
        // Rule: a BACKUP only stores its demotion; it is advertised when the group becomes MASTER.
        started(builder());
        group.demote(60, "test");
        assertEquals(List.of(), runtime.sent);
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);
        assertEquals(160, runtime.sent.get(0).advskew());
    }

    // ------------------------------------------------------------------------------------------------ sources

    @Test
    void shouldSumTheOperatorAndHealthCheckParts() {
        // Rule: demotion() is the total of the sources: operator + failing health checks.
        started(builder().healthCheck("app", () -> false, Duration.ofSeconds(1), 60));
        group.demote(50, "test");
        assertEquals(110, group.demotion());
        group.setDemotion(0, "test");
        assertEquals(60, group.demotion(), "the operator clears only its own part");
    }

    @Test
    void shouldAddTheAddressClaimPartAndCapTheTotalAt240() {
        // Rule: a failed address claim adds 240 to the other parts, and the total is capped at 240; once the
        // addresses are claimed again that part goes, and the others remain.
        AtomicBoolean healthy = new AtomicBoolean(false);
        runtime.addresses.failClaim = true;
        master(builder().healthCheck("app", healthy::get, Duration.ofSeconds(1), 60));
        group.demote(50, "test");
        assertEquals(240, group.demotion(), "50 + 60 + 240 capped at 240");

        runtime.addresses.failClaim = false;
        hearBetterPeer();                               // MASTER -> BACKUP
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);      // MASTER again: the claim works
        assertEquals(CarpState.MASTER, group.state());

        assertEquals(110, group.demotion());
    }

    @Test
    void shouldSumPartsAndCapAt240InDemotionSources() {
        // Rule: DemotionSources: parts by name, 0 removes one, total = min(240, sum).
        DemotionSources sources = new DemotionSources(10);
        sources.set("health:db", 100);
        sources.set("unit:fw", 240);
        assertEquals(240, sources.total());
        sources.set("unit:fw", 0);
        assertEquals(110, sources.total());
        assertEquals(10, sources.get(DemotionSources.OPERATOR));
        assertEquals(0, sources.get("unit:fw"));
        assertEquals("{operator=10, health:db=100}", sources.toString());
    }
}
