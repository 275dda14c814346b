package io.carp.testkit;

import static io.carp.testkit.CarpAssertions.assertMasterIs;
import static io.carp.testkit.Vips.group;
import static io.carp.testkit.Vips.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.DropReason;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Packets that must not count: wrong password, damaged in transit. */
class AuthenticationTest {
    private final SimulatedNetwork network = SimulatedNetwork.create();
    private final SimulatedNode a = network.node("A");
    private final SimulatedNode c = network.node("C");

    @AfterEach
    void close() {
        network.close();
    }

    /**
     * Rule: an advert whose HMAC-SHA1 does not verify is dropped and counted as BAD_AUTH, never obeyed; two nodes with
     * different passwords cannot see each other, so both become master.
     */
    @Test
    void shouldMakeBothMastersAndCountBadAuthWhenPasswordsDiffer() {
        a.start(group(1, 0));
        c.start(CarpGroup.builder().vhid(1).password("wrongpass").virtualAddress(Vips.VIP1).advskew(100));
        network.advanceBy(Duration.ofSeconds(10));

        assertEquals(List.of(a, c), network.masters(1));
        for (SimulatedNode node : List.of(a, c)) {
            assertTrue(node.group(1).stats().dropped(DropReason.BAD_AUTH) > 0, node.name() + " counted BAD_AUTH");
            assertEquals(0, node.group(1).stats().ipv4PacketsReceived(), node.name() + " accepted nothing");
        }
    }

    /** Rule: the HMAC covers the virtual addresses too: the same password with another address set fails too. */
    @Test
    void shouldCountBadAuthWhenTheAddressSetsDiffer() {
        a.start(group(1, 0));
        c.start(group(1, 100).virtualAddress("198.18.1.99"));
        network.advanceBy(Duration.ofSeconds(10));

        assertEquals(List.of(a, c), network.masters(1));
        assertTrue(c.group(1).stats().dropped(DropReason.BAD_AUTH) > 0);
    }

    /** Rule: a packet that crossed a router (TTL below 255) is dropped as BAD_TTL: the backup takes over. */
    @Test
    void shouldDropAndCountWhenTheTtlIsNot255() {
        assertFaultIsDroppedAs(LinkFault.BAD_TTL, DropReason.BAD_TTL);
    }

    /** Rule: a damaged CARP header fails its Internet checksum and is dropped as BAD_CHECKSUM. */
    @Test
    void shouldDropAndCountWhenTheChecksumIsWrong() {
        assertFaultIsDroppedAs(LinkFault.BAD_CHECKSUM, DropReason.BAD_CHECKSUM);
    }

    /** Rule: an altered digest with a valid checksum reaches authentication and is dropped as BAD_AUTH. */
    @Test
    void shouldDropAndCountWhenTheDigestIsCorrupt() {
        assertFaultIsDroppedAs(LinkFault.CORRUPT_DIGEST, DropReason.BAD_AUTH);
    }

    /**
     * Rule: a one-way failure (the master's adverts do not arrive) makes the backup master while the real master,
     * hearing a weaker master, stays master and re-announces; healing leaves one master.
     */
    @Test
    void shouldMakeTwoMastersWhenOnlyTheMastersPacketsAreLost() {
        a.start(group(1, 0));
        c.start(group(1, 100));
        network.advanceBy(seconds(10.5));
        long announced = a.announcements(1);

        network.inject(LinkFault.DROP_ALL, a);
        network.advanceBy(Duration.ofSeconds(10));
        assertEquals(List.of(a, c), network.masters(1));
        assertTrue(a.announcements(1) > announced, "A heard C, a weaker master, and re-announced");

        network.heal();
        network.advanceBy(seconds(1.001));
        assertMasterIs(a, 1);
    }

    private void assertFaultIsDroppedAs(LinkFault fault, DropReason reason) {
        a.start(group(1, 0));
        c.start(group(1, 100));
        network.advanceBy(seconds(10.5));
        network.inject(fault, a);
        network.advanceBy(Duration.ofSeconds(10));

        assertEquals(List.of(a, c), network.masters(1), "C stopped hearing A");
        assertTrue(c.group(1).stats().dropped(reason) >= 3, "C counted " + reason + ": " + c.group(1).stats());
        assertEquals(0, a.group(1).stats().dropped(reason), "C's own packets are intact: " + a.group(1).stats());
    }
}
