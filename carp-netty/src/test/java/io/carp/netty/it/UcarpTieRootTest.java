package io.carp.netty.it;

import static io.carp.netty.testing.CarpNode.BACKUP;
import static io.carp.netty.testing.CarpNode.MASTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.netty.testing.CarpNode;
import io.carp.netty.testing.CarpOptions;
import io.carp.netty.testing.Election;
import io.carp.netty.testing.LibraryNode;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Host;
import io.carp.netty.testing.UcarpNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A tie between the library and the real ucarp 1.5.2: equal advbase and advskew, sending from addresses whose network
 * order and ucarp's order (the address read as a little-endian integer, last byte first) disagree. Both start, a
 * partition (nftables in the bridge) makes both MASTER, the partition heals, and exactly one master must remain: the
 * one ucarp's rule picks, since carp4j breaks ties in the same order. With carp4j's former network-order rule, the
 * first case ended with two masters for good, re-announcing the address against each other.
 */
@LinuxRootTest(ucarp = true)
class UcarpTieRootTest {
    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration ELECTION = Duration.ofSeconds(15);
    /** ucarp reacts late (libpcap's 1 s buffer); a master-down is 3 s. */
    private static final Duration SPLIT = Duration.ofSeconds(15);
    private static final Duration HEAL = Duration.ofSeconds(15);
    private static final Duration WATCH = Duration.ofSeconds(6);
    private static final CarpOptions OPTIONS = CarpOptions.defaults().advskew(50);
    private static final String VIP = OPTIONS.vip();

    private LiveLab lab;

    @BeforeEach
    void buildLab() {
        lab = CarpOptions.lab(2);
    }

    @AfterEach
    void closeLab() {
        lab.close();
    }

    /**
     * @param ucarpSource   ucarp's source address (host 1)
     * @param librarySource the library's source address (host 2)
     * @param winner        "ucarp" or "library": the lower address in ucarp's order
     */
    @ParameterizedTest(name = "ucarp {0}, library {1}: {2} wins")
    @CsvSource({
        // 198.18.61.8 < 198.18.60.9 in ucarp's order (last byte 8 < 9), the other way round in network order.
        // Neither is a host's own address (.1, .2, .50): a packet from a local address would be dropped.
        "198.18.61.8, 198.18.60.9, ucarp",
        "198.18.60.9, 198.18.61.8, library",
    })
    void shouldEndWithExactlyOneMasterAfterAPartitionHealsWhenTheSkewsAreEqual(String ucarpSource,
                                                                             String librarySource, String winner) {
        Host ucarpHost = lab.host("n1");
        Host libraryHost = lab.host("n2");
        lab.ip(ucarpHost.ns(), "addr", "add", ucarpSource + "/24", "dev",
                ucarpHost.ifname());
        lab.ip(libraryHost.ns(), "addr", "add", librarySource + "/24", "dev",
                libraryHost.ifname());

        UcarpNode ucarp = UcarpNode.start(ucarpHost, OPTIONS.srcip(ucarpSource));
        ucarp.awaitState(MASTER, ELECTION);
        LibraryNode library = LibraryNode.start(libraryHost, OPTIONS.srcip(librarySource)).awaitStarted(START);
        Election.assertStable(Duration.ofSeconds(5), List.of(ucarp, library));
        assertEquals(BACKUP, library.state(), "an equal master that lives keeps the backup a backup");

        int libraryMark = library.mark();
        lab.partition(ucarpHost, libraryHost);
        library.awaitTransition(libraryMark, MASTER, SPLIT);
        assertEquals(MASTER, ucarp.state(), "both are MASTER during the partition");

        int ucarpMark = ucarp.mark();
        libraryMark = library.mark();
        lab.clearFaults();
        CarpNode expected = winner.equals("ucarp") ? ucarp : library;
        CarpNode loser = expected == ucarp ? library : ucarp;
        loser.awaitTransition(loser == ucarp ? ucarpMark : libraryMark, BACKUP, HEAL);
        CarpNode master = Election.awaitSingleMaster(HEAL, List.of(ucarp, library));
        assertEquals(expected.name(), master.name(), Election.describe(List.of(ucarp, library)));
        Election.assertStable(WATCH, List.of(ucarp, library));
        assertEquals(MASTER, expected.state());
        assertEquals(BACKUP, loser.state());
        if (loser == library) {
            assertTrue(library.transitions().get(library.transitions().size() - 1).reason()
                    .startsWith("equal advertisement from " + ucarpSource), library.transitions().toString());
        }
        Host winnerHost = expected == ucarp ? ucarpHost : libraryHost;
        Host loserHost = expected == ucarp ? libraryHost : ucarpHost;
        assertTrue(loserHost.awaitAddress(VIP, false, Duration.ofSeconds(3)).isPresent(),
                "the loser released the VIP");
        assertTrue(winnerHost.holds(VIP), "the winner holds the VIP");
        assertFalse(loserHost.holds(VIP));
        assertEquals(0, ucarp.badDigests(), "ucarp logged no Bad digest");
        assertEquals(0, library.stat("drop_bad_auth"), "no BAD_AUTH drop in the library: " + library.stats());
    }
}
