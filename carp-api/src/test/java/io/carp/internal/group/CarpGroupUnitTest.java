package io.carp.internal.group;

import io.carp.CarpGroup;
import io.carp.CarpGroupUnit;
import io.carp.CarpState;

import static io.carp.InetAddressLiterals.of;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.spi.CarpDispatcher;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@link CarpGroupUnit}: two groups of one node on two interfaces (two {@link FakeRuntime}s on one manual loop, so the
 * link of one interface can go down alone, which the testkit cannot do: its link faults take a whole node). WAN is
 * vhid 1, LAN vhid 2, both advbase 1 advskew 100.
 */
class CarpGroupUnitTest {
    private static final long MASTER_DOWN_NANOS = 3_390_625_000L;

    private final ManualLoop loop = new ManualLoop(1_000_000_000L);
    private final FakeRuntime wanRuntime = new FakeRuntime(loop, new CarpDispatcher(), of("198.18.0.1"), null);
    private final FakeRuntime lanRuntime = new FakeRuntime(loop, new CarpDispatcher(), of("198.18.1.1"), null);
    private final List<String> transitions = new ArrayList<>();
    private final CarpGroup wan = group(wanRuntime, 1, "198.18.0.100");
    private final CarpGroup lan = group(lanRuntime, 2, "198.18.1.100");

    private CarpGroup group(FakeRuntime runtime, int vhid, String vip) {
        return CarpGroup.builder().vhid(vhid).password("secret").virtualAddress(vip).advskew(100).runtime(runtime)
                .callbackExecutor(Runnable::run)
                .onStateChange(e -> transitions.add(e.vhid() + " " + e.from() + "->" + e.to() + " (" + e.reason()
                        + ")"))
                .build();
    }

    private void bothMaster() {
        CarpGroupUnit.of("firewall", wan, lan);
        wan.start();
        lan.start();
        loop.advanceBy(MASTER_DOWN_NANOS);
        assertEquals(CarpState.MASTER, wan.state());
        assertEquals(CarpState.MASTER, lan.state());
        wanRuntime.clear();
        lanRuntime.clear();
        transitions.clear();
    }

    @Test
    void shouldBowOutTheOtherMastersWhenOneMemberLeavesMaster() {
        // Rule: when one member leaves MASTER, the members still MASTER step down at once with a bow-out.
        bothMaster();

        wan.forceBackup("operator");

        assertEquals(CarpState.BACKUP, lan.state());
        assertTrue(lanRuntime.lastSent().advert().isBowOut(), "LAN bowed out so its peer takes over at once");
        assertEquals(List.of("release"), lanRuntime.addresses.changes());
        assertEquals(List.of("1 MASTER->BACKUP (forced: operator)",
                "2 MASTER->BACKUP (forced: unit firewall: vhid 1 MASTER -> BACKUP)"), transitions);
        assertEquals(0, lan.demotion(), "a step-down alone does not demote");
    }

    @Test
    void shouldBowOutTheOtherMastersAndDemoteEveryMemberWhenOneInterfaceLosesItsLink() {
        // Rule: a member in INIT because its link is down demotes every member by 240, so none takes mastership
        // back; the others, still MASTER, bow out.
        bothMaster();

        wanRuntime.link(false);

        assertEquals(CarpState.INIT, wan.state());
        assertEquals(CarpState.BACKUP, lan.state());
        assertTrue(lanRuntime.lastSent().advert().isBowOut());
        assertEquals(240, lan.demotion());
        assertEquals(240, wan.demotion());
    }

    @Test
    void shouldAdvertiseTheUnitDemotionAtOnceWhenAMemberThatWasBackupLosesItsLink() {
        // Rule: the unit's demotion reaches a member that is MASTER while the faulty member was BACKUP: it advertises
        // demote 240 at once, so its peers take over by the demote-byte rule.
        CarpGroupUnit.of("firewall", wan, lan);
        wan.start();
        lan.start();
        lan.forceMaster("test");
        lanRuntime.clear();
        assertEquals(CarpState.BACKUP, wan.state());

        wanRuntime.link(false);

        assertEquals(CarpState.MASTER, lan.state(), "the unit only bows out when a member leaves MASTER");
        assertEquals(240, lan.demotion());
        assertEquals(1, lanRuntime.sent.size());
        assertEquals(240, lanRuntime.lastSent().demote());
        assertEquals(240, lanRuntime.lastSent().advskew());
    }

    @Test
    void shouldClearTheUnitDemotionWhenTheLinkReturns() {
        // Rule: when the faulty member leaves INIT, the unit's demotion goes; nothing else is left over.
        bothMaster();
        wanRuntime.link(false);
        assertEquals(240, lan.demotion());

        wanRuntime.link(true);

        assertEquals(CarpState.BACKUP, wan.state());
        assertEquals(0, wan.demotion());
        assertEquals(0, lan.demotion());
    }

    @Test
    void shouldKeepTheUnitDemotionWhileAnyMemberIsStillDown() {
        // Rule: the demotion holds while at least one member is in INIT for link down.
        bothMaster();
        wanRuntime.link(false);
        lanRuntime.link(false);
        wanRuntime.link(true);
        assertEquals(240, wan.demotion(), "LAN is still down");

        lanRuntime.link(true);

        assertEquals(0, wan.demotion());
        assertEquals(0, lan.demotion());
    }

    @Test
    void shouldNotDemoteWhenAMemberIsClosed() {
        // Rule: only a link fault demotes; a member closed on purpose bows the others out but demotes nobody.
        bothMaster();
        wan.close();
        assertEquals(CarpState.BACKUP, lan.state());
        assertEquals(0, lan.demotion());
    }

    @Test
    void shouldKeepTheOperatorDemotionWhenTheUnitDemotionGoes() {
        // Rule: the unit's part is one source of the demotion among others.
        bothMaster();
        lan.demote(30, "operator");
        wanRuntime.link(false);
        assertEquals(240, lan.demotion());
        wanRuntime.link(true);
        assertEquals(30, lan.demotion());
    }

    @Test
    void shouldDemoteEveryMemberWhenAMemberStartsWithItsLinkDown() {
        // Rule: a member waiting in INIT because its link is down demotes every member, also when the link was down
        // from the start (the group then makes no transition: it never leaves INIT).
        CarpGroupUnit.of("firewall", wan, lan);
        wanRuntime.linkUp = false;
        wan.start();
        lan.start();
        loop.runPending();
        assertEquals(CarpState.INIT, wan.state());
        assertEquals(240, lan.demotion());

        loop.advanceBy(MASTER_DOWN_NANOS);
        assertEquals(CarpState.MASTER, lan.state(), "no peer here: LAN still takes over, but demoted");
        assertEquals(240, lanRuntime.sent.get(0).demote());

        wanRuntime.link(true);
        assertEquals(0, lan.demotion());
    }

    @Test
    void shouldDemoteEveryMemberWhenTheUnitIsFormedAfterALinkWentDown() {
        // Rule: a unit may be formed after its members started: it takes a member already waiting for its link
        // into account at once.
        wan.start();
        lan.start();
        wanRuntime.link(false);

        CarpGroupUnit.of("firewall", wan, lan);
        loop.runPending();

        assertEquals(240, lan.demotion());
        assertEquals(240, wan.demotion());
        wanRuntime.link(true);
        assertEquals(0, lan.demotion());
    }

    // ------------------------------------------------------------------------------------------------ failures

    /** A third member, DMZ (vhid 3), on a loop of its own that the test can shut down. */
    private final ManualLoop dmzLoop = new ManualLoop(1_000_000_000L);
    private final FakeRuntime dmzRuntime = new FakeRuntime(dmzLoop, new CarpDispatcher(), of("198.18.2.1"), null);

    private CarpGroup threeMasters(List<CarpGroup> order) {
        CarpGroup dmz = order.get(1);
        CarpGroupUnit unit = CarpGroupUnit.of("firewall", order.toArray(new CarpGroup[0]));
        order.forEach(CarpGroup::start);
        loop.advanceBy(MASTER_DOWN_NANOS);
        dmzLoop.advanceBy(MASTER_DOWN_NANOS);
        for (CarpGroup g : order) {
            assertEquals(CarpState.MASTER, g.state(), g.toString());
        }
        transitions.clear();
        assertEquals(order, unit.members());
        return dmz;
    }

    @Test
    void shouldMoveEveryOtherMemberAndReportTheOneItCouldNotWhenAMemberFails() {
        // Rule: one member that cannot be moved (its event loop was shut down) does not leave the members after it
        // MASTER; the failure is reported (counted as a callback failure of the member whose transition triggered
        // it, and logged).
        CarpGroup dmz = group(dmzRuntime, 3, "198.18.2.100");
        threeMasters(List.of(wan, dmz, lan));
        dmzLoop.shutDown();

        wan.forceBackup("operator");

        assertEquals(CarpState.BACKUP, wan.state());
        assertEquals(CarpState.BACKUP, lan.state(), "LAN, after the failing DMZ, was moved too");
        assertEquals(CarpState.MASTER, dmz.state(), "DMZ could not be moved");
        assertEquals(1, wan.stats().callbackFailures(), "the unit's failure is reported through WAN's callback");
    }

    @Test
    void shouldThrowNamingEveryMemberItCouldNotMoveWhenForcedAsAUnit() {
        // Rule: forceBackup on the unit tries every MASTER member, then throws one exception naming the failures.
        CarpGroup dmz = group(dmzRuntime, 3, "198.18.2.100");
        CarpGroupUnit unit = CarpGroupUnit.of("firewall", wan, dmz, lan);
        wan.start();
        dmz.start();
        lan.start();
        loop.advanceBy(MASTER_DOWN_NANOS);
        dmzLoop.advanceBy(MASTER_DOWN_NANOS);
        dmzLoop.shutDown();

        CarpGroupUnit.UnitException e = assertThrows(CarpGroupUnit.UnitException.class,
                () -> unit.forceBackup("maintenance"));

        assertEquals(List.of(dmz), e.failures());
        assertTrue(e.getMessage().startsWith("unit firewall: could not force BACKUP on vhid 3@- ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("; every other member was moved"), e.getMessage());
        assertEquals(1, e.getSuppressed().length);
        assertEquals(CarpState.BACKUP, wan.state());
        assertEquals(CarpState.BACKUP, lan.state());
    }

    @Test
    void shouldForceEveryMemberToMasterWhenForcedAsAUnit() {
        // Rule: forceMaster on the unit makes every member that is not MASTER take over.
        CarpGroupUnit unit = CarpGroupUnit.of("firewall", wan, lan);
        wan.start();
        lan.start();
        loop.runPending();
        assertEquals(CarpState.BACKUP, wan.state());

        unit.forceMaster("operator");
        loop.runPending();

        assertEquals(CarpState.MASTER, wan.state());
        assertEquals(CarpState.MASTER, lan.state());
    }

    @Test
    void shouldListTheMembersInOrder() {
        assertEquals(List.of(wan, lan), CarpGroupUnit.of("firewall", wan, lan).members());
    }

    // ------------------------------------------------------------------------------------------------ validation

    @Test
    void shouldRefuseFewerThanTwoMembers() {
        // Rule: a unit has two or more members; the message names the field and the count.
        assertEquals("members: 1 (expected: 2 or more groups)", assertThrows(IllegalArgumentException.class,
                () -> CarpGroupUnit.of("fw", wan)).getMessage());
        assertEquals("members: 0 (expected: 2 or more groups)", assertThrows(IllegalArgumentException.class,
                () -> CarpGroupUnit.of("fw")).getMessage());
        assertEquals("name", assertThrows(NullPointerException.class,
                () -> CarpGroupUnit.of(null, wan, lan)).getMessage());
    }

    @Test
    void shouldRefuseMembersWhenTwoHaveTheSameVhid() {
        // Rule: members have distinct vhids (the unit tells them apart by vhid): the same group twice, or two
        // groups of one vhid, would never bow each other out.
        CarpGroup otherVhid1 = group(lanRuntime, 1, "198.18.1.100");
        assertEquals("members: vhid 1 twice (expected: groups with distinct vhids)",
                assertThrows(IllegalArgumentException.class, () -> CarpGroupUnit.of("fw", wan, otherVhid1))
                        .getMessage());
        assertEquals("members: vhid 1 twice (expected: groups with distinct vhids)",
                assertThrows(IllegalArgumentException.class, () -> CarpGroupUnit.of("fw", wan, wan)).getMessage());
    }
}
