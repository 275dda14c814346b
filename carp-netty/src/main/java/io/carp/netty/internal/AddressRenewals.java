package io.carp.netty.internal;

import io.carp.netty.internal.linux.NativeException;
import io.carp.netty.internal.linux.RtNetlink;
import io.netty.channel.EventLoop;
import java.lang.System.Logger.Level;
import java.util.Arrays;

/**
 * The address renewals of every group on one interface, sent together once per turn of the loop: the groups whose
 * adverts fall in one wake-up (with {@code alignAdverts}, all groups of the same interval) renew in one rtnetlink
 * datagram per {@link RtNetlink#MAX_BATCH} addresses, without acknowledgements (the kernel reports only failures; see
 * {@link RtNetlink#sendUnacknowledged}), instead of one request and one acknowledgement per group.
 *
 * <p>Sent on the protocol thread, in a task queued behind the turn's due timers (so after that turn's adverts, which
 * leave as one burst): a request is handled by the kernel inside the {@code sendmsg} call, without waiting for
 * anything, so a separate thread would only add a thread wake-up per batch. A failure reaches the group in the same
 * turn: {@link KernelAddressManager#renewalFailed} records it and asks the group to renew again, which throws it,
 * and the group demotes itself as before. A group that claimed or released its addresses after queueing its renewal
 * (its renewal array changed) is left out, so a renewal never re-adds an address released in the same turn.
 *
 * <p>Loop thread only. Allocates nothing in steady state (the arrays grow to the number of addresses once).
 */
final class AddressRenewals {
    private static final System.Logger LOG = System.getLogger(AddressRenewals.class.getName());

    private final RtNetlink netlink;
    private final EventLoop loop;
    private RtNetlink.AddressRequest[] requests = new RtNetlink.AddressRequest[64];
    private KernelAddressManager[] owners = new KernelAddressManager[64];
    /** The owner's renewal array when the request was queued: a different one now means claimed or released since. */
    private Object[] generations = new Object[64];
    private int size;
    private boolean queued;
    private final Runnable flush = this::flush;

    AddressRenewals(RtNetlink netlink, EventLoop loop) {
        this.netlink = netlink;
        this.loop = loop;
    }

    /**
     * Queues a group's renewals for the end of this turn.
     *
     * @param owner    the group's address manager
     * @param renewals its renewal requests (its current array; see the class comment)
     */
    void add(KernelAddressManager owner, RtNetlink.AddressRequest[] renewals) {
        if (renewals.length == 0) {
            return;
        }
        if (size + renewals.length > requests.length) {
            int capacity = Math.max(requests.length * 2, size + renewals.length);
            requests = Arrays.copyOf(requests, capacity);
            owners = Arrays.copyOf(owners, capacity);
            generations = Arrays.copyOf(generations, capacity);
        }
        for (RtNetlink.AddressRequest r : renewals) {
            requests[size] = r;
            owners[size] = owner;
            generations[size] = renewals;
            size++;
        }
        if (!queued) {
            queued = true;
            try {
                loop.execute(flush);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                flush(); // the loop is shutting down
            }
        }
    }

    /** Sends what was queued this turn; tells each group whose renewal failed. */
    void flush() {
        queued = false;
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (owners[i].renewalsQueued() == generations[i]) {
                requests[n] = requests[i];
                owners[n] = owners[i];
                generations[n] = generations[i];
                n++;
            }
        }
        boolean anyFailed = false;
        for (int from = 0; from < n; from += RtNetlink.MAX_BATCH) {
            int count = Math.min(RtNetlink.MAX_BATCH, n - from);
            try {
                if (netlink.sendUnacknowledged(requests, from, count) == 0) {
                    continue;
                }
                for (int i = from; i < from + count; i++) {
                    NativeException f = requests[i].failure();
                    if (f != null) {
                        owners[i].noteRenewalFailure(f);
                        anyFailed = true;
                    }
                }
            } catch (RuntimeException e) {
                for (int i = from; i < from + count; i++) {
                    owners[i].noteRenewalFailure(e);
                }
                anyFailed = true;
            }
        }
        if (anyFailed) {
            for (int i = 0; i < n; i++) {
                try {
                    owners[i].renewalFailed(); // once per group: the first call reports, the others find nothing
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "reporting a failed address renewal: " + e, e);
                }
            }
        }
        Arrays.fill(requests, 0, size, null);
        Arrays.fill(owners, 0, size, null);
        Arrays.fill(generations, 0, size, null);
        size = 0;
    }
}
