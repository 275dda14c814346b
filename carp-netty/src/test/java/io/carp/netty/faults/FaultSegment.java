package io.carp.netty.faults;

import io.carp.netty.testing.LiveLab;

/** The segment of a fault test class: a {@link LiveLab} with one segment in {@value #SUBNET}0/24. */
final class FaultSegment {
    /** The /24 of the fault tests' hosts. */
    static final String SUBNET = "198.18.110.";

    private FaultSegment() {
    }

    /**
     * A lab with the segment and no host yet.
     *
     * @return the lab; close it
     */
    static LiveLab create() {
        LiveLab lab = new LiveLab();
        try {
            return lab.segment(SUBNET);
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }
}
