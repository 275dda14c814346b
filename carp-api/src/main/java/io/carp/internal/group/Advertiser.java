package io.carp.internal.group;

import io.carp.CarpConfig;
import io.carp.IpFamily;
import io.carp.spi.RuntimeBinding;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * Encodes, signs and sends a group's advertisements, once per address family of its virtual addresses; the
 * {@link GroupAuthenticator} keeps the counter. One buffer is reused. Protocol thread only.
 */
final class Advertiser {
    private static final System.Logger LOG = System.getLogger(io.carp.CarpGroup.class.getName());

    private final String label;
    private final GroupAuthenticator authenticator;
    private final DefaultCarpStats stats;
    private final boolean hasIpv4;
    private final boolean hasIpv6;
    private final ByteBuffer tx;
    private RuntimeBinding binding;

    Advertiser(String label, CarpConfig config, GroupAuthenticator authenticator, DefaultCarpStats stats) {
        this.label = label;
        this.authenticator = authenticator;
        this.stats = stats;
        this.tx = ByteBuffer.allocate(authenticator.payloadLength());
        this.hasIpv4 = config.virtualAddresses().stream().anyMatch(a -> IpFamily.of(a) == IpFamily.IPV4);
        this.hasIpv6 = config.virtualAddresses().stream().anyMatch(a -> IpFamily.of(a) == IpFamily.IPV6);
    }

    /**
     * Binds to the runtime and starts the counter: at a random value, as the BSD kernels do, or (replay-protected) a
     * new epoch from the clock's wall time.
     */
    void bind(RuntimeBinding runtimeBinding) {
        this.binding = runtimeBinding;
        authenticator.start(runtimeBinding.randomLong(), runtimeBinding.loop().clock().wallTime().toEpochMilli());
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
        tx.clear();
        authenticator.seal(tx, binding.sourceAddress(family), advbase, advskew, demote);
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
