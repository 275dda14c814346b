package io.carp.internal.group;

import io.carp.AddressManager;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Records every call as {@code "claim"}, {@code "release"}, {@code "announce"} or {@code "refresh"}. */
final class RecordingAddressManager implements AddressManager {
    final List<String> calls = new ArrayList<>();
    boolean failClaim;
    boolean failRelease;
    boolean failAnnounce;
    boolean failRefresh;

    @Override
    public void claim(List<InetAddress> addresses) {
        calls.add("claim");
        if (failClaim) {
            throw new IllegalStateException("RTM_NEWADDR: Operation not permitted (test)");
        }
    }

    @Override
    public void release(List<InetAddress> addresses) {
        calls.add("release");
        if (failRelease) {
            throw new IllegalStateException("RTM_DELADDR failed (test)");
        }
    }

    @Override
    public void announce(List<InetAddress> addresses) {
        calls.add("announce");
        if (failAnnounce) {
            throw new IllegalStateException("announce failed (test)");
        }
    }

    @Override
    public void refresh(List<InetAddress> addresses) {
        calls.add("refresh");
        if (failRefresh) {
            throw new IllegalStateException("refresh failed (test)");
        }
    }

    /** The calls other than "refresh", which follows every advert of a master. */
    List<String> changes() {
        return calls.stream().filter(c -> !c.equals("refresh")).toList();
    }
}
