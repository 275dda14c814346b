package io.carp.testkit;

import static io.carp.testkit.CarpAssertions.assertMasterIs;
import static io.carp.testkit.CarpAssertions.assertState;
import static io.carp.testkit.Vips.VIP1;
import static io.carp.testkit.Vips.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.Authentication;
import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.CarpState;
import io.carp.DropReason;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The replay-protected mode on the simulated network: a replayed capture keeps a dead master "alive" in plain CARP
 * and not here; a restarted node is accepted again; keys change in three steps without a flap; plain and
 * replay-protected nodes never accept each other. The key derivation (PBKDF2, 600,000 iterations) runs once per
 * {@link Authentication} and is shared by the nodes of a test.
 */
class ReplayProtectionTest {
    private static final Authentication KEY1 = Authentication.replayProtected("testkit", 1, "first secret");
    private static final Authentication KEY1_ACCEPT2 = KEY1.alsoAccepting(2, "second secret");
    private static final Authentication KEY2_ACCEPT1 = Authentication.replayProtected("testkit", 2, "second secret")
            .alsoAccepting(1, "first secret");
    private static final Authentication KEY2 = Authentication.replayProtected("testkit", 2, "second secret");

    private final SimulatedNetwork network = SimulatedNetwork.create();
    private final SimulatedNode a = network.node("A");
    private final SimulatedNode b = network.node("B");

    @AfterEach
    void close() {
        network.close();
    }

    private static CarpGroupBuilder plain(int advskew) {
        return CarpGroup.builder().vhid(1).password(Vips.PASSWORD).virtualAddress(VIP1).advskew(advskew);
    }

    private static CarpGroupBuilder protectedGroup(int advskew, Authentication authentication) {
        return CarpGroup.builder().vhid(1).authentication(authentication).virtualAddress(VIP1).advskew(advskew);
    }

    /** Replays the capture once a second for {@code seconds} seconds. */
    private void replayEverySecond(RecordedAdvertisement capture, int seconds) {
        for (int i = 0; i < seconds; i++) {
            network.replay(capture);
            network.advanceBy(Duration.ofSeconds(1));
        }
    }

    @Test
    void shouldLetReplayedCaptureKeepDeadMasterAliveInPlainCarp() {
        a.start(plain(0));
        b.start(plain(100));
        network.advanceBy(seconds(10));
        assertMasterIs(a, 1);
        RecordedAdvertisement capture = Vips.lastAdvertFrom(network, "A", 1);
        a.kill();
        replayEverySecond(capture, 30);
        assertState(b, 1, CarpState.BACKUP); // the attack works on plain CARP: this is what the mode is for
        assertEquals(0, b.group(1).stats().dropped(DropReason.REPLAY));
    }

    @Test
    void shouldDropReplayedCaptureAndTakeOverWhenMasterDies() {
        a.start(protectedGroup(0, KEY1));
        b.start(protectedGroup(100, KEY1));
        network.advanceBy(seconds(10));
        assertMasterIs(a, 1);
        assertState(b, 1, CarpState.BACKUP);
        RecordedAdvertisement capture = Vips.lastAdvertFrom(network, "A", 1);
        a.kill();
        replayEverySecond(capture, 30);
        assertMasterIs(b, 1);
        assertEquals(30, b.group(1).stats().dropped(DropReason.REPLAY), network.timelineTail(20));
        assertEquals(0, b.group(1).stats().dropped(DropReason.BAD_AUTH));
    }

    @Test
    void shouldAcceptRestartedNodeAgain() {
        a.start(protectedGroup(0, KEY1).preempt(true));
        b.start(protectedGroup(100, KEY1));
        network.advanceBy(seconds(10));
        assertMasterIs(a, 1);
        a.kill();
        network.advanceBy(seconds(10));
        assertMasterIs(b, 1);
        long heardBefore = b.group(1).stats().ipv4PacketsReceived();
        a.restart(); // a new epoch, its sequence back to 0: accepted, and A preempts B
        network.advanceBy(seconds(10));
        assertMasterIs(a, 1);
        assertState(b, 1, CarpState.BACKUP);
        assertTrue(b.group(1).stats().ipv4PacketsReceived() > heardBefore);
        assertEquals(0, b.group(1).stats().dropped(DropReason.REPLAY));
        assertEquals(0, b.group(1).stats().dropped(DropReason.BAD_AUTH));
    }

    @Test
    void shouldChangeKeysInThreeStepsWithoutAnyTransition() {
        a.start(protectedGroup(0, KEY1));
        b.start(protectedGroup(100, KEY1));
        network.advanceBy(seconds(10));
        assertMasterIs(a, 1);
        int transitions = network.transitions().size();
        for (Authentication step : List.of(KEY1_ACCEPT2, KEY2_ACCEPT1, KEY2)) {
            a.group(1).setAuthentication(step);   // one node first: the other still runs the previous step
            network.advanceBy(seconds(5));
            b.group(1).setAuthentication(step);
            network.advanceBy(seconds(5));
        }
        assertEquals(transitions, network.transitions().size(), network.timelineTail(20));
        assertMasterIs(a, 1);
        assertState(b, 1, CarpState.BACKUP);
        assertEquals(0, b.group(1).stats().dropped(DropReason.BAD_AUTH));
        assertEquals(0, a.group(1).stats().dropped(DropReason.BAD_AUTH));
        assertEquals("replay-protected(group \"testkit\", sends key 2, accepts keys [2])",
                b.group(1).stats().authenticationMode());
    }

    @Test
    void shouldFlapWhenKeyChangesInOneStep() {
        a.start(protectedGroup(0, KEY1));
        b.start(protectedGroup(100, KEY1));
        network.advanceBy(seconds(10));
        b.group(1).setAuthentication(KEY2); // the control: skipping the steps, B stops hearing A and takes over
        network.advanceBy(seconds(10));
        assertState(b, 1, CarpState.MASTER);
        assertState(a, 1, CarpState.MASTER); // and A drops B's adverts too: two masters
        assertTrue(b.group(1).stats().dropped(DropReason.BAD_AUTH) > 0);
    }

    @Test
    void shouldNeverAcceptEachOtherWhenPlainAndReplayProtectedNodesShareVhid() {
        a.start(plain(0));
        b.start(protectedGroup(100, KEY1));
        network.advanceBy(seconds(10));
        assertState(a, 1, CarpState.MASTER);
        assertState(b, 1, CarpState.MASTER); // two masters: each drops the other's adverts
        assertTrue(a.group(1).stats().dropped(DropReason.BAD_AUTH) >= 5, "plain node refuses the protected one");
        assertTrue(b.group(1).stats().dropped(DropReason.BAD_AUTH) >= 5, "protected node refuses the plain one");
        assertEquals(0, a.group(1).stats().ipv4PacketsReceived());
        assertEquals(0, b.group(1).stats().ipv4PacketsReceived());
    }
}
