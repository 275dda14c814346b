package io.carp.testkit;

import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.protocol.CarpConstants;
import io.carp.IpFamily;
import io.carp.internal.vrrp.VrrpCodec;
import io.carp.internal.vrrp.VrrpConstants;
import io.carp.spi.RuntimeBinding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * Puts one advertisement on the segment: wraps the CARP or VRRP bytes in an IPv4/IPv6 header (TTL 255, to 224.0.0.18 or
 * ff02::12) as the kernel would, records it, and schedules a delivery to every other connected node after the link
 * model's delay, with the injected faults applied. Never to the sender: multicast loop is off.
 */
final class Wire {
    private static final Inet4Address GROUP_V4 = (Inet4Address) Addresses.of(CarpConstants.INADDR_CARP_GROUP);
    private static final Inet6Address GROUP_V6 = (Inet6Address) Addresses.of(CarpConstants.IN6ADDR_CARP_GROUP);

    private final EventScheduler scheduler;
    private final Recorder recorder;
    private final Segment segment;
    private final List<SimulatedNode> nodes;
    private final Random random;

    Wire(EventScheduler scheduler, Recorder recorder, Segment segment, List<SimulatedNode> nodes, Random random) {
        this.scheduler = scheduler;
        this.recorder = recorder;
        this.segment = segment;
        this.nodes = nodes;
        this.random = random;
    }

    /**
     * Sends, or throws as a socket would (the group counts it as a send error).
     *
     * @throws UncheckedIOException if the sender's link is down or it has no address in the family
     */
    void transmit(SimulatedNode sender, IpFamily family, InetAddress source, ByteBuffer carpHeader) {
        if (!sender.isLinkUp()) {
            throw new UncheckedIOException(new IOException("network is down (node " + sender.name()
                    + ": link down)"));
        }
        if (source == null) {
            throw new UncheckedIOException(new IOException("node " + sender.name() + " has no " + family
                    + " address"));
        }
        byte[] header = new byte[carpHeader.remaining()];
        carpHeader.duplicate().get(header);
        byte[] packet = family == IpFamily.IPV4
                ? CarpCodec.encodeIpv4((Inet4Address) source, GROUP_V4, CarpConstants.CARP_DFLTTL, sender.nextIpId(),
                header)
                : CarpCodec.encodeIpv6((Inet6Address) source, GROUP_V6, CarpConstants.CARP_DFLTTL, header);
        deliver(sender, family, source, packet);
    }

    /**
     * Sends a VRRP advertisement to the family's multicast group, with the checksum computed for that source and
     * destination, as the Linux runtime does; throws as {@link #transmit}.
     */
    void transmitVrrp(SimulatedNode sender, IpFamily family, InetAddress source, RuntimeBinding.VrrpMessage message) {
        if (!sender.isLinkUp()) {
            throw new UncheckedIOException(new IOException("network is down (node " + sender.name()
                    + ": link down)"));
        }
        if (source == null) {
            throw new UncheckedIOException(new IOException("node " + sender.name() + " has no " + family
                    + " address"));
        }
        boolean v4 = family == IpFamily.IPV4;
        ByteBuffer bytes = message.bytes(source, v4 ? GROUP_V4 : GROUP_V6);
        byte[] vrrp = new byte[bytes.remaining()];
        bytes.get(vrrp);
        byte[] packet = v4
                ? VrrpCodec.encodeIpv4((Inet4Address) source, GROUP_V4, VrrpConstants.VRRP_TTL, sender.nextIpId(), vrrp)
                : VrrpCodec.encodeIpv6((Inet6Address) source, GROUP_V6, VrrpConstants.VRRP_TTL, vrrp);
        deliver(sender, family, source, packet);
    }

    private void deliver(SimulatedNode sender, IpFamily family, InetAddress source, byte[] packet) {
        recorder.advertisement(sender.name(), family, source, packet);
        long now = scheduler.now();
        for (SimulatedNode receiver : nodes) {
            if (receiver == sender || !segment.connected(sender, receiver)) {
                continue;
            }
            byte[] wire = segment.applyFaults(sender, family, packet);
            if (wire == null) {
                continue;
            }
            for (Duration delay : segment.linkModel().deliveries(sender, receiver, random)) {
                long at = now + Times.checkNonNegative("LinkModel delay", delay);
                scheduler.schedule(at, () -> receiver.receive(family, wire), null);
            }
        }
    }
}
