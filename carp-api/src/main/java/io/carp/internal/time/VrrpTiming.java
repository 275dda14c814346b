package io.carp.internal.time;

/**
 * VRRP's timer arithmetic, written once, in nanoseconds. Intervals are held in centiseconds for both versions
 * (VRRPv2's whole seconds times 100).
 *
 * <ul>
 *   <li>VRRPv3 (RFC 9568 §6.1): {@code Skew_Time = ((256 - Priority) * Active_Adver_Interval) / 256} and
 *       {@code Active_Down_Interval = 3 * Active_Adver_Interval + Skew_Time}, where the interval is the one learned
 *       from the master's advertisements.</li>
 *   <li>VRRPv2 (RFC 3768 §6.1): {@code Skew_Time = (256 - Priority) / 256} seconds, not scaled by the interval, and
 *       {@code Master_Down_Interval = 3 * Advertisement_Interval + Skew_Time}. keepalived's {@code VRRP_TIMER_SKEW}
 *       (keepalived/include/vrrp.h) makes the same distinction.</li>
 * </ul>
 * JDK only, like {@link CarpTiming}, so that the public configuration can state a group's intervals. The skew is
 * computed in nanoseconds without rounding to centiseconds first (keepalived rounds to microseconds).
 */
public final class VrrpTiming {
    /** Nanoseconds per centisecond. */
    public static final long NANOS_PER_CENTI = 10_000_000L;
    /** Centiseconds per second. */
    public static final int CENTIS_PER_SECOND = 100;
    /** VRRP version 2, whose skew does not scale with the interval. */
    private static final int VERSION_2 = 2;
    /** How many advertisement intervals a backup waits before the skew (RFC 9568 §6.1). */
    public static final int DOWN_INTERVALS = 3;

    private VrrpTiming() {
    }

    /**
     * A centisecond count in nanoseconds.
     *
     * @param centis centiseconds
     * @return nanoseconds
     */
    public static long centisToNanos(long centis) {
        return centis * NANOS_PER_CENTI;
    }

    /**
     * Skew_Time.
     *
     * @param version              2 or 3
     * @param priority             the local (effective) priority, 0-255
     * @param masterIntervalCentis the master's advertisement interval, centiseconds (ignored for VRRPv2)
     * @return the skew in nanoseconds
     */
    public static long skewNanos(int version, int priority, int masterIntervalCentis) {
        long scale = version == VERSION_2 ? centisToNanos(CENTIS_PER_SECOND)
                : centisToNanos(masterIntervalCentis);
        return (256L - priority) * scale / 256;
    }

    /**
     * Master_Down_Interval (Active_Down_Interval in RFC 9568).
     *
     * @param version              2 or 3
     * @param priority             the local (effective) priority, 0-255
     * @param masterIntervalCentis the master's advertisement interval, centiseconds
     * @return {@code 3 * interval + skew}, in nanoseconds
     */
    public static long masterDownNanos(int version, int priority, int masterIntervalCentis) {
        return DOWN_INTERVALS * centisToNanos(masterIntervalCentis)
                + skewNanos(version, priority, masterIntervalCentis);
    }
}
