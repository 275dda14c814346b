package io.carp.testkit;

import java.util.HashMap;
import java.util.Map;

/** Per-vhid counts of address claims and announcements on one node, over all its lives. */
final class AddressCounters {
    private final Map<Integer, Long> claims = new HashMap<>();
    private final Map<Integer, Long> announcements = new HashMap<>();

    void claimed(int vhid) {
        claims.merge(vhid, 1L, Long::sum);
    }

    void announced(int vhid) {
        announcements.merge(vhid, 1L, Long::sum);
    }

    long claims(int vhid) {
        return claims.getOrDefault(vhid, 0L);
    }

    long announcements(int vhid) {
        return announcements.getOrDefault(vhid, 0L);
    }
}
