package io.carp.internal.group;

import io.carp.CarpClock;
import io.carp.CarpStats;

import io.carp.DropReason;

import io.carp.IpFamily;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** Counters written on the protocol thread (callback failures on the callback thread), read from anywhere. */
final class DefaultCarpStats implements CarpStats {
    private final AtomicLong ipv4In = new AtomicLong();
    private final AtomicLong ipv6In = new AtomicLong();
    private final AtomicLong ipv4Out = new AtomicLong();
    private final AtomicLong ipv6Out = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private final AtomicLongArray drops = new AtomicLongArray(DropReason.values().length);
    private final AtomicLong transitions = new AtomicLong();
    private final AtomicLong callbackFailures = new AtomicLong();
    private final AtomicLong addressFailures = new AtomicLong();
    private final AtomicLong addressListMismatches = new AtomicLong();
    private final AtomicLong claims = new AtomicLong();
    private final AtomicLong announcementRefreshes = new AtomicLong();
    private final AtomicLong releaseDelays = new AtomicLong();
    private volatile boolean draining;
    private volatile long lastAdvertisementNanos = Long.MIN_VALUE;
    private volatile long lastClaimDurationNanos = -1;
    private volatile long currentMasterDownNanos = -1;
    private volatile CarpClock clock;
    private volatile String authenticationMode = "";

    void authenticationMode(String mode) {
        this.authenticationMode = mode;
    }

    @Override
    public String authenticationMode() {
        return authenticationMode;
    }

    void clock(CarpClock groupClock) {
        this.clock = groupClock;
    }

    void claimed(long durationNanos) {
        claims.incrementAndGet();
        lastClaimDurationNanos = durationNanos;
    }

    void masterDown(long nanos) {
        currentMasterDownNanos = nanos;
    }

    void received(IpFamily family, long now) {
        (family == IpFamily.IPV4 ? ipv4In : ipv6In).incrementAndGet();
        lastAdvertisementNanos = now;
    }

    void sent(IpFamily family) {
        (family == IpFamily.IPV4 ? ipv4Out : ipv6Out).incrementAndGet();
    }

    void sendError() {
        sendErrors.incrementAndGet();
    }

    void countDrop(DropReason reason) {
        drops.incrementAndGet(reason.ordinal());
    }

    void transition() {
        transitions.incrementAndGet();
    }

    void callbackFailure() {
        callbackFailures.incrementAndGet();
    }

    void announcementRefreshed() {
        announcementRefreshes.incrementAndGet();
    }

    @Override
    public long announcementRefreshes() {
        return announcementRefreshes.get();
    }

    void drain(boolean started) {
        if (started) {
            releaseDelays.incrementAndGet();
        }
        draining = started;
    }

    @Override
    public long releaseDelays() {
        return releaseDelays.get();
    }

    @Override
    public boolean draining() {
        return draining;
    }

    void addressFailure() {
        addressFailures.incrementAndGet();
    }

    void addressListMismatch() {
        addressListMismatches.incrementAndGet();
    }

    @Override
    public long addressListMismatches() {
        return addressListMismatches.get();
    }

    @Override
    public long ipv4PacketsReceived() {
        return ipv4In.get();
    }

    @Override
    public long ipv6PacketsReceived() {
        return ipv6In.get();
    }

    @Override
    public long ipv4PacketsSent() {
        return ipv4Out.get();
    }

    @Override
    public long ipv6PacketsSent() {
        return ipv6Out.get();
    }

    @Override
    public long sendErrors() {
        return sendErrors.get();
    }

    @Override
    public long dropped(DropReason reason) {
        return drops.get(reason.ordinal());
    }

    @Override
    public long transitions() {
        return transitions.get();
    }

    @Override
    public long callbackFailures() {
        return callbackFailures.get();
    }

    @Override
    public long addressFailures() {
        return addressFailures.get();
    }

    @Override
    public long lastAdvertisementNanos() {
        return lastAdvertisementNanos;
    }

    @Override
    public long nanosSinceLastAdvertisement() {
        CarpClock c = clock;
        long last = lastAdvertisementNanos;
        return c == null || last == Long.MIN_VALUE ? -1 : c.nanoTime() - last;
    }

    @Override
    public long claims() {
        return claims.get();
    }

    @Override
    public long lastClaimDurationNanos() {
        return lastClaimDurationNanos;
    }

    @Override
    public long currentMasterDownNanos() {
        return currentMasterDownNanos;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CarpStats{in4=").append(ipv4In).append(", in6=").append(ipv6In)
                .append(", out4=").append(ipv4Out).append(", out6=").append(ipv6Out).append(", transitions=")
                .append(transitions).append(", callbackFailures=").append(callbackFailures);
        for (DropReason r : DropReason.values()) {
            long n = dropped(r);
            if (n != 0) {
                sb.append(", drop.").append(r.tag()).append('=').append(n);
            }
        }
        return sb.append('}').toString();
    }
}
