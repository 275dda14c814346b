package io.carp.testkit;

import io.carp.internal.protocol.CarpAuthenticator;
import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.protocol.CarpConstants;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A hand-made advertisement from a peer that is not a simulated node: another implementation, a misconfigured
 * device, an attacker replaying a capture. Encoded with the library's own codec and HMAC, so by default it is exactly
 * what a CARP peer with the same vhid, password and addresses sends; each setter changes one field, and
 * {@link #digest(byte[])} replaces the HMAC to make a forged one. Hand it to {@link ManualRuntime#receive} or
 * {@link SimulatedNetwork#inject}. Mutable and not thread-safe, like a builder; the encoded bytes are taken when it
 * is delivered.
 *
 * <pre>{@code
 * runtime.receive(PeerAdvertisement.from("198.18.0.1").vhid(1).password("s3cret")
 *         .virtualAddress("198.18.0.100").advskew(0));
 * }</pre>
 */
public final class PeerAdvertisement {
    private static final Inet4Address GROUP_V4 = (Inet4Address) Addresses.of(CarpConstants.INADDR_CARP_GROUP);
    private static final Inet6Address GROUP_V6 = (Inet6Address) Addresses.of(CarpConstants.IN6ADDR_CARP_GROUP);

    private final InetAddress source;
    private int vhid = 1;
    private byte[] password = new byte[0];
    private final List<InetAddress> virtualAddresses = new ArrayList<>();
    private int advbase = 1;
    private int advskew;
    private int demote;
    private long counter = 1;
    private int ttl = CarpConstants.CARP_DFLTTL;
    private byte[] digest;

    private PeerAdvertisement(InetAddress source) {
        this.source = source;
    }

    /**
     * Starts an advertisement sent from {@code source}; its family (IPv4 or IPv6) is the packet's.
     *
     * @param source an IPv4 or IPv6 literal, e.g. {@code 198.18.0.1}
     * @return a new advertisement: vhid 1, advbase 1, advskew 0, demote 0, counter 1, TTL 255, empty password
     * @throws IllegalArgumentException if {@code source} is not an address literal
     */
    public static PeerAdvertisement from(String source) {
        return new PeerAdvertisement(Addresses.parse("source", source, InetAddress.class));
    }

    /** The virtual host id, 0-255 (0 and values nobody runs are legal on the wire). */
    public PeerAdvertisement vhid(int value) {
        this.vhid = checkByte("vhid", value);
        return this;
    }

    /** The password the HMAC is keyed with (UTF-8), as the peer has it configured. */
    public PeerAdvertisement password(String value) {
        this.password = Objects.requireNonNull(value, "password").getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** One of the peer's virtual addresses, which the HMAC covers (add every one, in any order). */
    public PeerAdvertisement virtualAddress(String address) {
        virtualAddresses.add(Addresses.parse("virtualAddress", address, InetAddress.class));
        return this;
    }

    /** The base interval in seconds, 0-255 (255 with advskew 255 is the bow-out). */
    public PeerAdvertisement advbase(int value) {
        this.advbase = checkByte("advbase", value);
        return this;
    }

    /** The skew in 1/256 s, 0-255. */
    public PeerAdvertisement advskew(int value) {
        this.advskew = checkByte("advskew", value);
        return this;
    }

    /** The OpenBSD demote byte, 0-255. */
    public PeerAdvertisement demote(int value) {
        this.demote = checkByte("demote", value);
        return this;
    }

    /** The 64-bit replay counter (any value). */
    public PeerAdvertisement counter(long value) {
        this.counter = value;
        return this;
    }

    /** The IPv4 TTL or IPv6 hop limit, 0-255 (a CARP receiver drops anything but 255 from multicast). */
    public PeerAdvertisement ttl(int value) {
        this.ttl = checkByte("ttl", value);
        return this;
    }

    /** The bow-out of a master that shuts down: advbase 255, advskew 255. */
    public PeerAdvertisement bowOut() {
        return advbase(CarpConstants.CARP_BOW_OUT).advskew(CarpConstants.CARP_BOW_OUT);
    }

    /**
     * Replaces the HMAC-SHA1 digest by these 20 bytes, e.g. {@code new byte[20]} for a forged advertisement.
     *
     * @throws IllegalArgumentException unless 20 bytes
     */
    public PeerAdvertisement digest(byte[] value) {
        if (value.length != CarpConstants.CARP_MD_LEN) {
            throw new IllegalArgumentException("digest: " + value.length + " bytes (expected: "
                    + CarpConstants.CARP_MD_LEN + ")");
        }
        this.digest = value.clone();
        return this;
    }

    /** The sender's address. */
    public InetAddress source() {
        return source;
    }

    /** Whether the packet is IPv6. */
    public boolean isIpv6() {
        return source instanceof Inet6Address;
    }

    /**
     * The packet as a raw socket receives it: an IPv4 datagram (header included) to 224.0.0.18, or an IPv6 packet
     * with its fixed header to ff02::12.
     */
    public byte[] toPacket() {
        byte[] md = digest != null ? digest
                : new CarpAuthenticator(password, vhid, virtualAddresses).digest(counter);
        byte[] carp = CarpCodec.encode(vhid, advskew, demote, advbase, counter, md);
        return isIpv6() ? CarpCodec.encodeIpv6((Inet6Address) source, GROUP_V6, ttl, carp)
                : CarpCodec.encodeIpv4((Inet4Address) source, GROUP_V4, ttl, 1, carp);
    }

    private static int checkByte(String field, int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: 0-255)");
        }
        return value;
    }

    @Override
    public String toString() {
        return "PeerAdvertisement{from " + source.getHostAddress() + ", vhid " + vhid + ", advbase " + advbase
                + ", advskew " + advskew + ", demote " + demote + ", counter " + counter + ", ttl " + ttl
                + (digest != null ? ", forged digest" : "") + "}";
    }
}
