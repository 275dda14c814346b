package io.carp;

import io.carp.internal.time.CarpTiming;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The immutable, validated configuration of one CARP group, produced by {@link CarpGroupBuilder#build()}.
 *
 * <p>{@link #toString()} never shows the password.
 */
public final class CarpConfig {
    /** Default advertisement base interval: {@value} s (BSD {@code CARP_DFLTINTV}). */
    public static final int DEFAULT_ADVBASE = 1;
    /** Default advertisement skew: {@value} (in 1/256 s). */
    public static final int DEFAULT_ADVSKEW = 0;
    /** Default dead ratio: {@value} missed intervals before a backup takes over (ucarp {@code -r}). */
    public static final int DEFAULT_DEAD_RATIO = 3;
    /**
     * Default timeout of one health-check run: 5 s. A run that has not answered by then counts as failing (see
     * {@link CarpGroupBuilder#healthCheck(String, HealthCheck, Duration, Duration, int)}).
     */
    public static final Duration DEFAULT_HEALTH_CHECK_TIMEOUT = Duration.ofSeconds(5);

    private final String interfaceName;
    private final int vhid;
    private final byte[] password;
    private final List<InetAddress> virtualAddresses;
    private final int advbase;
    private final int advskew;
    private final boolean preempt;
    private final int deadRatio;
    private final int demotion;
    private final InetAddress sourceAddress;
    private final boolean manageAddresses;
    private final List<InetAddress> unicastPeers;
    private final boolean adaptToLoss;
    private final boolean ignoreLinkState;

    CarpConfig(String interfaceName, int vhid, byte[] password, List<InetAddress> virtualAddresses, int advbase,
               int advskew, boolean preempt, int deadRatio, int demotion, InetAddress sourceAddress,
               boolean manageAddresses, List<InetAddress> unicastPeers, boolean adaptToLoss,
               boolean ignoreLinkState) {
        this.interfaceName = interfaceName;
        this.vhid = vhid;
        this.password = password.clone();
        this.virtualAddresses = List.copyOf(virtualAddresses);
        this.advbase = advbase;
        this.advskew = advskew;
        this.preempt = preempt;
        this.deadRatio = deadRatio;
        this.demotion = demotion;
        this.sourceAddress = sourceAddress;
        this.manageAddresses = manageAddresses;
        this.unicastPeers = List.copyOf(unicastPeers);
        this.adaptToLoss = adaptToLoss;
        this.ignoreLinkState = ignoreLinkState;
    }

    /**
     * Whether a backup lengthens its master-down interval while it measures heavy advert loss, so that loss does not
     * cause takeovers and flapping (default {@code false}; see {@link CarpGroupBuilder#adaptToLoss}).
     */
    public boolean adaptToLoss() {
        return adaptToLoss;
    }

    /**
     * Whether the group ignores the interface's link state (ucarp's {@code --ignoreifstate}): it neither goes to INIT
     * when the link goes down or loses carrier nor waits for it at start (default {@code false}).
     */
    public boolean ignoreLinkState() {
        return ignoreLinkState;
    }

    /**
     * Unicast peers (FreeBSD 14 {@code peer}/{@code peer6}): if not empty, adverts go to each of these addresses
     * instead of 224.0.0.18 / ff02::12 (per family: a family without peers stays multicast), and adverts received
     * from these peers are not required to have TTL 255, since they may cross a router (FreeBSD skips the check
     * for any source in unicast mode; the Linux runtime only for the configured peers). Empty by default: multicast.
     */
    public List<InetAddress> unicastPeers() {
        return unicastPeers;
    }

    /** Whether adverts go to unicast peers rather than the multicast group. */
    public boolean isUnicast() {
        return !unicastPeers.isEmpty();
    }

    /** The network interface the group runs on, e.g. {@code eth0}; the testkit may leave it unset. */
    public Optional<String> interfaceName() {
        return Optional.ofNullable(interfaceName);
    }

    /** The interface name, or {@code "-"} if unset: for logs. */
    public String interfaceLabel() {
        return interfaceName == null ? "-" : interfaceName;
    }

    /** Virtual host id, 1-255. */
    public int vhid() {
        return vhid;
    }

    /** A copy of the password bytes (1-19 bytes): the HMAC-SHA1 key. */
    public byte[] password() {
        return password.clone();
    }

    /** The virtual addresses (IPv4 and/or IPv6) that move together with this group, in configuration order. */
    public List<InetAddress> virtualAddresses() {
        return virtualAddresses;
    }

    /** Advertisement base interval in seconds, 0-255 (0 = sub-second mode). */
    public int advbase() {
        return advbase;
    }

    /** Advertisement skew in 1/256 s, 0-254. Lower advertises faster and so wins elections. */
    public int advskew() {
        return advskew;
    }

    /** Whether a backup that advertises faster than the current master takes over from it. */
    public boolean preempt() {
        return preempt;
    }

    /** How many advbase intervals a backup waits before declaring the master dead (ucarp {@code -r}). */
    public int deadRatio() {
        return deadRatio;
    }

    /** The initial demotion (0-240) added to the advertised advskew. */
    public int demotion() {
        return demotion;
    }

    /** The source address adverts are sent from (ucarp {@code --srcip}); empty means the interface's primary one. */
    public Optional<InetAddress> sourceAddress() {
        return Optional.ofNullable(sourceAddress);
    }

    /** Whether the runtime adds and removes the virtual addresses on the interface itself (default {@code true}). */
    public boolean manageAddresses() {
        return manageAddresses;
    }

    /** The master's advertisement interval, {@code advbase + advskew/256} s (without demotion). */
    public Duration advertisementInterval() {
        return Duration.ofNanos(CarpTiming.ticksToNanos(CarpTiming.intervalTicks(advbase, advskew)));
    }

    /**
     * How long a backup waits without adverts before taking over, {@code deadRatio*advbase + advskew/256} s, as
     * configured. With {@link #adaptToLoss()} the wait in force may be longer: see
     * {@link CarpStats#currentMasterDownNanos()}.
     */
    public Duration masterDownInterval() {
        return Duration.ofNanos(CarpTiming.ticksToNanos(CarpTiming.masterDownTicks(advbase, advskew, deadRatio)));
    }

    @Override
    public String toString() {
        return "CarpConfig{interface=" + interfaceLabel() + ", vhid=" + vhid + ", password=<" + password.length
                + " bytes, redacted>, addresses=" + virtualAddresses.stream().map(InetAddress::getHostAddress).toList()
                + ", advbase=" + advbase + ", advskew=" + advskew + ", preempt=" + preempt + ", deadRatio="
                + deadRatio + ", demotion=" + demotion + ", source="
                + (sourceAddress == null ? "auto" : sourceAddress.getHostAddress())
                + ", manageAddresses=" + manageAddresses + ", adaptToLoss=" + adaptToLoss
                + (ignoreLinkState ? ", ignoreLinkState=true" : "")
                + (unicastPeers.isEmpty() ? "" : ", unicastPeers="
                + unicastPeers.stream().map(InetAddress::getHostAddress).toList()) + "}";
    }
}
