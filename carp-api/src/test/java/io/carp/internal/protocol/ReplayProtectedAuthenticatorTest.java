package io.carp.internal.protocol;

import static io.carp.internal.protocol.ReplayProtectedAuthenticator.Outcome.ACCEPTED;
import static io.carp.internal.protocol.ReplayProtectedAuthenticator.Outcome.ACCEPTED_NEW_EPOCH;
import static io.carp.internal.protocol.ReplayProtectedAuthenticator.Outcome.BAD_MAC;
import static io.carp.internal.protocol.ReplayProtectedAuthenticator.Outcome.MALFORMED;
import static io.carp.internal.protocol.ReplayProtectedAuthenticator.Outcome.PLAIN_CARP;
import static io.carp.internal.protocol.ReplayProtectedAuthenticator.Outcome.REPLAY;
import static io.carp.internal.protocol.ReplayProtectedAuthenticator.Outcome.UNKNOWN_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.DropReason;
import io.carp.internal.crypto.AuthKeys;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayProtectedAuthenticatorTest {
    private static final Inet4Address A = v4("198.18.0.1");
    private static final Inet4Address B = v4("198.18.0.2");
    private static final Inet4Address GROUP = v4("224.0.0.18");
    private static final List<InetAddress> VIPS = List.of(v4("198.18.0.100"), v4("198.18.0.101"));
    private static final byte[] K1 = key(1);
    private static final byte[] K2 = key(2);

    private static AuthKeys keys(int send, Map<Integer, byte[]> masters) {
        return new AuthKeys("web-vip", send, masters);
    }

    private static ReplayProtectedAuthenticator auth(AuthKeys keys) {
        return new ReplayProtectedAuthenticator(7, VIPS, keys);
    }

    private static byte[] seal(ReplayProtectedAuthenticator a, InetAddress source, long epoch, long seq) {
        ByteBuffer b = ByteBuffer.allocate(ReplayProtectedAuthenticator.PAYLOAD_LEN);
        a.seal(b, source, 10, 0, 1, epoch, seq);
        assertEquals(ReplayProtectedAuthenticator.PAYLOAD_LEN, b.position());
        return b.array();
    }

    /** As the receiving socket sees it: through the shared decoder of IPv4 datagrams. */
    private static CarpAdvertisement receive(InetAddress source, byte[] payload) {
        InboundPacket p = CarpCodec.decodeIpv4(ByteBuffer.wrap(
                CarpCodec.encodeIpv4((Inet4Address) source, GROUP, 255, 1, payload)), true);
        assertFalse(p.isDropped(), p.toString());
        return p.advertisement();
    }

    @Test
    void shouldAcceptSealedAdvertOnceAndDropEveryLaterCopyAsReplay() {
        ReplayProtectedAuthenticator sender = auth(keys(1, Map.of(1, K1)));
        ReplayProtectedAuthenticator receiver = auth(keys(1, Map.of(1, K1)));
        byte[] captured = seal(sender, A, 1_000, 0);
        assertEquals(ACCEPTED, receiver.open(A, receive(A, captured)));
        for (long seq = 1; seq < 5; seq++) {
            assertEquals(ACCEPTED, receiver.open(A, receive(A, seal(sender, A, 1_000, seq))));
        }
        assertEquals(REPLAY, receiver.open(A, receive(A, captured)), "the captured copy, sent again later");
        assertEquals(DropReason.REPLAY, REPLAY.dropReason());
    }

    @Test
    void shouldAcceptRestartedSenderWithNewerEpochAndRefuseItsOldAdverts() {
        ReplayProtectedAuthenticator receiver = auth(keys(1, Map.of(1, K1)));
        ReplayProtectedAuthenticator before = auth(keys(1, Map.of(1, K1)));
        byte[] old = seal(before, A, 1_000, 41);
        assertEquals(ACCEPTED, receiver.open(A, receive(A, old)));
        ReplayProtectedAuthenticator after = auth(keys(1, Map.of(1, K1)));
        assertEquals(ACCEPTED_NEW_EPOCH, receiver.open(A, receive(A, seal(after, A, 5_000, 0))));
        assertEquals(ACCEPTED, receiver.open(A, receive(A, seal(after, A, 5_000, 1))));
        assertEquals(REPLAY, receiver.open(A, receive(A, old)));
        assertEquals(REPLAY, receiver.open(A, receive(A, seal(before, A, 1_000, 42))),
                "even a never-seen advert of the old epoch");
    }

    @Test
    void shouldRefuseAdvertRepliedUnderAnotherSourceAddress() {
        ReplayProtectedAuthenticator sender = auth(keys(1, Map.of(1, K1)));
        ReplayProtectedAuthenticator receiver = auth(keys(1, Map.of(1, K1)));
        byte[] fromA = seal(sender, A, 1_000, 0);
        assertEquals(BAD_MAC, receiver.open(B, receive(B, fromA)), "the MAC covers the sender's address");
    }

    @Test
    void shouldRefusePlainCarpAdvertAndBeRefusedByPlainCarpPeer() {
        byte[] password = "secret".getBytes();
        CarpAuthenticator plain = new CarpAuthenticator(password, 7, VIPS);
        byte[] plainAdvert = CarpCodec.encode(7, 10, 0, 1, 99L, plain.digest(99L));
        ReplayProtectedAuthenticator protectedGroup = auth(keys(1, Map.of(1, K1)));
        assertEquals(PLAIN_CARP, protectedGroup.open(A, receive(A, plainAdvert)));
        assertEquals(DropReason.BAD_AUTH, PLAIN_CARP.dropReason());

        CarpAdvertisement sealed = receive(A, seal(protectedGroup, A, 1_000, 0));
        assertFalse(plain.verify(sealed), "a plain CARP group fails it at its HMAC check (BAD_AUTH)");
        assertFalse(new CarpAuthenticator(new byte[20], 7, VIPS).verify(sealed), "also without a password");
    }

    @Test
    void shouldKeepCarpChecksumValidOverHeaderAndOverWholePayload() {
        byte[] sealed = seal(auth(keys(1, Map.of(1, K1))), A, 1_000, 3);
        assertEquals(0, InternetChecksum.compute(sealed, 0, 36), "as ucarp and this library check it");
        assertEquals(0, InternetChecksum.compute(sealed, 0, sealed.length), "as FreeBSD's carp_input checks it");
        assertEquals(0x21, sealed[0] & 0xff, "CARP version 2, advertisement");
        assertEquals(7, sealed[1]);
        assertEquals(7, sealed[3], "authlen stays 7");
        for (int i = 16; i < 36; i++) {
            assertEquals(0, sealed[i], "the HMAC-SHA1 field is all zero");
        }
        assertEquals(3L, ByteBuffer.wrap(sealed, 8, 8).getLong(), "the counter carries the sequence number");
        assertEquals('c', sealed[36]);
        assertEquals('4', sealed[37]);
        assertEquals(1, sealed[38], "trailer version");
        assertEquals(1, sealed[39], "key id");
        assertEquals(1_000L, ByteBuffer.wrap(sealed, 44, 8).getLong(), "epoch");
    }

    @Test
    void shouldRefuseEveryChangedByteThatTheChecksumDoesNotCatch() {
        ReplayProtectedAuthenticator sender = auth(keys(1, Map.of(1, K1)));
        byte[] sealed = seal(sender, A, 1_000, 3);
        for (int i = 0; i < sealed.length; i++) {
            if (i == 6 || i == 7 || i == 36 + 6 || i == 36 + 7) {
                continue; // the checksum and its adjustment: not covered by the MAC, by design
            }
            byte[] changed = sealed.clone();
            changed[i] ^= 0x01;
            // Keep the header checksum right, as an attacker would, so that the packet reaches the MAC check.
            changed[6] = 0;
            changed[7] = 0;
            ByteBuffer.wrap(changed).putShort(6, (short) InternetChecksum.compute(changed, 0, 36));
            InboundPacket p = CarpCodec.decodeIpv4(ByteBuffer.wrap(CarpCodec.encodeIpv4(A, GROUP, 255, 1, changed)),
                    true);
            if (p.isDropped()) {
                continue; // e.g. the version byte: the codec drops it first
            }
            ReplayProtectedAuthenticator receiver = auth(keys(1, Map.of(1, K1)));
            ReplayProtectedAuthenticator.Outcome outcome = receiver.open(A, p.advertisement());
            assertFalse(outcome.accepted(), "byte " + i + " changed: " + outcome);
        }
    }

    @Test
    void shouldRefuseUnknownKeyIdAndOtherGroupIdOrAddressSet() {
        ReplayProtectedAuthenticator sender = auth(keys(2, Map.of(2, K2)));
        assertEquals(UNKNOWN_KEY, auth(keys(1, Map.of(1, K1))).open(A, receive(A, seal(sender, A, 1, 0))));
        ReplayProtectedAuthenticator sameIdOtherKey = auth(keys(2, Map.of(2, K1)));
        assertEquals(BAD_MAC, sameIdOtherKey.open(A, receive(A, seal(sender, A, 1, 0))));
        ReplayProtectedAuthenticator otherAddresses = new ReplayProtectedAuthenticator(7, VIPS.subList(0, 1),
                keys(2, Map.of(2, K2)));
        assertEquals(BAD_MAC, otherAddresses.open(A, receive(A, seal(sender, A, 1, 0))));
        ReplayProtectedAuthenticator otherVhid = new ReplayProtectedAuthenticator(8, VIPS, keys(2, Map.of(2, K2)));
        byte[] fromVhid8 = seal(otherVhid, A, 1, 0);
        fromVhid8[1] = 7; // claim vhid 7 (checksum fixed below)
        fromVhid8[6] = 0;
        fromVhid8[7] = 0;
        ByteBuffer.wrap(fromVhid8).putShort(6, (short) InternetChecksum.compute(fromVhid8, 0, 36));
        assertEquals(BAD_MAC, auth(keys(2, Map.of(2, K2))).open(A, receive(A, fromVhid8)),
                "each vhid has its own key");
    }

    @Test
    void shouldRefuseTruncatedOrUnknownTrailer() {
        byte[] sealed = seal(auth(keys(1, Map.of(1, K1))), A, 1, 0);
        byte[] shortOne = java.util.Arrays.copyOf(sealed, 60);
        assertEquals(MALFORMED, auth(keys(1, Map.of(1, K1))).open(A, receive(A, shortOne)));
        byte[] version2 = sealed.clone();
        version2[38] = 2;
        assertEquals(MALFORMED, auth(keys(1, Map.of(1, K1))).open(A, receive(A, version2)));
    }

    @Test
    void shouldAcceptBothKeysDuringRotationAndKeepReplayStateAcrossKeyChange() {
        ReplayProtectedAuthenticator oldSender = auth(keys(1, Map.of(1, K1)));
        ReplayProtectedAuthenticator newSender = auth(keys(2, Map.of(1, K1, 2, K2)));
        ReplayProtectedAuthenticator receiver = auth(keys(1, Map.of(1, K1)));
        byte[] captured = seal(oldSender, A, 10, 0);
        assertEquals(ACCEPTED, receiver.open(A, receive(A, captured)));
        receiver.setKeys(keys(1, Map.of(1, K1, 2, K2)));                      // step 1: accept both
        assertEquals(ACCEPTED, receiver.open(A, receive(A, seal(oldSender, A, 10, 1))));
        assertEquals(ACCEPTED, receiver.open(A, receive(A, seal(newSender, A, 10, 2))));
        assertEquals(REPLAY, receiver.open(A, receive(A, captured)), "the window survives a key change");
        receiver.setKeys(keys(2, Map.of(2, K2)));                              // step 3: only the new key
        assertEquals(UNKNOWN_KEY, receiver.open(A, receive(A, seal(oldSender, A, 10, 3))));
        assertEquals(ACCEPTED, receiver.open(A, receive(A, seal(newSender, A, 10, 4))));
    }

    @Test
    void shouldHandOutIncreasingEpochsEvenWithinOneMillisecond() {
        long a = ReplayProtectedAuthenticator.newEpoch(5_000_000_000_000L);
        long b = ReplayProtectedAuthenticator.newEpoch(5_000_000_000_000L);
        long c = ReplayProtectedAuthenticator.newEpoch(1_000L);
        assertTrue(a < b && b < c, a + " " + b + " " + c);
        assertNotEquals(a, b);
    }

    @Test
    void shouldDeriveDistinctMastersForDistinctGroupIds() {
        byte[] secret = "correct horse battery".getBytes();
        assertFalse(java.util.Arrays.equals(AuthKeys.deriveMaster("a", secret), AuthKeys.deriveMaster("b", secret)));
    }

    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) seed);
        return k;
    }

    private static Inet4Address v4(String s) {
        try {
            return (Inet4Address) InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
