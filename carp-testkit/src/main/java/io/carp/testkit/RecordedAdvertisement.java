package io.carp.testkit;

import io.carp.Protocol;
import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.protocol.InboundPacket;
import io.carp.internal.vrrp.VrrpAdvertisement;
import io.carp.internal.vrrp.VrrpCodec;
import io.carp.internal.vrrp.VrrpPacket;
import java.nio.ByteBuffer;

import io.carp.internal.protocol.CarpAdvertisement;
import io.carp.IpFamily;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable record of one advertisement a node put on the simulated wire, as a capture on the sender's port would
 * see it (before the link model loses, delays, duplicates or damages it). Kept by {@link SimulatedNetwork} in send
 * order.
 */
public final class RecordedAdvertisement {
    private final long sequenceNumber;
    private final long timeNanos;
    private final String sender;
    private final IpFamily family;
    private final InetAddress source;
    private final CarpAdvertisement advertisement;
    private final VrrpAdvertisement vrrp;
    private final byte[] bytes;

    RecordedAdvertisement(long sequenceNumber, long timeNanos, String sender, IpFamily family, InetAddress source,
                          CarpAdvertisement advertisement, byte[] bytes) {
        this(sequenceNumber, timeNanos, sender, family, source, advertisement, null, bytes);
    }

    private RecordedAdvertisement(long sequenceNumber, long timeNanos, String sender, IpFamily family,
                                  InetAddress source, CarpAdvertisement advertisement, VrrpAdvertisement vrrp,
                                  byte[] bytes) {
        this.vrrp = vrrp;
        this.sequenceNumber = sequenceNumber;
        this.timeNanos = timeNanos;
        this.sender = Objects.requireNonNull(sender, "sender");
        this.family = family;
        this.source = source;
        this.advertisement = advertisement;
        this.bytes = bytes.clone();
    }

    /** Position in the network's send order, from 0. */
    public long sequenceNumber() {
        return sequenceNumber;
    }

    /** When it was sent: virtual time since the network was created. */
    public Duration time() {
        return Duration.ofNanos(timeNanos);
    }

    /** When it was sent, in virtual nanoseconds since the network was created. */
    public long timeNanos() {
        return timeNanos;
    }

    /** The name of the node that sent it. */
    public String sender() {
        return sender;
    }

    /** IPv4 or IPv6. */
    public IpFamily family() {
        return family;
    }

    /** The IP source address. */
    public InetAddress source() {
        return source;
    }

    /**
     * Decodes a packet a group sent (CARP, else VRRP) into a record.
     *
     * @throws IllegalStateException if it is neither: the group sent something undecodable
     */
    static RecordedAdvertisement decode(long sequenceNumber, long timeNanos, String sender, IpFamily family,
                                        InetAddress source, byte[] packet) {
        InboundPacket carp = family == IpFamily.IPV4 ? CarpCodec.decodeIpv4(ByteBuffer.wrap(packet), false)
                : CarpCodec.decodeIpv6(ByteBuffer.wrap(packet), false);
        if (!carp.isDropped()) {
            return new RecordedAdvertisement(sequenceNumber, timeNanos, sender, family, source, carp.advertisement(),
                    null, packet);
        }
        VrrpPacket vrrpPacket = family == IpFamily.IPV4 ? VrrpCodec.decodeIpv4(ByteBuffer.wrap(packet), false)
                : VrrpCodec.decodeIpv6(ByteBuffer.wrap(packet), false);
        if (!vrrpPacket.isDropped()) {
            return new RecordedAdvertisement(sequenceNumber, timeNanos, sender, family, source, null,
                    vrrpPacket.advertisement(), packet);
        }
        throw new IllegalStateException("the group sent an undecodable advertisement: " + carp + " / " + vrrpPacket);
    }

    /** The decoded CARP header (internal type; tests of this module only), or {@code null} for VRRP. */
    CarpAdvertisement advertisement() {
        return advertisement;
    }

    /** The protocol of the advertisement: CARP, or the VRRP version it carries. */
    public Protocol protocol() {
        if (vrrp == null) {
            return Protocol.CARP;
        }
        return vrrp.version() == 2 ? Protocol.VRRP_V2 : Protocol.VRRP_V3;
    }

    /**
     * VRRP: the advertised priority (0 when the master stops, the demotion already subtracted).
     *
     * @throws IllegalStateException for a CARP advertisement
     */
    public int priority() {
        return vrrp().priority();
    }

    /**
     * VRRP: the advertised interval in centiseconds.
     *
     * @throws IllegalStateException for a CARP advertisement
     */
    public int intervalCentis() {
        return vrrp().intervalCentis();
    }

    /**
     * VRRP: the addresses carried.
     *
     * @throws IllegalStateException for a CARP advertisement
     */
    public java.util.List<InetAddress> addresses() {
        return vrrp().addresses();
    }

    private VrrpAdvertisement vrrp() {
        if (vrrp == null) {
            throw new IllegalStateException("a CARP advertisement has no priority, interval or address list: " + this);
        }
        return vrrp;
    }

    private CarpAdvertisement carp() {
        if (advertisement == null) {
            throw new IllegalStateException("a VRRP advertisement has no advbase, advskew, demote or counter: "
                    + this);
        }
        return advertisement;
    }

    /** The advertised base interval in seconds (255 in a bow-out). */
    public int advbase() {
        return carp().advbase();
    }

    /** The advertised skew in 1/256 s, demotion included (255 in a bow-out). */
    public int advskew() {
        return carp().advskew();
    }

    /** The OpenBSD demote byte. */
    public int demote() {
        return carp().demote();
    }

    /** The 64-bit replay counter. */
    public long counter() {
        return carp().counter();
    }

    /** The advertisement's vhid (VRRP: its VRID). */
    public int vhid() {
        return vrrp != null ? vrrp.vrid() : advertisement.vhid();
    }

    /**
     * Whether this is the bow-out advertisement of a master that is leaving: advbase 255 and advskew 255 for CARP,
     * priority 0 for VRRP.
     */
    public boolean isBowOut() {
        return vrrp != null ? vrrp.priority() == 0 : advertisement.isBowOut();
    }

    /** A copy of the whole IP packet as sent: IPv4 or IPv6 header, then the 36 CARP bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Equal when every field, the bytes included, is equal: two runs with the same seed record equal lists. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RecordedAdvertisement)) {
            return false;
        }
        RecordedAdvertisement that = (RecordedAdvertisement) o;
        return sequenceNumber == that.sequenceNumber && timeNanos == that.timeNanos && sender.equals(that.sender)
                && family == that.family && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sequenceNumber) * 31 + Arrays.hashCode(bytes);
    }

    /** E.g. {@code #12 t=3.000s A IPV4 vhid 1 advbase 1 advskew 0 demote 0}. */
    @Override
    public String toString() {
        if (vrrp != null) {
            return "#" + sequenceNumber + " t=" + Times.format(timeNanos) + " " + sender + " " + family + " "
                    + protocol() + " vrid " + vrrp.vrid() + " priority " + vrrp.priority() + " interval "
                    + vrrp.intervalCentis() + "cs";
        }
        return "#" + sequenceNumber + " t=" + Times.format(timeNanos) + " " + sender + " " + family + " vhid "
                + advertisement.vhid() + (isBowOut() ? " bow-out" : " advbase " + advertisement.advbase()
                + " advskew " + advertisement.advskew()) + " demote " + advertisement.demote();
    }
}
