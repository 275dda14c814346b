package io.carp.internal.group;

import io.carp.AddressManager;
import io.carp.CarpConfig;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Claims, renews, releases and announces a group's virtual addresses through its {@link AddressManager}, and applies
 * the address-failure policy: a master that cannot add its addresses, or cannot renew their kernel lifetime, demotes
 * itself by {@link #CLAIM_FAILURE_DEMOTION} (FreeBSD's senderr/ifdown factor) so that a healthy peer takes over before
 * the addresses expire, and lifts that demotion when a later claim or renewal succeeds. Protocol thread only.
 */
final class AddressKeeper {
    private static final System.Logger LOG = System.getLogger(io.carp.CarpGroup.class.getName());
    /** The demotion a group gives itself when it cannot add its addresses, or cannot renew them as a master. */
    static final int CLAIM_FAILURE_DEMOTION = 240;

    /** Sets or clears one part of the demotion on the next turn of the loop (not from inside the machine). */
    interface DemotionControl {
        void setLater(String source, int amount, String reason);
    }

    private final String label;
    private final List<InetAddress> addresses;
    private final Supplier<AddressManager> manager;
    private final DefaultCarpStats stats;
    private final DemotionControl demotion;
    private final LongSupplier clock;
    /** {@link CarpConfig#announceRefresh} in the clock's nanoseconds, or 0 for none. */
    private final long refreshNanos;
    /** How early a refresh may come: a tenth of the period, at most 100 ms. */
    private final long refreshSlackNanos;
    /** When the addresses were last announced (claim, announce or refresh), on the clock. */
    private long lastAnnounced;

    AddressKeeper(String label, CarpConfig config, Supplier<AddressManager> manager, DefaultCarpStats stats,
                  DemotionControl demotion, LongSupplier clock) {
        this.label = label;
        this.addresses = config.virtualAddresses();
        this.manager = manager;
        this.stats = stats;
        this.demotion = demotion;
        this.clock = clock;
        this.refreshNanos = config.announceRefresh().map(java.time.Duration::toNanos).orElse(0L);
        this.refreshSlackNanos = Math.min(refreshNanos / 10, 100_000_000L);
        if (refreshNanos > 0) {
            LOG.log(Level.INFO, "{0}: a MASTER announces its addresses again every {1} ms (announceRefresh)", label,
                    refreshNanos / 1_000_000);
        }
    }

    /** Becoming MASTER: adds and announces the addresses, timing the claim. */
    void claim() {
        try {
            long begin = clock.getAsLong();
            manager.get().claim(addresses);
            lastAnnounced = clock.getAsLong();
            stats.claimed(lastAnnounced - begin);
        } catch (RuntimeException e) {
            failure("add", e);
            // So as not to advertise as a master that does not hold its addresses: healthy peers take over.
            demotion.setLater(DemotionSources.ADDRESS_CLAIM, CLAIM_FAILURE_DEMOTION, "could not add the virtual addresses");
            return;
        }
        demotion.setLater(DemotionSources.ADDRESS_CLAIM, 0, "virtual addresses added again");
        demotion.setLater(DemotionSources.ADDRESS_REFRESH, 0, "virtual addresses added again");
    }

    /**
     * After each advertisement a MASTER sends: renews the addresses' kernel lifetime, and announces them again if
     * {@link CarpConfig#announceRefresh} has passed since they were last announced.
     */
    void refresh() {
        // Due a little early rather than one advert late: adverts keep their schedule (a late wake-up does not move
        // the next deadline), so an advert one refresh period after the last announcement may fall a few
        // microseconds short of it, and a strict comparison would then announce only every second period.
        if (refreshNanos > 0 && clock.getAsLong() - lastAnnounced >= refreshNanos - refreshSlackNanos) {
            announce();
            stats.announcementRefreshed();
        }
        try {
            manager.get().refresh(addresses);
        } catch (RuntimeException e) {
            failure("refresh", e);
            // The kernel lifetime of the addresses is running out: step aside before they vanish, as for a failed
            // claim, rather than go on advertising as a master without them.
            demotion.setLater(DemotionSources.ADDRESS_REFRESH, CLAIM_FAILURE_DEMOTION,
                    "could not renew the virtual addresses");
            return;
        }
        demotion.setLater(DemotionSources.ADDRESS_REFRESH, 0, "virtual addresses renewed again");
    }

    /**
     * During a drain after a bow-out ({@link CarpConfig#releaseDelay}): renews the addresses' kernel lifetime, with
     * no announcement and no demotion on failure (the group no longer advertises), only counted and logged.
     */
    void renew() {
        try {
            manager.get().refresh(addresses);
        } catch (RuntimeException e) {
            failure("renew", e);
        }
    }

    /** Leaving MASTER: removes the addresses. */
    void release() {
        try {
            manager.get().release(addresses);
        } catch (RuntimeException e) {
            failure("remove", e);
        }
    }

    /** Announces the addresses again (gratuitous ARP / unsolicited NA). */
    void announce() {
        lastAnnounced = clock.getAsLong();
        try {
            manager.get().announce(addresses);
        } catch (RuntimeException e) {
            failure("announce", e);
        }
    }

    private void failure(String what, RuntimeException e) {
        stats.addressFailure();
        LOG.log(Level.WARNING, "{0}: could not {1} {2}: {3}", label, what,
                addresses.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", ", "[", "]")),
                e.getMessage());
    }
}
