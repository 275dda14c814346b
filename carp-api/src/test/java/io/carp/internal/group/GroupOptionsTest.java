package io.carp.internal.group;

import io.carp.CarpConfig;
import io.carp.CarpStateEvent;
import io.carp.NoDnsGuard;

import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;

import static io.carp.InetAddressLiterals.of;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.internal.protocol.TestPackets;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Newer builder options and group methods: {@code unicastPeer} and {@code adaptToLoss} in the configuration,
 * {@code addressManager} (an override of the runtime's), and {@link CarpGroup#removeListener}.
 */
class GroupOptionsTest {
    private static final InetAddress SELF4 = of("198.18.0.1");
    private static final InetAddress PEER4 = of("198.18.0.2");
    private static final InetAddress VIP4 = of("198.18.0.100");
    /** advbase 1, advskew 100, dead ratio 3: 3.390625 s. */
    private static final long MASTER_DOWN_NANOS = 3_390_625_000L;
    /** advbase 1, advskew 100: 1.390625 s. */
    private static final long INTERVAL_NANOS = 1_390_625_000L;

    private final FakeRuntime runtime = new FakeRuntime(SELF4, null);

    private static CarpGroupBuilder valid() {
        return CarpGroup.builder().vhid(1).password("secret").virtualAddress("198.18.0.100");
    }

    private CarpGroupBuilder onRuntime() {
        return valid().advskew(100).runtime(runtime).callbackExecutor(Runnable::run);
    }

    private void hearBetterPeer() {
        runtime.receiveIpv4(TestPackets.ipv4Advert((Inet4Address) PEER4, "secret".getBytes(StandardCharsets.UTF_8),
                1, List.of(VIP4), 1, 0, 0, 1));
    }

    // ------------------------------------------------------------------------------------------------ unicastPeer

    @Test
    void shouldBeMulticastWithNoPeersByDefault() {
        // Rule: without unicastPeer the group uses multicast (224.0.0.18 / ff02::12).
        CarpConfig config = valid().buildConfig();
        assertEquals(List.of(), config.unicastPeers());
        assertFalse(config.isUnicast());
        assertFalse(config.toString().contains("unicastPeers"), config.toString());
    }

    @Test
    void shouldKeepUnicastPeersInOrderWhenSet() {
        // Rule: unicastPeer adds a peer (IPv4 or IPv6 literal); with one or more the group is unicast.
        CarpConfig config = valid().unicastPeer("198.18.0.2").unicastPeer("2001:db8::2").buildConfig();
        assertEquals(List.of(of("198.18.0.2"), of("2001:db8::2")), config.unicastPeers());
        assertTrue(config.isUnicast());
        assertThrows(UnsupportedOperationException.class, () -> config.unicastPeers().add(of("198.18.0.3")));
    }

    @Test
    void shouldShowUnicastPeersInToStringWhenSet() {
        // Rule: toString shows the peers (only when there are some) and never the password.
        String s = valid().unicastPeer("198.18.0.2").unicastPeer("2001:db8::2").buildConfig().toString();
        assertTrue(s.endsWith(", adaptToLoss=false, unicastPeers=[198.18.0.2, 2001:db8:0:0:0:0:0:2]}"), s);
        assertFalse(s.contains("secret"), s);
    }

    @Test
    void shouldNotChangeABuiltConfigWhenMorePeersAreAdded() {
        // Rule: a configuration is immutable; the builder's later changes make new configurations only.
        CarpGroupBuilder builder = valid().unicastPeer("198.18.0.2");
        CarpConfig first = builder.buildConfig();
        builder.unicastPeer("198.18.0.3");
        assertEquals(1, first.unicastPeers().size());
        assertEquals(2, builder.buildConfig().unicastPeers().size());
    }

    @Test
    void shouldRefuseAPeerWhenItIsMulticastOrWildcard() {
        // Rule: a peer is a unicast address; the message names the field and the value.
        assertEquals("unicastPeer: 224.0.0.18 (expected: a unicast address of a peer)",
                assertThrows(IllegalArgumentException.class, () -> valid().unicastPeer("224.0.0.18")).getMessage());
        assertEquals("unicastPeer: ff02::12 (expected: a unicast address of a peer)",
                assertThrows(IllegalArgumentException.class, () -> valid().unicastPeer("ff02::12")).getMessage());
        assertEquals("unicastPeer: 0.0.0.0 (expected: a unicast address of a peer)",
                assertThrows(IllegalArgumentException.class, () -> valid().unicastPeer("0.0.0.0")).getMessage());
    }

    @Test
    void shouldRefuseAPeerWhenItIsNotALiteral() {
        // Rule: literals only, never a DNS lookup.
        NoDnsGuard.run(() -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> valid().unicastPeer("peer.example"));
            assertEquals("unicastPeer: \"peer.example\" (expected: an IPv4 or IPv6 address literal such as"
                    + " 198.18.0.100 or 2001:db8::100)", e.getMessage());
        });
        assertEquals("unicastPeer", assertThrows(NullPointerException.class,
                () -> valid().unicastPeer(null)).getMessage());
    }

    @Test
    void shouldRefuseAPeerWhenItWasAlreadyAdded() {
        // Rule: each peer once (as virtual addresses): a repeated peer would get every advert twice.
        CarpGroupBuilder builder = valid().unicastPeer("198.18.0.2");
        assertEquals("unicastPeer: 198.18.0.2 (expected: each peer once; it was already added)",
                assertThrows(IllegalArgumentException.class, () -> builder.unicastPeer("198.18.0.2")).getMessage());
    }

    // ------------------------------------------------------------------------------------------------ adaptToLoss

    @Test
    void shouldNotAdaptToLossByDefaultAndShowItInToString() {
        // Rule: adaptToLoss defaults to false (plain CARP, as ucarp and the BSD kernels); true opts in.
        CarpConfig plain = valid().buildConfig();
        assertFalse(plain.adaptToLoss());
        assertTrue(plain.toString().contains("adaptToLoss=false"), plain.toString());
        CarpConfig adaptive = valid().adaptToLoss(true).buildConfig();
        assertTrue(adaptive.adaptToLoss());
        assertTrue(adaptive.toString().contains("adaptToLoss=true"), adaptive.toString());
    }

    // ------------------------------------------------------------------------------------------------ virtualMac, announceRefresh

    @Test
    void shouldLeaveVirtualMacAndAnnounceRefreshOffByDefaultAndShowThemWhenOn() {
        CarpConfig plain = valid().buildConfig();
        assertFalse(plain.virtualMac());
        assertEquals(java.util.Optional.empty(), plain.announceRefresh());
        assertFalse(plain.toString().contains("virtualMac"), plain.toString());
        CarpConfig on = valid().virtualMac(true).announceRefresh(java.time.Duration.ofSeconds(5)).buildConfig();
        assertTrue(on.virtualMac());
        assertEquals(java.util.Optional.of(java.time.Duration.ofSeconds(5)), on.announceRefresh());
        assertTrue(on.toString().contains("virtualMac=true, announceRefresh=5000ms"), on.toString());
        assertEquals(java.util.Optional.empty(), valid().announceRefresh(java.time.Duration.ofSeconds(5))
                .announceRefresh(null).buildConfig().announceRefresh(), "null turns it off again");
    }

    @Test
    void shouldRefuseAnAnnounceRefreshOutsideOneHundredMillisecondsToOneHour() {
        IllegalArgumentException shortOne = assertThrows(IllegalArgumentException.class,
                () -> valid().announceRefresh(java.time.Duration.ofMillis(99)));
        assertEquals("announceRefresh: PT0.099S (expected: 100 ms to 1 hour, or null for none)", shortOne.getMessage());
        assertThrows(IllegalArgumentException.class, () -> valid().announceRefresh(java.time.Duration.ofMinutes(61)));
        valid().announceRefresh(java.time.Duration.ofMillis(100));
        valid().announceRefresh(java.time.Duration.ofHours(1));
    }

    @Test
    void shouldAnnounceAgainWithTheFirstAdvertAfterEachRefreshIntervalWhileMaster() {
        // Rule: with announceRefresh(3 s) and adverts every 1.390625 s, a MASTER announces with every third advert
        // counted from the last announcement (the delayed announce two adverts after the takeover counts as one).
        RecordingAddressManager own = new RecordingAddressManager();
        CarpGroup group = onRuntime().addressManager(own).announceRefresh(java.time.Duration.ofSeconds(3)).build();
        group.start();
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);          // MASTER: claim, advert #0
        runtime.loop.advanceBy(20 * INTERVAL_NANOS);        // adverts #1..#20: delayed announce at #2, then #5..#20
        assertEquals(6, group.stats().announcementRefreshes(), own.calls.toString());
        assertEquals(7, own.calls.stream().filter("announce"::equals).count(), own.calls.toString());
        hearBetterPeer();                                   // BACKUP: no refreshes until it is MASTER again
        runtime.loop.advanceBy(MASTER_DOWN_NANOS - 1_000_000);
        assertEquals(6, group.stats().announcementRefreshes());
    }

    @Test
    void shouldNotAnnounceAgainWithoutTheOption() {
        RecordingAddressManager own = new RecordingAddressManager();
        CarpGroup group = onRuntime().addressManager(own).build();
        group.start();
        runtime.loop.advanceBy(MASTER_DOWN_NANOS + 20 * INTERVAL_NANOS);
        assertEquals(0, group.stats().announcementRefreshes());
        assertEquals(1, own.calls.stream().filter("announce"::equals).count(), "only the delayed announce");
    }

    // ------------------------------------------------------------------------------------------------ addressManager

    @Test
    void shouldCallTheOverridingAddressManagerInsteadOfTheRuntimes() {
        // Rule: addressManager(...) replaces the runtime's manager for claim, refresh, announce and release.
        RecordingAddressManager own = new RecordingAddressManager();
        CarpGroup group = onRuntime().addressManager(own).build();
        group.start();
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);          // MASTER: claim + refresh after the first advert
        runtime.loop.advanceBy(2 * INTERVAL_NANOS);         // two more adverts: the delayed announce
        hearBetterPeer();                                   // last advert, then release

        assertEquals(List.of("claim", "refresh", "refresh", "refresh", "announce", "refresh", "release"), own.calls);
        assertEquals(List.of(), runtime.addresses.calls, "the runtime's manager is never called");
        assertEquals(1, group.stats().claims());
    }

    @Test
    void shouldDemoteWhenTheOverridingAddressManagerCannotClaim() {
        // Rule: a failing override is handled as the runtime's would be: counted, and the group demotes itself by 240.
        RecordingAddressManager own = new RecordingAddressManager();
        own.failClaim = true;
        CarpGroup group = onRuntime().addressManager(own).build();
        group.start();
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);
        assertEquals(240, group.demotion());
        assertEquals(1, group.stats().addressFailures());
        assertEquals(List.of(), runtime.addresses.calls);
    }

    @Test
    void shouldRefuseANullAddressManager() {
        assertEquals("addressManager", assertThrows(NullPointerException.class,
                () -> valid().addressManager(null)).getMessage());
    }

    // ------------------------------------------------------------------------------------------------ removeListener

    @Test
    void shouldStopCallingAListenerWhenItIsRemoved() {
        // Rule: removeListener stops deliveries to that listener; the others still get every event.
        List<String> removed = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        Consumer<CarpStateEvent> removedListener = e -> removed.add(e.to().name());
        CarpGroup group = onRuntime().build();
        group.addListener(removedListener);
        group.addListener(e -> kept.add(e.to().name()));
        group.start();                                       // INIT -> BACKUP: both hear it

        group.removeListener(removedListener);
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);          // BACKUP -> MASTER

        assertEquals(List.of("BACKUP"), removed);
        assertEquals(List.of("BACKUP", "MASTER"), kept);
    }

    @Test
    void shouldIgnoreRemovalWhenTheListenerWasNeverAdded() {
        // Rule: removing an absent listener has no effect.
        List<String> kept = new ArrayList<>();
        CarpGroup group = onRuntime().onStateChange(e -> kept.add(e.to().name())).build();
        group.removeListener(e -> kept.add("never"));
        group.start();
        assertEquals(List.of("BACKUP"), kept);
    }

    @Test
    void shouldLetAListenerRemoveItselfWhileItIsCalled() {
        // Rule: a listener may remove itself from its callback (a one-shot listener): it gets that event only.
        List<String> seen = new ArrayList<>();
        CarpGroup group = onRuntime().build();
        group.addListener(new Consumer<>() {
            @Override
            public void accept(CarpStateEvent e) {
                seen.add(e.to().name());
                group.removeListener(this);
            }
        });
        group.start();
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);
        hearBetterPeer();

        assertEquals(List.of("BACKUP"), seen);
        assertEquals(0, group.stats().callbackFailures());
    }
}
