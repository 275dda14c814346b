package io.carp.testkit;

import static io.carp.testkit.Vips.group;
import static io.carp.testkit.Vips.seconds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.internal.protocol.CarpAuthenticator;
import io.carp.IpFamily;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the network records, and that the packets are real. */
class RecordingTest {
    private final SimulatedNetwork network = SimulatedNetwork.create();
    private final SimulatedNode a = network.node("A");
    private final SimulatedNode c = network.node("C");

    @AfterEach
    void close() {
        network.close();
    }

    @Test
    void shouldTakeAdvertisementsInSendOrderWhenAsked() {
        assertTrue(network.takeAdvertisement().isEmpty(), "nothing sent yet");
        a.start(group(1, 0));
        network.advanceBy(seconds(5.5)); // master at 3 s: adverts at 3, 4, 5

        assertEquals(3, network.advertisementCount());
        for (int i = 0; i < 3; i++) {
            RecordedAdvertisement ad = network.takeAdvertisement().orElseThrow();
            assertEquals(i, ad.sequenceNumber());
            assertEquals(Duration.ofSeconds(3 + i), ad.time());
            assertEquals("A", ad.sender());
        }
        assertTrue(network.takeAdvertisement().isEmpty());
        assertEquals(3, network.advertisementCount(), "taking does not forget");
    }

    /** Rule: adverts go to 224.0.0.18 with TTL 255 and protocol 112, from the node's address, HMAC-signed. */
    @Test
    void shouldSendRealIpv4PacketsWhenAdvertising() throws Exception {
        a.start(group(1, 0));
        network.advanceBy(seconds(3.5));
        RecordedAdvertisement ad = network.takeAdvertisement().orElseThrow();
        byte[] p = ad.bytes();

        assertEquals(56, p.length);
        assertEquals(0x45, p[0] & 0xff);
        assertEquals(255, p[8] & 0xff, "TTL");
        assertEquals(112, p[9] & 0xff, "protocol");
        assertArrayEquals(a.ipv4().getAddress(), Arrays.copyOfRange(p, 12, 16), "source");
        assertArrayEquals(new byte[] {(byte) 224, 0, 0, 18}, Arrays.copyOfRange(p, 16, 20), "destination");
        assertEquals(IpFamily.IPV4, ad.family());
        assertEquals(a.ipv4(), ad.source());
        assertEquals(1, ad.vhid());
        assertEquals(1, ad.advbase());
        assertEquals(0, ad.advskew());
        CarpAuthenticator auth = new CarpAuthenticator(Vips.PASSWORD.getBytes(), 1,
                List.of(InetAddress.getByName(Vips.VIP1)));
        assertTrue(auth.verify(ad.advertisement()), "signed with the group's password and addresses");
        assertEquals(0, a.group(1).stats().dropped(io.carp.DropReason.OWN_PACKET), "multicast loop is off");
    }

    /** Rule: an IPv6 group advertises to ff02::12 with hop limit 255 and fails over like an IPv4 one. */
    @Test
    void shouldFailOverWhenTheGroupIsIpv6Only() {
        a.start(CarpGroup.builder().vhid(3).password("v6pass").virtualAddress("2001:db8::100").advskew(0));
        c.start(CarpGroup.builder().vhid(3).password("v6pass").virtualAddress("2001:db8::100").advskew(100));
        network.advanceBy(seconds(10.5));
        RecordedAdvertisement ad = network.takeAdvertisement().orElseThrow();
        byte[] p = ad.bytes();

        assertEquals(IpFamily.IPV6, ad.family());
        assertEquals(76, p.length);
        assertEquals(112, p[6] & 0xff, "next header");
        assertEquals(255, p[7] & 0xff, "hop limit");
        assertArrayEquals(a.ipv6().getAddress(), Arrays.copyOfRange(p, 8, 24));
        assertEquals(0xff, p[24] & 0xff);
        assertEquals(0x12, p[39] & 0xff, "ff02::12");
        assertTrue(c.group(3).stats().ipv6PacketsReceived() > 0);
        CarpAssertions.assertMasterIs(a, 3);

        a.kill();
        network.advanceBy(Duration.ofSeconds(10));
        CarpAssertions.assertMasterIs(c, 3);
        assertTrue(c.holdsAddress("2001:db8::100"));
    }

    /** Rule: a group with IPv4 and IPv6 addresses advertises in both families; its addresses move together. */
    @Test
    void shouldAdvertiseInBothFamiliesWhenTheGroupIsMixed() {
        a.start(group(1, 0).virtualAddress("2001:db8::50"));
        c.start(group(1, 100).virtualAddress("2001:db8::50"));
        network.advanceBy(seconds(4.5)); // master at 3 s: adverts at 3 and 4, each in both families

        assertEquals(List.of(IpFamily.IPV4, IpFamily.IPV6, IpFamily.IPV4, IpFamily.IPV6), network.advertisements()
                .stream().map(RecordedAdvertisement::family).collect(Collectors.toList()));
        assertTrue(a.holdsAddress(Vips.VIP1) && a.holdsAddress("2001:db8::50"));
        a.kill();
        network.advanceBy(Duration.ofSeconds(10));
        assertTrue(c.holdsAddress(Vips.VIP1) && c.holdsAddress("2001:db8::50"));
        assertEquals(0, c.group(1).stats().dropped(io.carp.DropReason.BAD_AUTH));
    }

    @Test
    void shouldWriteReadableTimelineLinesWhenThingsHappen() {
        a.start(group(1, 0));
        c.start(group(1, 100));
        network.advanceBy(seconds(10.5));
        a.kill();
        network.advanceBy(Duration.ofSeconds(5));

        assertEquals(List.of(
                "t=0.000s A vhid 1: INIT -> BACKUP (started)",
                "t=0.000s C vhid 1: INIT -> BACKUP (started)",
                "t=3.000s A vhid 1: BACKUP -> MASTER (master timed out)",
                "t=10.500s A killed",
                "t=13.000s A address 198.18.1.50 expired (kernel lifetime ran out: no advertisement renewed it)",
                "t=13.391s C vhid 1: BACKUP -> MASTER (master timed out)"), network.timeline());
        RecordedTransition last = network.transitions().get(3);
        assertEquals("C", last.node());
        assertEquals(CarpState.BACKUP, last.from());
        assertEquals(CarpState.MASTER, last.to());
        assertEquals(Duration.ofNanos(13_390_725_000L), last.time(), "10 s + 100 µs + 3.390625 s");
        assertFalse(network.timelineTail(2).contains("killed"));
    }
}
