package io.carp;

import io.carp.internal.crypto.Secrets;
import io.carp.internal.time.CarpTiming;
import io.carp.internal.time.VrrpTiming;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The immutable, validated configuration of one CARP or VRRP group, produced by {@link CarpGroupBuilder#build()}.
 * The CARP fields ({@link #advbase()}, {@link #advskew()}, {@link #deadRatio()}, {@link #adaptToLoss()}) are 0 or
 * {@code false} for VRRP; the VRRP fields ({@link #priority()}, {@link #vrrpIntervalCentis()}) are 0 for CARP.
 *
 * <p>There is no getter for the password, and {@link #toString()} shows only the authentication mode. The group
 * zeroes this object's copy of the password when it closes.
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
    /** Default VRRP priority: {@value} (RFC 9568 §6.1, keepalived). */
    public static final int DEFAULT_PRIORITY = 100;
    /** Default VRRP advertisement interval: 1 s (RFC 9568 §6.1). */
    public static final Duration DEFAULT_VRRP_INTERVAL = Duration.ofSeconds(1);

    private final Protocol protocol;
    private final int priority;
    private final int vrrpIntervalCentis;
    private final boolean acceptMode;

    /** Length of the CARP HMAC-SHA1 key buffer: {@code noPassword()} is this many zero bytes (BSD {@code CARP_KEY_LEN}). */
    static final int KEY_LENGTH = 20;

    static {
        Secrets.installConfigAccess(config -> {
            byte[] p = ((CarpConfig) config).password;
            return p == null ? null : p.clone();
        }, config -> {
            byte[] p = ((CarpConfig) config).password;
            if (p != null) {
                java.util.Arrays.fill(p, (byte) 0);
            }
        });
    }

    private final String interfaceName;
    private final int vhid;
    private final byte[] password;
    private final Authentication authentication;
    private final boolean noPassword;
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
    private final boolean virtualMac;
    private final Duration announceRefresh;
    private final boolean alignAdverts;
    private final Duration releaseDelay;

    CarpConfig(Protocol protocol, String interfaceName, int vhid, byte[] password, Authentication authentication,
               List<InetAddress> virtualAddresses, int advbase,
               int advskew, boolean preempt, int deadRatio, int demotion, InetAddress sourceAddress,
               boolean manageAddresses, List<InetAddress> unicastPeers, boolean adaptToLoss,
               boolean ignoreLinkState, int priority, int vrrpIntervalCentis, boolean acceptMode,
               boolean virtualMac, Duration announceRefresh, Duration releaseDelay, boolean alignAdverts) {
        this.protocol = protocol;
        this.priority = priority;
        this.vrrpIntervalCentis = vrrpIntervalCentis;
        this.acceptMode = acceptMode;
        this.interfaceName = interfaceName;
        this.vhid = vhid;
        this.password = password == null ? null : password.clone();
        this.authentication = authentication;
        this.noPassword = password != null && !protocol.isVrrp() && isAllZero(password);
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
        this.virtualMac = virtualMac;
        this.announceRefresh = announceRefresh;
        this.releaseDelay = releaseDelay == null ? Duration.ZERO : releaseDelay;
        this.alignAdverts = alignAdverts;
    }

    /**
     * How long a MASTER keeps its virtual addresses after the bow-out advertisement of a clean stop or an operator
     * step-down, so that requests it already accepted can still be answered; {@link Duration#ZERO} (the default) for
     * none: the addresses go with the bow-out. See {@link CarpGroupBuilder#releaseDelay}.
     */
    public Duration releaseDelay() {
        return releaseDelay;
    }

    /**
     * Whether the runtime gives the group a virtual MAC address: a macvlan interface it creates and removes, holding
     * the virtual addresses, answering ARP / neighbour solicitations and sending the adverts with the MAC
     * {@code 00:00:5e:00:01:<vhid>} (default {@code false}; see {@link CarpGroupBuilder#virtualMac}).
     *
     * @return whether the group gets a virtual MAC address
     */
    public boolean virtualMac() {
        return virtualMac;
    }

    /**
     * How often a MASTER announces its virtual addresses again (gratuitous ARP / unsolicited NA), or empty for only on
     * becoming MASTER (the default; see {@link CarpGroupBuilder#announceRefresh}).
     *
     * @return the refresh period, or empty for no refresh
     */
    public Optional<Duration> announceRefresh() {
        return Optional.ofNullable(announceRefresh);
    }

    /**
     * Whether a MASTER puts its adverts on a grid of its interval, so that groups with the same interval in one
     * process advertise together (default {@code false}; see {@link CarpGroupBuilder#alignAdverts}).
     *
     * @return whether a MASTER aligns its adverts on the grid of its interval
     */
    public boolean alignAdverts() {
        return alignAdverts;
    }

    /**
     * Whether a backup lengthens its master-down interval while it measures heavy advert loss, so that loss does not
     * cause takeovers and flapping (default {@code false}; see {@link CarpGroupBuilder#adaptToLoss}).
     *
     * @return whether a backup adapts its master-down interval to measured loss
     */
    public boolean adaptToLoss() {
        return adaptToLoss;
    }

    /**
     * Whether the group ignores the interface's link state (ucarp's {@code --ignoreifstate}): it neither goes to INIT
     * when the link goes down or loses carrier nor waits for it at start (default {@code false}).
     *
     * @return whether the link state is ignored
     */
    public boolean ignoreLinkState() {
        return ignoreLinkState;
    }

    /**
     * Unicast peers (FreeBSD 14 {@code peer}/{@code peer6}): if not empty, adverts go to each of these addresses
     * instead of 224.0.0.18 / ff02::12 (per family: a family without peers stays multicast), and adverts received
     * from these peers are not required to have TTL 255, since they may cross a router (FreeBSD skips the check
     * for any source in unicast mode; the Linux runtime only for the configured peers). Empty by default: multicast.
     *
     * @return the peers in configuration order, unmodifiable; empty for multicast
     */
    public List<InetAddress> unicastPeers() {
        return unicastPeers;
    }

    /** {@return whether adverts go to unicast peers rather than the multicast group} */
    public boolean isUnicast() {
        return !unicastPeers.isEmpty();
    }

    /**
     * {@return the network interface the group runs on, e.g. {@code eth0}; empty if unset (the testkit may leave it
     * unset)}
     */
    public Optional<String> interfaceName() {
        return Optional.ofNullable(interfaceName);
    }

    /** {@return the interface name, or {@code "-"} if unset: for logs} */
    public String interfaceLabel() {
        return interfaceName == null ? "-" : interfaceName;
    }

    /** {@return the protocol: {@link Protocol#CARP} unless the builder chose a VRRP version} */
    public Protocol protocol() {
        return protocol;
    }

    /** {@return for VRRP, this router's configured priority, 1-255 (255 = address owner); 0 for CARP} */
    public int priority() {
        return priority;
    }

    /** {@return for VRRP, the advertisement interval in centiseconds (VRRPv2: a multiple of 100); 0 for CARP} */
    public int vrrpIntervalCentis() {
        return vrrpIntervalCentis;
    }

    /**
     * {@return for VRRP, Accept_Mode (always {@code true} but for an owner; see {@link CarpGroupBuilder#acceptMode})}
     */
    public boolean acceptMode() {
        return acceptMode;
    }

    /** {@return the virtual host id, 1-255 (for VRRP, the VRID)} */
    public int vhid() {
        return vhid;
    }

    /**
     * {@return the replay-protected mode, or empty if the group was not built with
     * {@link CarpGroupBuilder#authentication}}
     */
    public Optional<Authentication> authentication() {
        return Optional.ofNullable(authentication);
    }

    /**
     * How adverts are authenticated, for logs and stats: {@code hmac-sha1 (password)}, {@code hmac-sha1 (no password,
     * all-zero key)}, or the replay-protected mode with its group id and key ids, e.g.
     * {@code replay-protected(group "web-vip", sends key 1, accepts keys [1])}. Never a password or key.
     *
     * @return the mode in words; never {@code null}
     */
    public String authenticationMode() {
        if (protocol.isVrrp()) {
            return password != null ? "vrrp2 simple text password" : "none";
        }
        if (authentication != null) {
            return authentication.toString();
        }
        return noPassword ? "hmac-sha1 (no password, all-zero key)" : "hmac-sha1 (password)";
    }

    private static boolean isAllZero(byte[] password) {
        for (byte b : password) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@return the virtual addresses (IPv4 and/or IPv6) that move together with this group, in configuration order;
     * unmodifiable}
     */
    public List<InetAddress> virtualAddresses() {
        return virtualAddresses;
    }

    /** {@return the advertisement base interval in seconds, 0-255 (0 = sub-second mode)} */
    public int advbase() {
        return advbase;
    }

    /**
     * Advertisement skew: lower advertises faster and so wins elections.
     *
     * @return the skew in 1/256 s, 0-254
     */
    public int advskew() {
        return advskew;
    }

    /** {@return whether a backup that advertises faster than the current master takes over from it} */
    public boolean preempt() {
        return preempt;
    }

    /** {@return how many advbase intervals a backup waits before declaring the master dead (ucarp {@code -r})} */
    public int deadRatio() {
        return deadRatio;
    }

    /** {@return the initial demotion, 0-240, added to the advertised advskew (VRRP: subtracted from the priority)} */
    public int demotion() {
        return demotion;
    }

    /**
     * {@return the source address adverts are sent from (ucarp {@code --srcip}); empty for the interface's primary one}
     */
    public Optional<InetAddress> sourceAddress() {
        return Optional.ofNullable(sourceAddress);
    }

    /**
     * {@return whether the runtime adds and removes the virtual addresses on the interface itself
     * (default {@code true})}
     */
    public boolean manageAddresses() {
        return manageAddresses;
    }

    /**
     * The master's advertisement interval: {@code advbase + advskew/256} s for CARP (without demotion), the configured
     * interval for VRRP.
     *
     * @return the interval
     */
    public Duration advertisementInterval() {
        if (protocol.isVrrp()) {
            return Duration.ofNanos(VrrpTiming.centisToNanos(vrrpIntervalCentis));
        }
        return Duration.ofNanos(CarpTiming.ticksToNanos(CarpTiming.intervalTicks(advbase, advskew)));
    }

    /**
     * How long a backup waits without adverts before taking over: {@code deadRatio*advbase + advskew/256} s for CARP,
     * as configured (with {@link #adaptToLoss()} the wait in force may be longer: see
     * {@link CarpStats#currentMasterDownNanos()}); for VRRP {@code 3 * interval + skew} with this node's priority and
     * its own interval (RFC 9568 §6.1; a VRRPv3 backup uses the interval it learns from the master instead).
     *
     * @return the interval as configured
     */
    public Duration masterDownInterval() {
        if (protocol.isVrrp()) {
            return Duration.ofNanos(VrrpTiming.masterDownNanos(protocol == Protocol.VRRP_V2 ? 2 : 3,
                    Math.max(1, priority - demotion), vrrpIntervalCentis));
        }
        return Duration.ofNanos(CarpTiming.ticksToNanos(CarpTiming.masterDownTicks(advbase, advskew, deadRatio)));
    }

    @Override
    public String toString() {
        if (protocol.isVrrp()) {
            return "CarpConfig{protocol=" + protocol + ", interface=" + interfaceLabel() + ", vrid=" + vhid
                    + ", priority=" + priority + ", interval=" + vrrpIntervalCentis + "cs, auth=" + authenticationMode()
                    + ", addresses="
                    + virtualAddresses.stream().map(InetAddress::getHostAddress).toList() + ", preempt=" + preempt
                    + ", demotion=" + demotion + ", source="
                    + (sourceAddress == null ? "auto" : sourceAddress.getHostAddress())
                    + ", manageAddresses=" + manageAddresses + (ignoreLinkState ? ", ignoreLinkState=true" : "")
                    + (releaseDelay.isZero() ? "" : ", releaseDelay=" + releaseDelay.toMillis() + "ms")
                    + (unicastPeers.isEmpty() ? "" : ", unicastPeers="
                    + unicastPeers.stream().map(InetAddress::getHostAddress).toList()) + "}";
        }
        return "CarpConfig{interface=" + interfaceLabel() + ", vhid=" + vhid + ", auth=" + authenticationMode()
                + ", addresses=" + virtualAddresses.stream().map(InetAddress::getHostAddress).toList()
                + ", advbase=" + advbase + ", advskew=" + advskew + ", preempt=" + preempt + ", deadRatio="
                + deadRatio + ", demotion=" + demotion + ", source="
                + (sourceAddress == null ? "auto" : sourceAddress.getHostAddress())
                + ", manageAddresses=" + manageAddresses + ", adaptToLoss=" + adaptToLoss
                + (ignoreLinkState ? ", ignoreLinkState=true" : "")
                + (virtualMac ? ", virtualMac=true" : "")
                + (announceRefresh == null ? "" : ", announceRefresh=" + announceRefresh.toMillis() + "ms")
                + (releaseDelay.isZero() ? "" : ", releaseDelay=" + releaseDelay.toMillis() + "ms")
                + (alignAdverts ? ", alignAdverts=true" : "")
                + (unicastPeers.isEmpty() ? "" : ", unicastPeers="
                + unicastPeers.stream().map(InetAddress::getHostAddress).toList()) + "}";
    }
}
