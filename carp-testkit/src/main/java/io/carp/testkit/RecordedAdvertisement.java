package io.carp.testkit;

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
    private final byte[] bytes;

    RecordedAdvertisement(long sequenceNumber, long timeNanos, String sender, IpFamily family, InetAddress source,
                          CarpAdvertisement advertisement, byte[] bytes) {
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

    /** The decoded CARP header (internal type; tests of this module only). */
    CarpAdvertisement advertisement() {
        return advertisement;
    }

    /** The advertised base interval in seconds (255 in a bow-out). */
    public int advbase() {
        return advertisement.advbase();
    }

    /** The advertised skew in 1/256 s, demotion included (255 in a bow-out). */
    public int advskew() {
        return advertisement.advskew();
    }

    /** The OpenBSD demote byte. */
    public int demote() {
        return advertisement.demote();
    }

    /** The 64-bit replay counter. */
    public long counter() {
        return advertisement.counter();
    }

    /** The advertisement's vhid. */
    public int vhid() {
        return advertisement.vhid();
    }

    /** Whether this is the bow-out advertisement (advbase 255, advskew 255) of a master that is leaving. */
    public boolean isBowOut() {
        return advertisement.isBowOut();
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
        return "#" + sequenceNumber + " t=" + Times.format(timeNanos) + " " + sender + " " + family + " vhid "
                + advertisement.vhid() + (isBowOut() ? " bow-out" : " advbase " + advertisement.advbase()
                + " advskew " + advertisement.advskew()) + " demote " + advertisement.demote();
    }
}
