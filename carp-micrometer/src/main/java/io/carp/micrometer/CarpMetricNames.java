package io.carp.micrometer;

/**
 * Every meter name, tag key and fixed tag value that {@link CarpMeterBinder} registers. Names use Micrometer's dotted
 * form; a Prometheus registry renders {@code carp.packets.received} as {@code carp_packets_received_total} and the
 * time gauges with a {@code _seconds} suffix. {@code docs/METRICS.md} lists every meter with its type, tags and unit.
 *
 * <p>Every meter carries the tags {@link #TAG_VHID}, {@link #TAG_INTERFACE} and {@link #TAG_PROTOCOL}.
 */
public final class CarpMetricNames {

    /** The prefix of every meter name: {@value}. */
    public static final String PREFIX = "carp.";

    // ---------------------------------------------------------------- counters mirroring BSD struct carpstats

    /** FunctionCounter, tag {@link #TAG_FAMILY}: authenticated advertisements received ({@code carps_ipackets[6]}). */
    public static final String PACKETS_RECEIVED = PREFIX + "packets.received";
    /** FunctionCounter, tag {@link #TAG_FAMILY}: advertisements sent, bow-out included ({@code carps_opackets[6]}). */
    public static final String PACKETS_SENT = PREFIX + "packets.sent";
    /** FunctionCounter, tag {@link #TAG_REASON} = {@link io.carp.DropReason#tag()}: packets for this vhid dropped. */
    public static final String PACKETS_DROPPED = PREFIX + "packets.dropped";
    /** FunctionCounter: advertisements the runtime failed to send. */
    public static final String SEND_ERRORS = PREFIX + "send.errors";
    /** FunctionCounter: user callbacks that threw (the protocol went on). */
    public static final String CALLBACK_FAILURES = PREFIX + "callback.failures";
    /** FunctionCounter: failures to claim, release, announce or refresh the virtual addresses. */
    public static final String ADDRESS_FAILURES = PREFIX + "address.failures";

    // ---------------------------------------------------------------- state

    /**
     * Gauge, tag {@link #TAG_STATE}: one gauge per state, 1 for the current state and 0 for the others (the Resilience4j
     * scheme). A separate name from {@link #STATE_ORDER} because Prometheus wants one tag-key set per name.
     */
    public static final String STATE = PREFIX + "state";
    /** Gauge: the current state as its BSD order, INIT 0, BACKUP 1, MASTER 2 ({@link io.carp.CarpState#order()}). */
    public static final String STATE_ORDER = PREFIX + "state.order";
    /** FunctionCounter, tags {@link #TAG_FROM}, {@link #TAG_TO}, {@link #TAG_REASON}: state transitions. */
    public static final String TRANSITIONS = PREFIX + "transitions";
    /** Gauge: the current demotion, 0-240 (added to the advertised advskew). */
    public static final String DEMOTION = PREFIX + "demotion";

    // ---------------------------------------------------------------- timing and addresses

    /** TimeGauge: time since the last authenticated advertisement was heard; NaN if none yet. */
    public static final String ADVERTISEMENT_AGE = PREFIX + "advertisement.age";
    /** TimeGauge: how long the last successful claim of the virtual addresses took; NaN if none yet. */
    public static final String ADDRESS_CLAIM_DURATION = PREFIX + "address.claim.duration";
    /**
     * TimeGauge: the master-down interval in force ({@link io.carp.CarpStats#currentMasterDownNanos()}), the
     * configured {@code deadRatio*advbase + advskew/256} s unless {@code adaptToLoss} lengthened it; NaN before start.
     */
    public static final String MASTER_DOWN_INTERVAL = PREFIX + "master.down.interval";
    /** FunctionCounter: successful claims of the virtual addresses (each one is a MASTER takeover). */
    public static final String ADDRESS_CLAIMS = PREFIX + "address.claims";
    /**
     * FunctionCounter: drains begun after a bow-out, each one holding the virtual addresses for
     * {@link io.carp.CarpGroupBuilder#releaseDelay} ({@link io.carp.CarpStats#releaseDelays()}).
     */
    public static final String RELEASE_DELAYS = PREFIX + "release.delays";
    /** Gauge: 1 while the group holds its addresses after a bow-out ({@link io.carp.CarpStats#draining()}), else 0. */
    public static final String DRAINING = PREFIX + "draining";

    // ---------------------------------------------------------------- tag keys

    /** Tag key: the virtual host id, {@code "1"}-{@code "255"}. */
    public static final String TAG_VHID = "vhid";
    /** Tag key: the interface name, or {@code "-"} if the group has none (testkit). */
    public static final String TAG_INTERFACE = "interface";
    /**
     * Tag key: the group's protocol, {@link io.carp.Protocol#tag()}: {@code carp}, {@code vrrp2} or {@code vrrp3}
     * (for VRRP, {@link #TAG_VHID} is the VRID).
     */
    public static final String TAG_PROTOCOL = "protocol";
    /** Tag key: {@link #FAMILY_IPV4} or {@link #FAMILY_IPV6}. */
    public static final String TAG_FAMILY = "family";
    /** Tag key: a drop reason ({@link io.carp.DropReason#tag()}) or a transition's cause ({@link io.carp.StateChangeCause#tag()}). */
    public static final String TAG_REASON = "reason";
    /** Tag key: the state a transition left, lower case ({@code init}, {@code backup}, {@code master}). */
    public static final String TAG_FROM = "from";
    /** Tag key: the state a transition entered, lower case. */
    public static final String TAG_TO = "to";
    /** Tag key: a state, lower case, on {@link #STATE}. */
    public static final String TAG_STATE = "state";

    // ---------------------------------------------------------------- tag values

    /** Tag value of {@link #TAG_FAMILY}: {@value}. */
    public static final String FAMILY_IPV4 = "ipv4";
    /** Tag value of {@link #TAG_FAMILY}: {@value}. */
    public static final String FAMILY_IPV6 = "ipv6";

    private CarpMetricNames() {
    }
}
