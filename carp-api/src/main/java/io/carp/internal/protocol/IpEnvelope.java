package io.carp.internal.protocol;

import io.carp.IpFamily;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What a CARP receiver needs from the IP layer around an advertisement: family, source, destination and TTL (IPv4) or
 * hop limit (IPv6).
 */
public final class IpEnvelope {
    private final IpFamily family;
    private final InetAddress source;
    private final InetAddress destination;
    private final int ttl;

    /**
     * Creates an envelope.
     *
     * @param family      the IP family
     * @param source      the sender's address
     * @param destination the destination address (224.0.0.18, ff02::12, or a unicast peer)
     * @param ttl         TTL (IPv4) or hop limit (IPv6), 0-255
     */
    public IpEnvelope(IpFamily family, InetAddress source, InetAddress destination, int ttl) {
        this.family = Objects.requireNonNull(family, "family");
        this.source = Objects.requireNonNull(source, "source");
        this.destination = Objects.requireNonNull(destination, "destination");
        this.ttl = ttl;
    }

    /** The IP family. */
    public IpFamily family() {
        return family;
    }

    /** The sender's address. */
    public InetAddress source() {
        return source;
    }

    /** The destination address. */
    public InetAddress destination() {
        return destination;
    }

    /** TTL (IPv4) or hop limit (IPv6). */
    public int ttl() {
        return ttl;
    }

    @Override
    public String toString() {
        return family + " " + source.getHostAddress() + " -> " + destination.getHostAddress() + " ttl " + ttl;
    }
}
