package io.carp.internal.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpConfig;
import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.InetAddressLiterals;
import io.carp.Protocol;
import io.carp.StateChangeCause;
import io.carp.internal.protocol.CarpConstants;
import io.carp.internal.protocol.TestPackets;
import io.carp.internal.vrrp.VrrpCodec;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link CarpGroupBuilder#releaseDelay}: after the bow-out of a clean stop or a step-down, a MASTER keeps its
 * addresses for the delay (renewing their lifetime), while it no longer advertises as master; the link going down
 * ends the drain with the removal, becoming MASTER again ends it without. Without the option nothing changes.
 */
class ReleaseDelayTest {
    private static final long MS = 1_000_000L;
    private static final InetAddress SELF = InetAddressLiterals.of("198.18.0.1");
    private static final InetAddress PEER = InetAddressLiterals.of("198.18.0.2");
    private static final InetAddress VIP = InetAddressLiterals.of("198.18.0.100");
    /** advbase 1, advskew 0, dead ratio 3. */
    private static final long MASTER_DOWN = 3_000 * MS;

    private final FakeRuntime runtime = new FakeRuntime(SELF, null);
    private final List<CarpStateEvent> events = new ArrayList<>();

    private static CarpGroupBuilder valid() {
        return CarpGroup.builder().vhid(1).password("secret").virtualAddress("198.18.0.100");
    }

    private CarpGroup master(Duration releaseDelay) {
        CarpGroup g = valid().releaseDelay(releaseDelay).runtime(runtime).callbackExecutor(Runnable::run)
                .onStateChange(events::add).build();
        g.start();
        runtime.loop.advanceBy(MASTER_DOWN + MS);
        assertEquals(CarpState.MASTER, g.state());
        runtime.addresses.calls.clear();
        return g;
    }

    private List<String> calls() {
        return runtime.addresses.calls;
    }

    private void hearNewMaster() {
        runtime.receiveIpv4(TestPackets.ipv4Advert((Inet4Address) PEER, "secret".getBytes(StandardCharsets.UTF_8),
                1, List.of(VIP), 1, 100, 0, 1));
    }

    // ------------------------------------------------------------------------------------------------ validation

    @Test
    void shouldDefaultToNoDelayAndShowASetOneInTheConfig() {
        CarpConfig plain = valid().buildConfig();
        assertEquals(Duration.ZERO, plain.releaseDelay());
        assertFalse(plain.toString().contains("releaseDelay"), plain.toString());
        CarpConfig set = valid().releaseDelay(Duration.ofMillis(750)).buildConfig();
        assertEquals(Duration.ofMillis(750), set.releaseDelay());
        assertTrue(set.toString().contains("releaseDelay=750ms"), set.toString());
        assertEquals(Duration.ofMillis(200), CarpGroup.builder().protocol(Protocol.VRRP_V3).vhid(5)
                .virtualAddress(VIP).releaseDelay(Duration.ofMillis(200)).buildConfig().releaseDelay());
    }

    @Test
    void shouldRefuseADelayOutsideZeroToThirtySecondsOrFinerThanAMillisecond() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> valid().releaseDelay(Duration.ofMillis(-1)));
        assertEquals("releaseDelay: -1 ms is out of range 0-30000 ms (expected: whole milliseconds, 0 for none)",
                negative.getMessage());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> valid().releaseDelay(Duration.ofMillis(30_001)));
        assertEquals("releaseDelay: 30001 ms is out of range 0-30000 ms (expected: whole milliseconds, 0 for none)",
                tooLong.getMessage());
        IllegalArgumentException fine = assertThrows(IllegalArgumentException.class,
                () -> valid().releaseDelay(Duration.ofNanos(1_500_000)));
        assertTrue(fine.getMessage().startsWith("releaseDelay: 1 ms (PT0.0015S) is out of range"), fine.getMessage());
        assertThrows(NullPointerException.class, () -> valid().releaseDelay(null));
        valid().releaseDelay(Duration.ZERO);
        valid().releaseDelay(Duration.ofSeconds(30));
    }

    // ------------------------------------------------------------------------------------------------ behaviour

    @Test
    void shouldReleaseWithTheBowOutWithoutTheOption() {
        CarpGroup g = master(Duration.ZERO);
        g.close();
        assertEquals(List.of("release"), calls());
        assertEquals(1, runtime.detachCount);
        assertEquals(0, g.stats().releaseDelays());
    }

    @Test
    void shouldBowOutAtOnceAndKeepTheAddressesForTheDelayOnClose() {
        CarpGroup g = master(Duration.ofMillis(800));
        int sent = runtime.sent.size();
        g.close(); // on the loop's thread: returns at once, the drain goes on on the loop
        FakeRuntime.Sent bowOut = runtime.sent.get(sent);
        assertEquals(CarpConstants.CARP_BOW_OUT, bowOut.advbase(), "the bow-out goes out at once");
        assertEquals(CarpConstants.CARP_BOW_OUT, bowOut.advskew());
        assertEquals(CarpState.INIT, g.state(), "no longer master at once");
        CarpStateEvent last = events.get(events.size() - 1);
        assertEquals(StateChangeCause.STOPPED, last.cause());
        assertEquals(CarpState.MASTER, last.from());
        assertFalse(calls().contains("release"), calls().toString());
        assertTrue(g.stats().draining());
        assertEquals(1, g.stats().releaseDelays());
        assertEquals(0, runtime.detachCount, "still attached: adverts are heard, the link is watched");

        hearNewMaster(); // the new master's first advert: logged, changes nothing
        runtime.loop.advanceBy(799 * MS);
        assertFalse(calls().contains("release"), calls().toString());
        assertTrue(calls().stream().filter("refresh"::equals).count() >= 2, "lifetime renewed: " + calls());
        assertEquals(CarpState.INIT, g.state());
        assertEquals(sent + 1, runtime.sent.size(), "nothing sent after the bow-out");

        runtime.loop.advanceBy(MS);
        assertEquals("release", calls().get(calls().size() - 1));
        assertEquals(1, calls().stream().filter("release"::equals).count());
        assertFalse(g.stats().draining());
        assertEquals(1, runtime.detachCount, "detached after the drain");
        runtime.loop.advanceBy(5_000 * MS);
        assertEquals(1, calls().stream().filter("release"::equals).count());
    }

    @Test
    void shouldReleaseAtOnceWhenTheLinkGoesDownDuringTheDrain() {
        CarpGroup g = master(Duration.ofSeconds(5));
        g.close();
        runtime.loop.advanceBy(100 * MS);
        assertFalse(calls().contains("release"));
        runtime.linkUp = false;
        runtime.endpoint.onLinkStateChanged(false);
        assertEquals(1, calls().stream().filter("release"::equals).count(), calls().toString());
        assertEquals(1, runtime.detachCount);
        assertFalse(g.stats().draining());
    }

    @Test
    void shouldNotDrainWhenTheMasterLosesByTheProtocol() {
        CarpGroup g = master(Duration.ofSeconds(5));
        runtime.linkUp = false;
        runtime.endpoint.onLinkStateChanged(false); // link down: no bow-out, the addresses go at once
        assertEquals(CarpState.INIT, g.state());
        assertEquals(List.of("release"), calls());
        assertEquals(0, g.stats().releaseDelays());
    }

    @Test
    void shouldKeepTheAddressesAfterAStepDownAndKeepThemIfMasterAgain() {
        CarpGroup g = master(Duration.ofMillis(600));
        g.forceBackup("maintenance");
        assertEquals(CarpState.BACKUP, g.state());
        assertTrue(g.stats().draining());
        assertFalse(calls().contains("release"));
        runtime.loop.advanceBy(600 * MS);
        assertEquals(1, calls().stream().filter("release"::equals).count(), calls().toString());

        g.forceMaster("back");
        calls().clear();
        g.forceBackup("again");
        runtime.loop.advanceBy(100 * MS);
        g.forceMaster("back again"); // during the drain: the addresses stay, claimed (announced) again
        assertFalse(g.stats().draining());
        assertEquals(List.of("claim"), runtime.addresses.changes());
        runtime.loop.advanceBy(1_000 * MS);
        assertFalse(calls().contains("release"), calls().toString());
        assertEquals(CarpState.MASTER, g.state());
        assertEquals(2, g.stats().releaseDelays());
    }

    @Test
    void shouldFinishACloseAfterAStepDownsDrain() {
        CarpGroup g = master(Duration.ofMillis(600));
        g.forceBackup("maintenance");
        runtime.loop.advanceBy(200 * MS);
        g.close(); // BACKUP: no second bow-out; the close ends with the drain
        assertEquals(0, runtime.detachCount);
        runtime.loop.advanceBy(400 * MS);
        assertEquals(1, calls().stream().filter("release"::equals).count(), calls().toString());
        assertEquals(1, runtime.detachCount);
    }

    @Test
    void shouldNotDrainWhenTheApplicationManagesTheAddresses() {
        CarpGroup g = valid().releaseDelay(Duration.ofSeconds(1)).manageAddresses(false).runtime(runtime)
                .callbackExecutor(Runnable::run).build();
        g.start();
        runtime.loop.advanceBy(MASTER_DOWN + MS);
        g.close();
        assertEquals(0, g.stats().releaseDelays());
        assertEquals(1, runtime.detachCount);
    }

    @Test
    void shouldDrainEveryMemberOfAUnitWhenOneIsClosed() {
        // A CarpGroupUnit steps the other members down with forceBackup: with a release delay they keep their
        // addresses as long, so closing an application's groups one after the other drains them all.
        ManualLoop loop = new ManualLoop(1_000_000_000L);
        FakeRuntime wanRuntime = new FakeRuntime(loop, new io.carp.spi.CarpDispatcher(), SELF, null);
        FakeRuntime lanRuntime = new FakeRuntime(loop, new io.carp.spi.CarpDispatcher(),
                InetAddressLiterals.of("198.18.1.1"), null);
        CarpGroup wan = valid().releaseDelay(Duration.ofMillis(500)).runtime(wanRuntime)
                .callbackExecutor(Runnable::run).build();
        CarpGroup lan = CarpGroup.builder().vhid(2).password("secret").virtualAddress("198.18.1.100")
                .releaseDelay(Duration.ofMillis(500)).runtime(lanRuntime).callbackExecutor(Runnable::run).build();
        io.carp.CarpGroupUnit.of("app", wan, lan);
        wan.start();
        lan.start();
        loop.advanceBy(MASTER_DOWN + MS);
        assertEquals(CarpState.MASTER, lan.state());
        lanRuntime.addresses.calls.clear();

        wan.close();
        assertEquals(CarpState.BACKUP, lan.state(), "stepped down by the unit");
        assertTrue(lan.stats().draining());
        assertFalse(lanRuntime.addresses.calls.contains("release"));
        loop.advanceBy(200 * MS);
        lan.close(); // as BACKUP: ends with its drain
        loop.advanceBy(299 * MS);
        assertFalse(lanRuntime.addresses.calls.contains("release"), lanRuntime.addresses.calls.toString());
        loop.advanceBy(MS);
        assertEquals(1, lanRuntime.addresses.calls.stream().filter("release"::equals).count());
        assertEquals(1, lanRuntime.detachCount);
        assertEquals(1, wanRuntime.detachCount);
    }

    @Test
    void shouldDrainAfterTheVrrpPriorityZeroAdvert() {
        CarpGroup g = CarpGroup.builder().protocol(Protocol.VRRP_V3).vhid(5).priority(200).virtualAddress(VIP)
                .releaseDelay(Duration.ofMillis(300)).runtime(runtime).callbackExecutor(Runnable::run).build();
        g.start();
        runtime.loop.advanceBy(3_300 * MS);
        assertEquals(CarpState.MASTER, g.state());
        runtime.addresses.calls.clear();
        g.close();
        assertEquals(0, runtime.vrrpSent.get(runtime.vrrpSent.size() - 1).priority(), "priority 0 at once");
        assertEquals(CarpState.INIT, g.state());
        assertTrue(g.stats().draining());
        runtime.receiveIpv4(VrrpCodec.encodeIpv4((Inet4Address) PEER, (Inet4Address) InetAddressLiterals.CARP_V4,
                255, 1, VrrpCodec.encodeV3(PEER, InetAddressLiterals.CARP_V4, 5, 100, 100, List.of(VIP))));
        runtime.loop.advanceBy(299 * MS);
        assertFalse(calls().contains("release"), calls().toString());
        runtime.loop.advanceBy(MS);
        assertEquals(1, calls().stream().filter("release"::equals).count(), calls().toString());
        assertEquals(1, runtime.detachCount);
    }
}
