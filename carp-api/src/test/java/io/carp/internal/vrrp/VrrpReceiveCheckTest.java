package io.carp.internal.vrrp;

import static io.carp.internal.vrrp.VrrpTestPackets.v4;
import static io.carp.internal.vrrp.VrrpTestPackets.v6;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.carp.internal.vrrp.VrrpReceiveCheck.Verdict;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The group-level receive checks of RFC 9568 §7.1 and RFC 3768 §7.1. */
class VrrpReceiveCheckTest {
    static final InetAddress SELF = v4("198.18.0.1");
    static final InetAddress PEER = v4("198.18.0.2");
    static final List<InetAddress> VIPS = List.of(v4("198.18.0.100"), v4("198.18.0.101"));
    static final byte[] PASS = VrrpCodec.simpleTextAuthData("secret".getBytes(StandardCharsets.US_ASCII));

    static VrrpAdvertisement v3(int priority, int interval, List<InetAddress> addresses) {
        return new VrrpAdvertisement(3, 1, priority, addresses, interval, 0, 0, new byte[0]);
    }

    static VrrpAdvertisement v2(int priority, int interval, int authType, byte[] auth, List<InetAddress> addresses) {
        return new VrrpAdvertisement(2, 1, priority, addresses, interval, authType, 0, auth);
    }

    final VrrpReceiveCheck v3Check = new VrrpReceiveCheck(3, 100, 0, new byte[8], VIPS);
    final VrrpReceiveCheck v2Check = new VrrpReceiveCheck(2, 100, 1, PASS, VIPS);
    final VrrpReceiveCheck v2None = new VrrpReceiveCheck(2, 100, 0, new byte[8], VIPS);

    @Test
    void shouldAcceptMatchingV3AndLearnAnyInterval() {
        assertEquals(Verdict.ACCEPT, v3Check.check(v3(100, 5, VIPS), PEER, SELF));
        assertEquals(Verdict.ACCEPT, v3Check.check(v3(100, 100, List.of(VIPS.get(1), VIPS.get(0))), PEER, SELF),
                "order does not matter");
    }

    @Test
    void shouldRecognizeOwnPacketFirst() {
        assertEquals(Verdict.OWN_PACKET, v3Check.check(v3(100, 100, VIPS), SELF, SELF));
        assertEquals(Verdict.ACCEPT, v3Check.check(v3(100, 100, VIPS), PEER, null), "own address unknown");
    }

    @Test
    void shouldDropTheOtherVersion() {
        assertEquals(Verdict.WRONG_VERSION, v3Check.check(v2(100, 100, 0, new byte[8], VIPS), PEER, SELF));
        assertEquals(Verdict.WRONG_VERSION, v2Check.check(v3(100, 100, VIPS), PEER, SELF));
    }

    @Test
    void shouldCountButProcessV3AddressMismatches() {
        assertEquals(Verdict.ACCEPT_ADDRESS_MISMATCH, v3Check.check(v3(100, 100, VIPS.subList(0, 1)), PEER, SELF));
        assertEquals(Verdict.ACCEPT_ADDRESS_MISMATCH, v3Check.check(v3(100, 100, List.of()), PEER, SELF));
        VrrpReceiveCheck six = new VrrpReceiveCheck(3, 100, 0, new byte[8], List.of(v6("fd00::100")));
        assertEquals(Verdict.ACCEPT, six.check(v3(100, 100, List.of(v6("fd00::100"))), v6("fe80::2"), v6("fe80::1")),
                "a non-link-local first IPv6 address, as keepalived sends without vrrp_strict");
    }

    @Test
    void shouldDropV2IntervalMismatch() {
        assertEquals(Verdict.BAD_INTERVAL, v2Check.check(v2(100, 200, 1, PASS, VIPS), PEER, SELF));
    }

    @Test
    void shouldCheckV2Authentication() {
        assertEquals(Verdict.ACCEPT, v2Check.check(v2(100, 100, 1, PASS, VIPS), PEER, SELF));
        byte[] wrong = VrrpCodec.simpleTextAuthData("secreT".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Verdict.BAD_AUTH, v2Check.check(v2(100, 100, 1, wrong, VIPS), PEER, SELF));
        assertEquals(Verdict.BAD_AUTH, v2Check.check(v2(100, 100, 0, new byte[8], VIPS), PEER, SELF));
        assertEquals(Verdict.BAD_AUTH, v2None.check(v2(100, 100, 1, PASS, VIPS), PEER, SELF));
        assertEquals(Verdict.ACCEPT, v2None.check(v2(100, 100, 0, PASS, VIPS), PEER, SELF),
                "type 0: the data is ignored on receipt (RFC 3768 §5.3.10)");
    }

    @Test
    void shouldDropV2AddressMismatchUnlessFromOwner() {
        assertEquals(Verdict.BAD_ADDRESS_LIST, v2Check.check(v2(100, 100, 1, PASS, VIPS.subList(0, 1)), PEER, SELF));
        assertEquals(Verdict.BAD_ADDRESS_LIST, v2Check.check(v2(100, 100, 1, PASS, List.of()), PEER, SELF));
        assertEquals(Verdict.ACCEPT, v2Check.check(v2(255, 100, 1, PASS, VIPS.subList(0, 1)), PEER, SELF));
    }
}
