package io.carp.internal.group;

import io.carp.DropReason;
import io.carp.internal.protocol.CarpAdvertisement;
import io.carp.internal.protocol.IpEnvelope;
import io.carp.internal.util.LogThrottle;
import java.lang.System.Logger.Level;
import java.net.InetAddress;

/**
 * The group's own checks on an advertisement that carries its vhid: not our own packet, authenticated, and (in the
 * replay-protected mode) not a replay. Counts and logs what it drops (authentication failures and replays at most once
 * a minute each, with a diagnosis; other drops at DEBUG at most once a second). Protocol thread only.
 */
final class InboundFilter {
    private static final System.Logger LOG = System.getLogger(io.carp.CarpGroup.class.getName());
    private static final long AUTH_LOG_INTERVAL_NANOS = 60_000_000_000L;
    private static final long DROP_LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final String label;
    private final GroupAuthenticator authenticator;
    private final DefaultCarpStats stats;
    private final LogThrottle authLog = new LogThrottle(AUTH_LOG_INTERVAL_NANOS);
    private final LogThrottle replayLog = new LogThrottle(AUTH_LOG_INTERVAL_NANOS);
    private final LogThrottle dropLog = new LogThrottle(DROP_LOG_INTERVAL_NANOS);

    InboundFilter(String label, GroupAuthenticator authenticator, DefaultCarpStats stats) {
        this.label = label;
        this.authenticator = authenticator;
        this.stats = stats;
    }

    /**
     * Whether the advertisement is a peer's and authentic; if not, it has been counted and logged.
     *
     * @param self our own source address in the envelope's family, or {@code null}
     * @param now  the group clock's time, for the log throttles
     */
    boolean accept(IpEnvelope envelope, CarpAdvertisement advertisement, InetAddress self, long now) {
        if (envelope.source().equals(self)) {
            drop(DropReason.OWN_PACKET, envelope, now);
            return false;
        }
        DropReason refused = authenticator.open(envelope, advertisement);
        if (refused != null) {
            stats.countDrop(refused);
            LogThrottle throttle = refused == DropReason.REPLAY ? replayLog : authLog;
            if (throttle.tryAcquire(now)) {
                LOG.log(Level.WARNING, "{0}: advertisement from {1} {2} ({3} so far): {4} (logged at most once a"
                                + " minute)", label, envelope.source().getHostAddress(),
                        refused == DropReason.REPLAY ? "dropped as a replay" : "failed authentication",
                        String.valueOf(stats.dropped(refused)),
                        authenticator.explain(envelope, advertisement, refused));
            }
            return false;
        }
        return true;
    }

    /** Counts a packet meant for this group that was dropped, and logs it at DEBUG at most once a second. */
    void drop(DropReason reason, IpEnvelope envelope, long now) {
        stats.countDrop(reason);
        if (LOG.isLoggable(Level.DEBUG) && dropLog.tryAcquire(now)) {
            LOG.log(Level.DEBUG, "{0}: dropped packet ({1}) {2} (logged at most once a second)", label, reason.tag(),
                    envelope);
        }
    }
}
