package io.carp.internal.time;

/**
 * CARP's timer arithmetic, written once. Time is counted in <em>ticks</em> of 1/256 s (the unit of advskew) and
 * converted to nanoseconds exactly (1/256 s = 3,906,250 ns).
 *
 * <ul>
 *   <li>Advertisement interval: {@code advbase + advskew/256} s (BSD {@code carp_send_ad}, ucarp {@code carp_setrun}).</li>
 *   <li>Master-down interval: {@code deadRatio * advbase + advskew/256} s (ucarp {@code -r}; the BSD kernels use a
 *       ratio of 3). The skew is not multiplied.</li>
 *   <li>advbase 0 is OpenBSD's sub-second mode: the master-down interval is then {@code deadRatio * advskew/256} s
 *       (OpenBSD {@code carp_setrun}: {@code 3*advskew/256}, or 3/256 s if the skew is 0 too).</li>
 * </ul>
 */
public final class CarpTiming {
    /** Nanoseconds per tick of 1/256 s. */
    public static final long NANOS_PER_TICK = 1_000_000_000L / 256;

    private CarpTiming() {
    }

    /**
     * The advertisement interval in ticks.
     *
     * @param advbase seconds, 0-255
     * @param advskew 1/256 s, 0-255
     * @return {@code advbase*256 + advskew}, or 1 if both are 0 (OpenBSD's floor)
     */
    public static int intervalTicks(int advbase, int advskew) {
        int ticks = advbase * 256 + advskew;
        return ticks == 0 ? 1 : ticks;
    }

    /**
     * The master-down interval in ticks: how long a backup waits without hearing the master.
     *
     * @param advbase   seconds, 0-255
     * @param advskew   1/256 s, 0-255 (the configured skew, not the demoted one, as in FreeBSD {@code carp_setrun})
     * @param deadRatio how many advbase intervals may be missed (ucarp {@code -r}, default 3)
     * @return the interval in ticks
     */
    public static int masterDownTicks(int advbase, int advskew, int deadRatio) {
        if (advbase == 0) {
            return deadRatio * (advskew == 0 ? 1 : advskew);
        }
        return deadRatio * advbase * 256 + advskew;
    }

    /**
     * Converts ticks to nanoseconds.
     *
     * @param ticks a duration in 1/256 s
     * @return the same duration in nanoseconds
     */
    public static long ticksToNanos(long ticks) {
        return ticks * NANOS_PER_TICK;
    }
}
