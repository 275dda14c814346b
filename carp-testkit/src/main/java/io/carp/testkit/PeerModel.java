package io.carp.testkit;

import io.carp.testkit.internal.PeerRules;

/**
 * Whose election rules a {@link SimulatedPeer} follows: another CARP implementation, modelled from its source next to
 * the carp4j nodes of a {@link SimulatedNetwork}. The peers speak the real wire format (encoded and authenticated by
 * the shared codec, so they interoperate with carp4j nodes exactly as on a segment) but decide as the other
 * implementation does. What each model does, with the upstream functions it was read from:
 *
 * <ul>
 *   <li>{@link #ucarp()}: ucarp 1.5.2 ({@code src/carp.c}) on a little-endian host. Ties between two masters with
 *       equal intervals go to the lower {@code ip_src.s_addr} <em>read as a little-endian integer</em> (the last
 *       octet counts most: 198.18.2.1 beats 198.18.1.2, while network order says the opposite). The loser sends one
 *       last advertisement, then goes BACKUP. The demote byte is ignored and sent as 0. The master-down timer is
 *       only checked when its poll loop wakes up: after {@code advbase + advskew/256} s without a packet, or on any
 *       CARP packet, so a backup takes over up to one interval late (advbase 1, advskew 100: 4.17 s instead of
 *       3.39 s). Uses the builder's {@code deadRatio} (ucarp {@code -r}). Link down: BACKUP. A clean stop (SIGTERM)
 *       sends nothing.</li>
 *   <li>{@link #freebsd()}: FreeBSD's {@code ip_carp.c} ({@code carp_input_c}): a master steps down on an
 *       advertisement with an interval equal to or shorter than its own, so two equal masters <em>both</em> step
 *       down and race again; demotion is added to the advertised skew (capped at 240); no bow-out on a clean stop;
 *       dead ratio 3.</li>
 *   <li>{@link #openbsd()}: OpenBSD's {@code ip_carp.c} ({@code carp_proto_input_c}): the demotion is sent in the
 *       demote byte; a less demoted advertisement wins whatever its interval, and a backup takes over from a more
 *       demoted master even without preempt; equal masters both step down; a clean stop sends the bow-out
 *       advertisement (255/255); dead ratio 3.</li>
 * </ul>
 *
 * <p>Limits of the models: IPv4 only (one or more IPv4 virtual addresses; ucarp hashes exactly one); timers fire on
 * time (no pcap buffering, no scheduler latency) apart from ucarp's poll loop; no unicast peers; ucarp's
 * {@code --neutral}, suppress-preempt and scripts are not modelled. Like a carp4j node's, a peer's addresses carry a
 * kernel lifetime of its master-down interval renewed by each advertisement it sends, so a killed peer loses them;
 * a real ucarp up-script usually adds them for good.
 */
public final class PeerModel {
    private static final PeerModel UCARP = new PeerModel(PeerRules.Kind.UCARP, "ucarp");
    private static final PeerModel FREEBSD = new PeerModel(PeerRules.Kind.FREEBSD, "FreeBSD");
    private static final PeerModel OPENBSD = new PeerModel(PeerRules.Kind.OPENBSD, "OpenBSD");

    private final PeerRules.Kind kind;
    private final String name;

    private PeerModel(PeerRules.Kind kind, String name) {
        this.kind = kind;
        this.name = name;
    }

    /** ucarp 1.5.2 on a little-endian host (see the class description). */
    public static PeerModel ucarp() {
        return UCARP;
    }

    /** FreeBSD's kernel CARP (see the class description). */
    public static PeerModel freebsd() {
        return FREEBSD;
    }

    /** OpenBSD's kernel CARP (see the class description). */
    public static PeerModel openbsd() {
        return OPENBSD;
    }

    /** The implementation's name: {@code ucarp}, {@code FreeBSD} or {@code OpenBSD}. */
    public String name() {
        return name;
    }

    /** Whether a peer of this model acts on a demotion ({@link SimulatedPeer#setDemotion}); ucarp has none. */
    public boolean supportsDemotion() {
        return kind != PeerRules.Kind.UCARP;
    }

    PeerRules.Kind kind() {
        return kind;
    }

    @Override
    public String toString() {
        return name;
    }
}
