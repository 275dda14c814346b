package io.carp.testkit;

import io.carp.internal.protocol.CarpConstants;
import io.carp.internal.protocol.InternetChecksum;
import io.carp.IpFamily;

/**
 * Ready-made faults for the packets a node sends, injected with {@link SimulatedNetwork#inject} and removed with
 * {@link SimulatedNetwork#heal()}. Each names the real failure it stands for. Damaged packets still reach the
 * receivers, whose dispatcher and group drop and count them under the {@link io.carp.DropReason} given here; the
 * recorded advertisement stays as the sender sent it.
 */
public enum LinkFault {
    /** Every packet is lost: a one-way failure, e.g. a firewall rule dropping the node's outgoing protocol 112. */
    DROP_ALL,
    /** Packets arrive with TTL / hop limit 1, as if they had crossed a router: dropped as {@code BAD_TTL}. */
    BAD_TTL,
    /** One bit of the CARP header is flipped in transit, so its checksum fails: dropped as {@code BAD_CHECKSUM}. */
    BAD_CHECKSUM,
    /**
     * The HMAC digest is altered and the checksum made valid again, as a peer with another password or another set of
     * virtual addresses would send: dropped as {@code BAD_AUTH}.
     */
    CORRUPT_DIGEST;

    /** The packet as the receivers get it, or {@code null} if it is lost. Never changes its argument. */
    byte[] apply(IpFamily family, byte[] packet) {
        if (this == DROP_ALL) {
            return null;
        }
        byte[] p = packet.clone();
        int carp = family == IpFamily.IPV4 ? CarpConstants.IPV4_HEADER_LEN : CarpConstants.IPV6_HEADER_LEN;
        switch (this) {
            case BAD_TTL:
                if (family == IpFamily.IPV4) {
                    p[8] = 1;
                    p[10] = 0;
                    p[11] = 0;
                    putShort(p, 10, InternetChecksum.compute(p, 0, CarpConstants.IPV4_HEADER_LEN));
                } else {
                    p[7] = 1;
                }
                break;
            case BAD_CHECKSUM:
                p[carp + 8] ^= 0x01; // a counter bit
                break;
            case CORRUPT_DIGEST:
                p[carp + 16] ^= 0x01; // a digest bit, then a valid checksum again
                p[carp + 6] = 0;
                p[carp + 7] = 0;
                putShort(p, carp + 6, InternetChecksum.compute(p, carp, CarpConstants.CARP_HEADER_LEN));
                break;
            default:
                throw new AssertionError(this);
        }
        return p;
    }

    private static void putShort(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 8);
        b[at + 1] = (byte) value;
    }
}
