package io.carp.netty.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.netty.NettyCarpRuntime;
import io.carp.netty.testing.Await;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Plug;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example ruleset of docs/SECURITY.md, {@code docs/nftables-carp.nft}, loaded as it is with {@code nft -f} on node A
 * (interface eth0, 198.18.101.1; its peer B is 198.18.101.2): adverts of an intruder X on the same link
 * (198.18.101.66, knowing the password, as a host replaying captured adverts would) reach A before the rules are
 * loaded and never after, while B's adverts still do (B preempts A once X is gone: only a master advertises).
 */
@LinuxRootTest("nftables rules for protocol 112 in network namespaces")
class NftablesRuleRootTest {
    private static final String NS_A = "uni-nf-a";
    private static final String NS_B = "uni-nf-b";
    private static final String NS_X = "uni-nf-x";
    private static final String NS_BR = "uni-nf-br";
    private static final String VIP = "198.18.101.100";
    private static final Path RULES = Path.of("..", "docs", "nftables-carp.nft");
    private static final Pattern DROPPED = Pattern.compile(
            "meta l4proto vrrp counter packets (\\d+) bytes \\d+ drop comment \"CARP from anyone else\"");

    private static LiveLab lab;
    private static NettyCarpRuntime runtimeA;
    private static NettyCarpRuntime runtimeB;
    private static NettyCarpRuntime runtimeX;

    @BeforeAll
    static void createNetwork() {
        lab = new LiveLab();
        lab.bridged(NS_BR, "br0", new Plug(NS_A, "eth0", "198.18.101.1/24", "unfpa"),
                new Plug(NS_B, "eth0", "198.18.101.2/24", "unfpb"),
                new Plug(NS_X, "eth0", "198.18.101.66/24", "unfpx"));
        runtimeA = lab.runtime(NS_A);
        runtimeB = lab.runtime(NS_B);
        runtimeX = lab.runtime(NS_X);
    }

    @AfterAll
    static void deleteNetwork() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void shouldDropAdvertsOfUnknownSourceAndPassThoseOfListedPeer() throws Exception {
        assertTrue(Files.isRegularFile(RULES), RULES.toAbsolutePath().toString());
        CarpGroup a = group(runtimeA, 100);
        CarpGroup x = group(runtimeX, 0);
        CarpGroup b = CarpGroup.builder().interfaceName("eth0").vhid(61).password("nf-secret").virtualAddress(VIP)
                .advskew(0).preempt(true).manageAddresses(false).runtime(runtimeB).build();
        try {
            a.start();
            x.start();
            Await.until("A hears X while there is no rule (the control)", () -> a.stats().ipv4PacketsReceived() > 0,
                    () -> a.stats().toString());

            lab.in(NS_A, "nft", "-f", RULES.toAbsolutePath().toString());
            long droppedAtLoad = dropped();
            Await.until("the rule drops X's adverts", () -> dropped() >= droppedAtLoad + 1, this::ruleset);
            long heard = a.stats().ipv4PacketsReceived();
            long dropped = dropped();
            Await.until("three more of X's adverts dropped", () -> dropped() >= dropped + 3, this::ruleset);
            assertEquals(heard, a.stats().ipv4PacketsReceived(), "A must hear nothing from X behind the rule");

            x.close(); // only a master advertises: let B (preempting A) be the one
            b.start();
            Await.until("A hears B, a listed peer, through the rule", () -> a.stats().ipv4PacketsReceived() > heard,
                    this::ruleset);
        } finally {
            x.close();
            b.close();
            a.close();
        }
    }

    private static CarpGroup group(NettyCarpRuntime runtime, int advskew) {
        return CarpGroup.builder().interfaceName("eth0").vhid(61).password("nf-secret").virtualAddress(VIP)
                .advskew(advskew).manageAddresses(false).runtime(runtime).build();
    }

    private long dropped() {
        Matcher m = DROPPED.matcher(ruleset());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private String ruleset() {
        return lab.in(NS_A, "nft", "list", "table", "inet", "carp");
    }
}
