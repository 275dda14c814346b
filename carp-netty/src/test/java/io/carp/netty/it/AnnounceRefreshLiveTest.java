package io.carp.netty.it;

import static io.carp.netty.testing.CarpNode.MASTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.netty.testing.Await;
import io.carp.netty.testing.CarpOptions;
import io.carp.netty.testing.LibraryNode;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code announceRefresh}: a library MASTER announces its address again every interval (keepalived's
 * {@code garp_master_refresh}), as a client's tcpdump counts the gratuitous ARPs; without the option it does not.
 */
@LinuxRootTest(value = "periodic gratuitous ARP, counted by tcpdump", programs = "tcpdump")
class AnnounceRefreshLiveTest {
    private static final Duration ELECTION = Duration.ofSeconds(15);
    private LiveLab lab;

    @BeforeEach
    void buildLab() {
        lab = CarpOptions.lab(2);
    }

    @AfterEach
    void closeLab() {
        lab.close();
    }

    @Test
    void shouldAnnounceEverySecondWithTheOptionAndNotWithoutIt() {
        CarpOptions options = CarpOptions.defaults();
        String vip = options.vip();
        try (Announcements arps = Announcements.watch(lab.host("cl"), vip)) {
            LibraryNode refreshing = LibraryNode.start(lab.host("n1"), options, "--announce-refresh-ms=1000");
            refreshing.awaitTransition(0, MASTER, ELECTION);
            Await.sleep(3000); // past the takeover's announcements and the delayed one two adverts later
            int mark = arps.mark();
            Await.sleep(5000);
            int counted = arps.countSince(mark);
            assertTrue(counted >= 4 && counted <= 6, counted + " announcements in 5 s at advbase 1: "
                    + arps.lines());
            assertTrue(refreshing.stat("announce_refreshes") >= 4, refreshing.stats().toString());
            assertTrue(arps.sourceMacs().stream().allMatch(lab.host("n1").mac()::equals), arps.sourceMacs().toString());
            refreshing.kill();

            LibraryNode plain = LibraryNode.start(lab.host("n2"), options);
            plain.awaitTransition(0, MASTER, ELECTION);
            Await.sleep(3000);
            mark = arps.mark();
            Await.sleep(5000);
            assertEquals(0, arps.countSince(mark), "no refresh without the option: " + arps.lines());
            assertEquals(0, plain.stat("announce_refreshes"));
        }
    }
}
