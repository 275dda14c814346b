package io.carp.netty.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.carp.Authentication;
import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.DropReason;
import io.carp.netty.NettyCarpRuntime;
import io.carp.netty.internal.linux.NativeSocket;
import io.carp.netty.internal.linux.NetworkNamespace;
import io.carp.netty.internal.linux.RawCapture;
import io.carp.netty.testing.Await;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Plug;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The replay-protected mode over real sockets: two nodes on a bridge (IPv4 and IPv6 virtual addresses, so the 84-byte
 * adverts go through both raw sockets and the MAC covers both kinds of source address) elect one master without a
 * single authentication drop; a third namespace captures one of the master's adverts, and after the master has
 * stopped, takes the master's address and sends the captured CARP bytes again from it (the kernel builds the IP
 * header, so the packet is exactly the captured one): the backup, now master, drops every copy as {@code replay} and
 * stays master. Next to a real ucarp on the same vhid, neither accepts the other (fail closed both ways).
 */
@LinuxRootTest(value = "replay-protected CARP between network namespaces, next to a real ucarp", ucarp = true)
class ReplayProtectedRootTest {
    private static final String NS_A = "uni-rp-a";
    private static final String NS_B = "uni-rp-b";
    private static final String NS_X = "uni-rp-x";
    private static final String NS_U = "uni-rp-u";
    private static final String NS_BR = "uni-rp-br";
    private static final String A_IP = "198.18.101.1";
    private static final Authentication AUTH = Authentication.replayProtected("live-test", 1, "live test secret");

    private static LiveLab lab;
    private static NettyCarpRuntime runtimeA;
    private static NettyCarpRuntime runtimeB;

    @BeforeAll
    static void createNetwork() {
        lab = new LiveLab();
        lab.bridged(NS_BR, "br0", new Plug(NS_A, "unrpa", A_IP + "/24", "unrppa"),
                new Plug(NS_B, "unrpb", "198.18.101.2/24", "unrppb"),
                new Plug(NS_X, "unrpx", "198.18.101.66/24", "unrppx"),
                new Plug(NS_U, "unrpu", "198.18.101.67/24", "unrppu"));
        runtimeA = lab.runtime(NS_A);
        runtimeB = lab.runtime(NS_B);
    }

    @AfterAll
    static void deleteNetwork() {
        if (lab != null) {
            lab.close();
        }
    }

    private static CarpGroup group(NettyCarpRuntime runtime, String interfaceName, int advskew) {
        return group(runtime, interfaceName, advskew, 63);
    }

    private static CarpGroup group(NettyCarpRuntime runtime, String interfaceName, int advskew, int vhid) {
        return CarpGroup.builder().interfaceName(interfaceName).vhid(vhid).authentication(AUTH)
                .virtualAddress("198.18.101.100").virtualAddress("fd00:198:18:101::100").advskew(advskew)
                .manageAddresses(false).runtime(runtime).build();
    }

    @Test
    void shouldElectOverBothFamiliesAndDropReplayedCaptureAfterMasterStopped() throws Exception {
        CarpGroup a = group(runtimeA, "unrpa", 0);
        CarpGroup b = group(runtimeB, "unrpb", 100);
        try (NativeSocket capture = RawCapture.ipv4Capture(NetworkNamespace.of(lab.ns(NS_X)), "unrpx")) {
            a.start();
            b.start();
            Await.until("A master, B backup hearing it over IPv4 and IPv6", () -> a.state() == CarpState.MASTER
                            && b.state() == CarpState.BACKUP && b.stats().ipv4PacketsReceived() >= 3
                            && b.stats().ipv6PacketsReceived() >= 3,
                    () -> "A " + a.state() + ", B " + b.state() + " " + b.stats().ipv4PacketsReceived() + "/"
                            + b.stats().ipv6PacketsReceived());
            assertEquals(0, b.stats().dropped(DropReason.BAD_AUTH));
            assertEquals(0, b.stats().dropped(DropReason.REPLAY));
            assertEquals("replay-protected(group \"live-test\", sends key 1, accepts keys [1])",
                    b.stats().authenticationMode());

            byte[] advert = RawCapture.await(capture, 5_000, p -> p.length == 20 + 84 && (p[9] & 0xff) == 112
                    && p[12] == (byte) 198 && p[15] == 1 && p[21] == 63);
            assertNotNull(advert, "an 84-byte advert of vhid 63 from A on the wire");

            a.close(); // bows out: B takes over at once
            Await.until("B master", () -> b.state() == CarpState.MASTER, () -> "B " + b.state());
            long transitions = b.stats().transitions();
            lab.in(NS_X, "ip", "addr", "flush", "dev", "unrpx");
            lab.in(NS_X, "ip", "addr", "add", A_IP + "/24", "dev", "unrpx"); // the old master's address
            byte[] carp = java.util.Arrays.copyOfRange(advert, 20, advert.length);
            for (int i = 0; i < 5; i++) {
                RawCapture.sendIpv4(capture, carp);
                Thread.sleep(200);
            }
            Await.until("five replays dropped", () -> b.stats().dropped(DropReason.REPLAY) == 5,
                    () -> "replay drops " + b.stats().dropped(DropReason.REPLAY) + ", bad_auth "
                            + b.stats().dropped(DropReason.BAD_AUTH));
            assertEquals(CarpState.MASTER, b.state(), "a replayed advert of the old master must not move B");
            assertEquals(transitions, b.stats().transitions());
            assertEquals(0, b.stats().dropped(DropReason.BAD_AUTH));
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void shouldNeverAcceptRealUcarpNorBeAcceptedByIt() throws Exception {
        CarpGroup a = group(runtimeA, "unrpa", 0, 64);
        String ucarpPath = io.carp.netty.testing.Tools.ucarp().orElseThrow().toString();
        try {
            a.start();
            Await.until("A master", () -> a.state() == CarpState.MASTER, () -> "A " + a.state());
            io.carp.netty.testing.LiveProcess ucarp = lab.start("ucarp", NS_U, List.of(ucarpPath,
                    "--interface=unrpu", "--srcip=198.18.101.67", "--vhid=64", "--pass=ucarp-pw",
                    "--addr=198.18.101.101", "--advbase=1", "--advskew=100"));
            Await.until("ucarp refuses A's adverts and becomes master itself",
                    () -> ucarp.count(l -> l.contains("Bad digest")) >= 3
                            && ucarp.printed(l -> l.contains("Switching to state: MASTER")), ucarp::output);
            Await.until("A refuses ucarp's adverts as plain CARP", () -> a.stats().dropped(DropReason.BAD_AUTH) >= 3,
                    () -> "bad_auth " + a.stats().dropped(DropReason.BAD_AUTH));
            assertEquals(CarpState.MASTER, a.state(), "A never heard an advert it accepts");
            assertEquals(0, a.stats().ipv4PacketsReceived());
            ucarp.kill();
        } finally {
            a.close();
        }
    }
}
