package io.carp.testkit;

import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.internal.time.CarpTiming;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Builders and numbers shared by the tests. */
final class Vips {
    static final String PASSWORD = "testpass";
    static final String VIP1 = "198.18.1.50";
    static final String VIP2 = "198.18.1.51";
    static final Duration LINK_DELAY = PerfectLink.DEFAULT_DELAY;
    static final Duration ONE_TICK = Duration.ofNanos(CarpTiming.NANOS_PER_TICK);

    private Vips() {
    }

    /** A builder for vhid 1 / {@link #VIP1} or vhid 2 / {@link #VIP2}, advbase 1. */
    static CarpGroupBuilder group(int vhid, int advskew) {
        return CarpGroup.builder().vhid(vhid).password(PASSWORD).virtualAddress(vhid == 1 ? VIP1 : VIP2)
                .advskew(advskew);
    }

    /** {@code deadRatio*advbase + advskew/256} s. */
    static Duration masterDown(int advbase, int advskew) {
        return Duration.ofNanos(CarpTiming.ticksToNanos(CarpTiming.masterDownTicks(advbase, advskew, 3)));
    }

    /** {@code advbase + advskew/256} s. */
    static Duration interval(int advbase, int advskew) {
        return Duration.ofNanos(CarpTiming.ticksToNanos(CarpTiming.intervalTicks(advbase, advskew)));
    }

    static RecordedAdvertisement lastAdvertFrom(SimulatedNetwork network, String node, int vhid) {
        List<RecordedAdvertisement> from = network.advertisements().stream()
                .filter(a -> a.sender().equals(node) && a.vhid() == vhid).collect(Collectors.toList());
        if (from.isEmpty()) {
            throw new AssertionError(node + " never advertised vhid " + vhid);
        }
        return from.get(from.size() - 1);
    }

    static List<RecordedTransition> transitionsOf(SimulatedNetwork network, String node, int vhid) {
        return network.transitions().stream().filter(t -> t.node().equals(node) && t.vhid() == vhid)
                .collect(Collectors.toList());
    }

    static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }
}
