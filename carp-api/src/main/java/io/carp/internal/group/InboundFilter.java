package io.carp.internal.group;

import io.carp.DropReason;
import io.carp.internal.protocol.CarpAdvertisement;
import io.carp.internal.protocol.CarpAuthenticator;
import io.carp.internal.protocol.IpEnvelope;
import io.carp.internal.util.LogThrottle;
import java.lang.System.Logger.Level;
import java.net.InetAddress;

/**
 * The group's own checks on an advertisement that carries its vhid: not our own packet, and authenticated. Counts and
 * logs what it drops (authentication failures at most once a minute with a diagnosis, other drops at DEBUG at most
 * once a second). Protocol thread only.
 */
final class InboundFilter {
    private static final System.Logger LOG = System.getLogger(io.carp.CarpGroup.class.getName());
    private static final long AUTH_LOG_INTERVAL_NANOS = 60_000_000_000L;
    private static final long DROP_LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final String label;
    private final CarpAuthenticator authenticator;
    private final AuthDiagnosis diagnosis;
    private final DefaultCarpStats stats;
    private final LogThrottle authLog = new LogThrottle(AUTH_LOG_INTERVAL_NANOS);
    private final LogThrottle dropLog = new LogThrottle(DROP_LOG_INTERVAL_NANOS);

    InboundFilter(String label, CarpAuthenticator authenticator, AuthDiagnosis diagnosis, DefaultCarpStats stats) {
        this.label = label;
        this.authenticator = authenticator;
        this.diagnosis = diagnosis;
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
        if (!authenticator.verify(advertisement)) {
            stats.countDrop(DropReason.BAD_AUTH);
            if (authLog.tryAcquire(now)) {
                LOG.log(Level.WARNING, "{0}: advertisement from {1} failed authentication ({2} so far): {3}"
                                + " (logged at most once a minute)", label, envelope.source().getHostAddress(),
                        String.valueOf(stats.dropped(DropReason.BAD_AUTH)), diagnosis.explain(advertisement));
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
