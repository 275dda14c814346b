package io.carp.netty.live;

import io.carp.AddressManager;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A user address hook (as a cloud API client would be) that only counts its calls. */
final class CountingAddressManager implements AddressManager {
    final AtomicInteger claims = new AtomicInteger();
    final AtomicInteger releases = new AtomicInteger();
    final AtomicInteger announces = new AtomicInteger();

    @Override
    public void claim(List<InetAddress> addresses) {
        claims.incrementAndGet();
    }

    @Override
    public void release(List<InetAddress> addresses) {
        releases.incrementAndGet();
    }

    @Override
    public void announce(List<InetAddress> addresses) {
        announces.incrementAndGet();
    }

    @Override
    public String toString() {
        return "hook{claims=" + claims + ", releases=" + releases + ", announces=" + announces + "}";
    }
}
