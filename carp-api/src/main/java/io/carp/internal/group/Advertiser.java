package io.carp.internal.group;

import io.carp.CarpConfig;
import io.carp.IpFamily;
import io.carp.internal.protocol.CarpAuthenticator;
import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.protocol.CarpConstants;
import io.carp.spi.RuntimeBinding;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * Encodes, signs and sends a group's advertisements, once per address family of its virtual addresses, and keeps the
 * 64-bit counter. Allocation-free: one buffer and one digest array are reused. Protocol thread only.
 */
final class Advertiser {
    private static final System.Logger LOG = System.getLogger(io.carp.CarpGroup.class.getName());

    private final String label;
    private final int vhid;
    private final CarpAuthenticator authenticator;
    private final DefaultCarpStats stats;
    private final boolean hasIpv4;
    private final boolean hasIpv6;
    private final ByteBuffer tx = ByteBuffer.allocate(CarpConstants.CARP_HEADER_LEN);
    private final byte[] md = new byte[CarpConstants.CARP_MD_LEN];
    private RuntimeBinding binding;
    private long counter;

    Advertiser(String label, CarpConfig config, CarpAuthenticator authenticator, DefaultCarpStats stats) {
        this.label = label;
        this.vhid = config.vhid();
        this.authenticator = authenticator;
        this.stats = stats;
        this.hasIpv4 = config.virtualAddresses().stream().anyMatch(a -> IpFamily.of(a) == IpFamily.IPV4);
        this.hasIpv6 = config.virtualAddresses().stream().anyMatch(a -> IpFamily.of(a) == IpFamily.IPV6);
    }

    /** Binds to the runtime and starts the counter at a random value, as the BSD kernels do. */
    void bind(RuntimeBinding runtimeBinding) {
        this.binding = runtimeBinding;
        this.counter = runtimeBinding.randomLong();
    }

    /** FreeBSD/ucarp: after an authenticated advertisement, continue from the peer's counter. */
    void continueAfter(long peerCounter) {
        counter = peerCounter + 1;
    }

    /** Sends one advertisement with these fields in each family of the virtual addresses. */
    void send(int advbase, int advskew, int demote) {
        if (hasIpv4) {
            sendOne(IpFamily.IPV4, advbase, advskew, demote);
        }
        if (hasIpv6) {
            sendOne(IpFamily.IPV6, advbase, advskew, demote);
        }
    }

    private void sendOne(IpFamily family, int advbase, int advskew, int demote) {
        long c = counter++;
        authenticator.digest(c, md, 0);
        tx.clear();
        CarpCodec.encode(tx, vhid, advskew, demote, advbase, c, md);
        tx.flip();
        try {
            binding.send(family, tx);
            stats.sent(family);
        } catch (RuntimeException e) {
            stats.sendError();
            LOG.log(Level.WARNING, "{0}: could not send {1} advertisement: {2}", label, family, e.toString());
        }
    }
}
