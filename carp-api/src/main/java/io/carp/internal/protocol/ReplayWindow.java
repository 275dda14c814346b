package io.carp.internal.protocol;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The anti-replay state of a replay-protected group: for each sender (its IP source address, which the MAC covers),
 * the newest epoch heard and, in it, the highest sequence number and a 64-bit bitmap of the ones just below it (the
 * sliding window of RFC 4303 section 3.4.3, kept per sender because every CARP node advertises on its own).
 *
 * <p>Epochs and sequence numbers are compared as unsigned 64-bit numbers. A newer epoch (the sender restarted) is
 * accepted and starts a fresh window; an older one is a replay. Only {@link #accept} changes the state, and the caller
 * calls it only after the MAC verified, so forged packets cannot move a window. At most {@link #MAX_SENDERS} senders
 * are remembered; beyond that the one heard least recently is forgotten (and {@link #evictions()} counts it): a
 * group with that many authenticated senders is misconfigured. Not thread-safe: used on the group's protocol thread.
 */
public final class ReplayWindow {
    /** How many sequence numbers below the highest one are still accepted once each (reordering). */
    public static final int WINDOW = 64;
    /** Senders remembered at most. */
    public static final int MAX_SENDERS = 64;

    /** What {@link #check} and {@link #accept} decided. */
    public enum Verdict {
        /** Newer than anything heard from the sender (or the first packet from it). */
        FRESH,
        /** The sender's epoch is newer than the one remembered: it restarted. */
        NEW_EPOCH,
        /** Inside the window and not seen before: reordered, accepted once. */
        REORDERED,
        /** Seen before, older than the window, or from an older epoch. */
        REPLAY;

        /** Whether the packet is accepted. */
        public boolean accepted() {
            return this != REPLAY;
        }
    }

    private static final class Sender {
        long epoch;
        long top;
        long bitmap;

        Sender(long epoch, long seq) {
            this.epoch = epoch;
            this.top = seq;
            this.bitmap = 1L;
        }
    }

    private final Map<InetAddress, Sender> senders = new LinkedHashMap<>(16, 0.75f, true);
    private long evictions;

    /**
     * What {@link #accept} would decide, without changing anything.
     *
     * @param sender the sender's source address
     * @param epoch  the packet's epoch
     * @param seq    the packet's sequence number
     * @return the verdict
     */
    public Verdict check(InetAddress sender, long epoch, long seq) {
        Sender s = senders.get(sender);
        if (s == null) {
            return Verdict.FRESH;
        }
        int byEpoch = Long.compareUnsigned(epoch, s.epoch);
        if (byEpoch > 0) {
            return Verdict.NEW_EPOCH;
        }
        if (byEpoch < 0) {
            return Verdict.REPLAY;
        }
        if (Long.compareUnsigned(seq, s.top) > 0) {
            return Verdict.FRESH;
        }
        long behind = s.top - seq;
        if (Long.compareUnsigned(behind, WINDOW) >= 0 || (s.bitmap & (1L << behind)) != 0) {
            return Verdict.REPLAY;
        }
        return Verdict.REORDERED;
    }

    /**
     * Decides and, if the packet is accepted, records it.
     *
     * @param sender the sender's source address (authenticated by the MAC)
     * @param epoch  the packet's epoch
     * @param seq    the packet's sequence number
     * @return the verdict; {@link Verdict#REPLAY} changes nothing
     */
    public Verdict accept(InetAddress sender, long epoch, long seq) {
        Verdict verdict = check(sender, epoch, seq);
        switch (verdict) {
            case REPLAY:
                break;
            case NEW_EPOCH:
                senders.put(sender, new Sender(epoch, seq));
                break;
            case REORDERED: {
                Sender s = senders.get(sender);
                s.bitmap |= 1L << (s.top - seq);
                break;
            }
            case FRESH: {
                Sender s = senders.get(sender);
                if (s == null) {
                    if (senders.size() >= MAX_SENDERS) {
                        InetAddress eldest = senders.keySet().iterator().next();
                        senders.remove(eldest);
                        evictions++;
                    }
                    senders.put(sender, new Sender(epoch, seq));
                } else {
                    long shift = seq - s.top;
                    s.bitmap = Long.compareUnsigned(shift, WINDOW) >= 0 ? 1L : (s.bitmap << shift) | 1L;
                    s.top = seq;
                }
                break;
            }
            default:
                throw new AssertionError(verdict);
        }
        return verdict;
    }

    /**
     * The epoch last accepted from a sender.
     *
     * @param sender the sender
     * @return the epoch, or empty if nothing was accepted from it
     */
    public java.util.OptionalLong epochOf(InetAddress sender) {
        Sender s = senders.get(sender);
        return s == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(s.epoch);
    }

    /** How many senders are remembered. */
    public int size() {
        return senders.size();
    }

    /** How many senders were forgotten because more than {@link #MAX_SENDERS} were heard. */
    public long evictions() {
        return evictions;
    }
}
