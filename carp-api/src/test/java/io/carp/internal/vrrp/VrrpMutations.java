package io.carp.internal.vrrp;

import io.carp.internal.protocol.InternetChecksum;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Mutations of VRRP packets for the fuzz tests (codec level here, group level in io.carp.internal.group). */
public final class VrrpMutations {
    private VrrpMutations() {
    }

    /**
     * A mutated copy of a valid packet: fields changed with the checksum fixed, bit flips, cuts, extensions, TTL,
     * protocol, total length, IP version, garbage; sometimes several at once.
     *
     * @param base an IPv4 datagram or an IPv6 packet with its fixed header
     * @param ipv6 which of the two
     * @param r    the random source
     * @return the mutated bytes
     */
    public static byte[] mutate(byte[] base, boolean ipv6, SplittableRandom r) {
        byte[] p = base.clone();
        int rounds = r.nextInt(8) == 0 ? 2 + r.nextInt(2) : 1;
        for (int i = 0; i < rounds; i++) {
            p = mutateOnce(p, ipv6, r);
        }
        return p;
    }

    private static byte[] mutateOnce(byte[] p, boolean ipv6, SplittableRandom r) {
        int ihl = ipv6 ? 40 : p.length > 0 ? (p[0] & 0x0f) * 4 : 20;
        switch (r.nextInt(13)) {
            case 0:
                return p;
            case 1:
                if (p.length > 0) {
                    int bit = r.nextInt(p.length * 8);
                    p[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                return p;
            case 2:
                if (p.length > 0) {
                    p[r.nextInt(p.length)] = (byte) r.nextInt(256);
                }
                return p;
            case 3:
            case 4:
            case 5:
                return vrrpField(p, ihl, ipv6, r);
            case 6:
                return Arrays.copyOf(p, r.nextInt(p.length + 1));
            case 7: {
                byte[] q = Arrays.copyOf(p, p.length + 1 + r.nextInt(40));
                if (r.nextBoolean() && q.length > 6) {
                    int payload = ipv6 ? q.length - 40 : q.length;
                    q[ipv6 ? 4 : 2] = (byte) (payload >>> 8);
                    q[ipv6 ? 5 : 3] = (byte) payload;
                }
                return q;
            }
            case 8:
                if (p.length > 8) {
                    p[ipv6 ? 7 : 8] = (byte) (r.nextInt(3) == 0 ? 255 : r.nextInt(256));
                }
                return p;
            case 9:
                if (p.length > 9) {
                    p[ipv6 ? 6 : 9] = (byte) (r.nextBoolean() ? 112 : r.nextInt(256));
                }
                return p;
            case 10: {
                byte[] garbage = new byte[r.nextInt(ipv6 ? 160 : 120)];
                r.nextBytes(garbage);
                if (garbage.length > 0) {
                    garbage[0] = (byte) (ipv6 ? 0x60 : 0x45);
                }
                if (garbage.length > 9 && r.nextBoolean()) {
                    garbage[ipv6 ? 6 : 9] = 112;
                    garbage[ipv6 ? 7 : 8] = (byte) 255;
                }
                return garbage;
            }
            case 11:
                if (p.length > 6) {
                    int total = r.nextInt(65536);
                    p[ipv6 ? 4 : 2] = (byte) (total >>> 8);
                    p[ipv6 ? 5 : 3] = (byte) total;
                }
                return p;
            default:
                if (p.length > 0) {
                    p[0] = (byte) ((r.nextInt(16) << 4) | (p[0] & 0x0f));
                }
                return p;
        }
    }

    /** Changes one VRRP field and recomputes the checksum the way its version does, to get past the checksum. */
    private static byte[] vrrpField(byte[] p, int ihl, boolean ipv6, SplittableRandom r) {
        if (ihl < 20 || ihl + 8 > p.length) {
            return p;
        }
        int v = ihl;
        switch (r.nextInt(8)) {
            case 0 -> p[v] = (byte) (r.nextBoolean() ? new int[] {0x21, 0x31}[r.nextInt(2)] : r.nextInt(256));
            case 1 -> p[v + 1] = (byte) r.nextInt(256);
            case 2 -> p[v + 2] = (byte) new int[] {0, 255, r.nextInt(256)}[r.nextInt(3)];
            case 3 -> p[v + 3] = (byte) (r.nextBoolean() ? r.nextInt(8) : r.nextInt(256));
            case 4 -> p[v + 4] = (byte) r.nextInt(256);
            case 5 -> p[v + 5] = (byte) r.nextInt(256);
            case 6 -> {
                if (p.length > v + 8) {
                    p[v + 8 + r.nextInt(p.length - v - 8)] = (byte) r.nextInt(256);
                }
            }
            default -> {
                p[v + 2] = (byte) r.nextInt(256);
                p[v + 4] = (byte) r.nextInt(256);
                p[v + 5] = (byte) r.nextInt(256);
            }
        }
        fixChecksum(p, ihl, ipv6);
        return p;
    }

    /** Recomputes the VRRP checksum over what the packet claims to be its message (by version and count). */
    public static void fixChecksum(byte[] p, int ihl, boolean ipv6) {
        int version = (p[ihl] & 0xff) >>> 4;
        int msgLen = 8 + (p[ihl + 3] & 0xff) * (ipv6 ? 16 : 4) + (version == 2 ? 8 : 0);
        if (ihl + msgLen > p.length) {
            return;
        }
        p[ihl + 6] = 0;
        p[ihl + 7] = 0;
        int sum;
        if (version == 2) {
            sum = InternetChecksum.compute(p, ihl, msgLen);
        } else {
            byte[] src = Arrays.copyOfRange(p, ipv6 ? 8 : 12, ipv6 ? 24 : 16);
            byte[] dst = Arrays.copyOfRange(p, ipv6 ? 24 : 16, ipv6 ? 40 : 20);
            sum = VrrpCodec.v3Checksum(src, dst, ByteBuffer.wrap(p), ihl, msgLen);
        }
        p[ihl + 6] = (byte) (sum >>> 8);
        p[ihl + 7] = (byte) sum;
    }

}
