package io.carp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a {@link CarpGroup}. Each setter checks its own field and throws {@link IllegalArgumentException} naming the
 * field, the value and what is allowed; {@link #build()} checks the rules across fields. Every {@code build()} returns
 * a new group. Not thread-safe.
 *
 * <p>One builder serves CARP (the default) and VRRP ({@link #protocol(Protocol)}): {@link #vhid(int)} is then the
 * VRID, the election is by {@link #priority(int)} and {@link #advertisementInterval(Duration)} instead of
 * {@code advbase}/{@code advskew}, and preemption is on by default. Options of one protocol are refused for the other
 * at {@code build()}, naming the option.
 */
public final class CarpGroupBuilder {
    private static final Pattern IPV4_LITERAL = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    /**
     * Starts with a hex digit or ':' and contains a ':'. {@link InetAddress#getByName} never resolves such a string:
     * it parses it as an IPv6 literal or throws. Anything else it cannot parse (e.g. {@code 198.18.0.256} or
     * {@code ..:}) it would look up in DNS.
     */
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9a-fA-F:][0-9a-fA-F.]*:[0-9a-fA-F:.]*");
    /** Linux IFNAMSIZ is 16 including the NUL. */
    private static final int MAX_INTERFACE_NAME = 15;

    private String interfaceName;
    private Protocol protocol = Protocol.CARP;
    private int vhid = -1;
    private byte[] password;
    private boolean noPassword;
    private Authentication authentication;
    private final List<InetAddress> virtualAddresses = new ArrayList<>();
    private int advbase = CarpConfig.DEFAULT_ADVBASE;
    private int advskew = CarpConfig.DEFAULT_ADVSKEW;
    private Boolean preempt;
    private int deadRatio = CarpConfig.DEFAULT_DEAD_RATIO;
    /** CARP-only options set explicitly, refused for VRRP. */
    private final java.util.Set<String> carpOptions = new java.util.LinkedHashSet<>();
    /** VRRP-only options set explicitly, refused for CARP. */
    private final java.util.Set<String> vrrpOptions = new java.util.LinkedHashSet<>();
    private int priority = CarpConfig.DEFAULT_PRIORITY;
    private Duration advertisementInterval = CarpConfig.DEFAULT_VRRP_INTERVAL;
    private boolean acceptMode = true;
    private int vrrpAuthType = -1;
    private int demotion;
    private InetAddress sourceAddress;
    private boolean manageAddresses = true;
    private final List<InetAddress> unicastPeers = new ArrayList<>();
    private AddressManager addressManager;
    private boolean adaptToLoss;
    private boolean alignAdverts;
    private boolean ignoreLinkState;
    private boolean virtualMac;
    private java.time.Duration announceRefresh;
    private java.time.Duration releaseDelay = java.time.Duration.ZERO;
    private final List<Consumer<CarpStateEvent>> onMaster = new ArrayList<>();
    private final List<Consumer<CarpStateEvent>> onBackup = new ArrayList<>();
    private final List<Consumer<CarpStateEvent>> onStateChange = new ArrayList<>();
    private Executor callbackExecutor;
    private Executor healthCheckExecutor;
    private final List<GroupSpec.HealthCheckEntry> healthChecks = new ArrayList<>();
    private CarpRuntime runtime;

    CarpGroupBuilder() {
    }

    /**
     * The network interface to run on, e.g. {@code eth0}. Required by the Linux runtime; the testkit does not need it.
     *
     * @param interfaceName 1-15 characters, no '/' or white space
     * @return this builder
     * @throws IllegalArgumentException if the name is not a valid Linux interface name
     */
    public CarpGroupBuilder interfaceName(String interfaceName) {
        Objects.requireNonNull(interfaceName, "interfaceName");
        if (interfaceName.isEmpty() || interfaceName.length() > MAX_INTERFACE_NAME
                || interfaceName.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("interfaceName: \"" + interfaceName
                    + "\" (expected: 1-15 characters without '/', ':' or white space)");
        }
        this.interfaceName = interfaceName;
        return this;
    }

    /**
     * The protocol the group speaks. Default {@link Protocol#CARP}.
     *
     * @param protocol CARP, VRRPv2 or VRRPv3
     * @return this builder
     */
    public CarpGroupBuilder protocol(Protocol protocol) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        return this;
    }

    /**
     * VRRP only: this router's priority. The highest priority becomes master; with equal priorities the higher
     * primary address wins. 255 marks the address owner, which becomes master at once on start (RFC 9568 §6.1).
     * Default {@value CarpConfig#DEFAULT_PRIORITY}. A demotion ({@link CarpGroup#demote}, health checks) lowers the
     * priority used and advertised, to no less than 1.
     *
     * @param priority 1-255
     * @return this builder
     */
    public CarpGroupBuilder priority(int priority) {
        this.priority = CarpChecks.inRange("priority", priority, 1, 255);
        vrrpOptions.add("priority");
        return this;
    }

    /**
     * VRRP only: how often the master advertises. VRRPv3: 10 ms to 40.95 s in steps of 10 ms (the field counts
     * centiseconds, RFC 9568 §5.2.7); VRRPv2: 1-255 whole seconds (RFC 3768 §5.3.7). A VRRPv3 backup waits
     * {@code 3 * interval + skew} of the master's interval, learned from its adverts; a VRRPv2 group drops adverts
     * with another interval. Default 1 s.
     *
     * @param interval the interval; checked against the version at {@link #build()}
     * @return this builder
     */
    public CarpGroupBuilder advertisementInterval(Duration interval) {
        Objects.requireNonNull(interval, "advertisementInterval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("advertisementInterval: " + interval
                    + " (expected: 10 ms to 40.95 s for VRRPv3, 1-255 s for VRRPv2)");
        }
        this.advertisementInterval = interval;
        vrrpOptions.add("advertisementInterval");
        return this;
    }

    /**
     * VRRP only: Accept_Mode (RFC 9568 §6.1), whether the master accepts packets sent to the virtual addresses when it
     * is not their owner. Only {@code true}, the default, is supported: the runtime adds the addresses to the
     * interface, so the kernel accepts such packets, as keepalived does unless {@code vrrp_strict} is set.
     * {@code false} would need a packet filter that this library does not install; it is refused at
     * {@link #build()} unless the priority is 255 (an owner accepts anyway).
     *
     * @param accept whether the master accepts packets to the virtual addresses
     * @return this builder
     */
    public CarpGroupBuilder acceptMode(boolean accept) {
        this.acceptMode = accept;
        vrrpOptions.add("acceptMode");
        return this;
    }

    /**
     * VRRPv2 only: the authentication type (RFC 2338 §5.3.6, kept by keepalived's {@code auth_type}). Default: 1 if
     * a {@link #password(String) password} is set, else 0.
     *
     * @param type 0 (none) or 1 (simple text password, keepalived {@code auth_type PASS})
     * @return this builder
     * @throws IllegalArgumentException for 2, the IP Authentication Header (keepalived {@code auth_type AH}), which
     *                                  is not supported, and for any other value
     */
    public CarpGroupBuilder vrrpAuthType(int type) {
        if (type == 2) {
            throw new IllegalArgumentException("vrrpAuthType: 2 (expected: 0 (none) or 1 (simple text password);"
                    + " 2, the IP Authentication Header of RFC 2338, is not supported: RFC 3768 removed it; use no"
                    + " authentication or a password)");
        }
        this.vrrpAuthType = CarpChecks.inRange("vrrpAuthType", type, 0, 1);
        vrrpOptions.add("vrrpAuthType");
        return this;
    }

    /**
     * The virtual host id shared by every node of the group (for VRRP, the virtual router id, VRID). Required.
     *
     * @param vhid 1-255
     * @return this builder
     */
    public CarpGroupBuilder vhid(int vhid) {
        this.vhid = CarpChecks.inRange("vhid", vhid, 1, 255);
        return this;
    }

    /**
     * The shared password, as UTF-8 bytes. For CARP, one of {@code password}, {@link #noPassword()} and
     * {@link #authentication(Authentication)} is required. VRRPv2: the simple text password (1-8 bytes, sent in clear
     * in every advert; it guards against misconfiguration, not attackers). Refused for VRRPv3, which has no
     * authentication (RFC 9568 §9).
     *
     * @param password 1-19 bytes in UTF-8, without NUL characters
     * @return this builder
     * @throws IllegalArgumentException if empty, longer than 19 bytes or containing NUL; the message never contains
     *                                  the password
     */
    public CarpGroupBuilder password(String password) {
        Objects.requireNonNull(password, "password");
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        try {
            return password(bytes);
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * The shared password as raw bytes, the HMAC-SHA1 key of plain CARP. One of {@code password},
     * {@link #noPassword()} and {@link #authentication(Authentication)} is required.
     *
     * @param password 1-19 bytes without a NUL byte: ucarp and the BSD kernels key HMAC-SHA1 with a 20-byte buffer
     *                 ending in NUL and read the password as a C string, so a longer password is refused by ucarp and
     *                 silently cut to 19 bytes by the kernels, and a NUL would end it early; copied
     * @return this builder
     * @throws IllegalArgumentException if empty, longer than 19 bytes or containing a NUL byte
     */
    public CarpGroupBuilder password(byte[] password) {
        Objects.requireNonNull(password, "password");
        if (password.length < 1 || password.length > 19) {
            throw new IllegalArgumentException("password: " + password.length
                    + " bytes (expected: 1-19 bytes; ucarp and the BSD kernels key HMAC-SHA1 with at most 19 bytes)");
        }
        for (int i = 0; i < password.length; i++) {
            if (password[i] == 0) {
                throw new IllegalArgumentException("password: a NUL byte at index " + i + " (expected: no NUL; BSD"
                        + " and ucarp read the password as a C string; for BSD's all-zero key use noPassword())");
            }
        }
        clearPassword();
        this.password = password.clone();
        this.noPassword = false;
        return this;
    }

    /**
     * No password: plain CARP with the all-zero HMAC-SHA1 key, as FreeBSD and OpenBSD use when {@code ifconfig carp}
     * is given no {@code pass}. Anybody can compute that HMAC, so it only guards against accidents (another group
     * on the same vhid); ucarp refuses to run without a password and cannot join such a group. See
     * {@code docs/SECURITY.md}.
     *
     * @return this builder
     */
    public CarpGroupBuilder noPassword() {
        clearPassword();
        this.noPassword = true;
        return this;
    }

    /**
     * The replay-protected mode instead of a CARP password, for groups whose members all run this library: see
     * {@link Authentication}. Plain CARP peers and these never accept each other's adverts.
     *
     * @param authentication e.g. {@code Authentication.replayProtected("web-vip", 1, secret)}
     * @return this builder
     */
    public CarpGroupBuilder authentication(Authentication authentication) {
        this.authentication = Objects.requireNonNull(authentication, "authentication");
        return this;
    }

    private void clearPassword() {
        if (password != null) {
            java.util.Arrays.fill(password, (byte) 0);
            password = null;
        }
    }

    /**
     * Adds a virtual address, IPv4 or IPv6, given as a literal (no DNS lookup is made). At least one is required;
     * all of a group's addresses move together and are covered by its HMAC.
     *
     * @param address e.g. {@code "198.18.0.100"} or {@code "2001:db8::100"}
     * @return this builder
     */
    public CarpGroupBuilder virtualAddress(String address) {
        return virtualAddress(parseLiteral("virtualAddress", address));
    }

    /**
     * Adds a virtual address.
     *
     * @param address an IPv4 or IPv6 unicast address
     * @return this builder
     */
    public CarpGroupBuilder virtualAddress(InetAddress address) {
        Objects.requireNonNull(address, "virtualAddress");
        if (address.isMulticastAddress() || address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            throw new IllegalArgumentException("virtualAddress: " + address.getHostAddress()
                    + " (expected: a unicast address, not multicast, wildcard or loopback)");
        }
        if (virtualAddresses.contains(address)) {
            throw new IllegalArgumentException("virtualAddress: " + address.getHostAddress()
                    + " (expected: each address once; it was already added)");
        }
        virtualAddresses.add(address);
        return this;
    }

    /**
     * Adds several virtual addresses.
     *
     * @param addresses IPv4 and/or IPv6 addresses
     * @return this builder
     */
    public CarpGroupBuilder virtualAddresses(Collection<? extends InetAddress> addresses) {
        addresses.forEach(this::virtualAddress);
        return this;
    }

    /**
     * The advertisement base interval. Default {@value CarpConfig#DEFAULT_ADVBASE} s.
     *
     * @param seconds 0-255; 0 is OpenBSD's sub-second mode, where advskew alone sets the interval
     * @return this builder
     */
    public CarpGroupBuilder advbase(int seconds) {
        this.advbase = CarpChecks.inRange("advbase", seconds, 0, 255);
        carpOptions.add("advbase");
        return this;
    }

    /**
     * The advertisement skew: the master advertises every {@code advbase + advskew/256} s. The node with the lowest
     * interval wins; give every node a distinct value. Default {@value CarpConfig#DEFAULT_ADVSKEW}.
     *
     * @param skew 0-254, in 1/256 s (255 is reserved for the bow-out advertisement)
     * @return this builder
     */
    public CarpGroupBuilder advskew(int skew) {
        this.advskew = CarpChecks.inRange("advskew", skew, 0, 254);
        carpOptions.add("advskew");
        return this;
    }

    /**
     * Whether this node, as a backup, takes over from a master that advertises slower than itself. Default
     * {@code false} for CARP (as in ucarp and the BSD kernels): the first node up stays master. For VRRP,
     * Preempt_Mode: whether a backup takes over from a master of lower priority; default {@code true} (RFC 9568
     * §6.1, keepalived), {@code false} as keepalived's {@code nopreempt}.
     *
     * @param preempt whether to preempt
     * @return this builder
     */
    public CarpGroupBuilder preempt(boolean preempt) {
        this.preempt = preempt;
        return this;
    }

    /**
     * How many advbase intervals a backup waits without hearing the master: master-down is
     * {@code deadRatio*advbase + advskew/256} s (ucarp {@code -r}). Default {@value CarpConfig#DEFAULT_DEAD_RATIO}.
     *
     * @param ratio 1-255
     * @return this builder
     */
    public CarpGroupBuilder deadRatio(int ratio) {
        this.deadRatio = CarpChecks.inRange("deadRatio", ratio, 1, 255);
        carpOptions.add("deadRatio");
        return this;
    }

    /**
     * The initial demotion, added to the advertised advskew (VRRP: subtracted from the priority). Default 0.
     *
     * @param demotion 0-240
     * @return this builder
     */
    public CarpGroupBuilder demotion(int demotion) {
        this.demotion = CarpChecks.inRange("demotion", demotion, 0, 240);
        return this;
    }

    /**
     * The address adverts are sent from (ucarp {@code --srcip}). Default: the interface's primary address.
     *
     * @param address a literal IPv4 or IPv6 address
     * @return this builder
     */
    public CarpGroupBuilder sourceAddress(String address) {
        this.sourceAddress = parseLiteral("sourceAddress", address);
        return this;
    }

    /**
     * The address adverts are sent from.
     *
     * @param address an address of the interface
     * @return this builder
     */
    public CarpGroupBuilder sourceAddress(InetAddress address) {
        this.sourceAddress = Objects.requireNonNull(address, "sourceAddress");
        return this;
    }

    /**
     * Whether the runtime adds the virtual addresses to the interface on MASTER and removes them on leaving MASTER
     * (default {@code true}). With {@code false} the callbacks do it, as ucarp's up and down scripts do.
     *
     * @param manage whether the runtime owns the addresses
     * @return this builder
     */
    public CarpGroupBuilder manageAddresses(boolean manage) {
        this.manageAddresses = manage;
        return this;
    }

    /**
     * Whether a backup that measures heavy loss of the master's adverts waits longer before taking over (a carp4j
     * extension). Default {@code false}: the backup always waits {@code deadRatio*advbase + advskew/256} s, as ucarp
     * and the BSD kernels do.
     *
     * <p>With {@code true}, below 5% measured loss nothing changes; at 30% loss a backup waits 10 intervals instead of
     * 3 (at most 4 x deadRatio), so that a lossy link does not make it take over (and the group flap) every few
     * minutes. The price is a slower failover under loss and after it: the estimate is a moving average over roughly
     * the last 32 adverts, so after 30% loss ends the wait shrinks step by step and is back to deadRatio after about
     * 70 clean adverts (70 s at advbase 1); meanwhile a real failure takes between deadRatio and 4 x deadRatio
     * intervals to be noticed. The wait in force is {@link CarpStats#currentMasterDownNanos()} and is logged with
     * every takeover.
     *
     * @param adapt whether to adapt
     * @return this builder
     */
    public CarpGroupBuilder adaptToLoss(boolean adapt) {
        this.adaptToLoss = adapt;
        carpOptions.add("adaptToLoss");
        return this;
    }

    /**
     * Whether a MASTER sends its adverts on a grid of its advertisement interval counted from the monotonic clock's
     * zero (a carp4j extension, CARP only). Default {@code false}: the next advert is due one interval after the one
     * sent on becoming MASTER, as in ucarp and the BSD kernels.
     *
     * <p>With {@code true}, all groups of one process with the same interval (advbase, advskew and demotion) advertise
     * in the same instant, which the runtime serves with one wake-up (and renews their addresses together) instead of
     * one per group: for processes that run many groups. The interval between adverts is unchanged; only the advert
     * after becoming MASTER (or after a demotion change, which is advertised at once) comes early, between 0 and one
     * interval after the previous one, which a peer accepts as any advert (it only restarts its master-down timer).
     * The adverts of the aligned groups reach the wire, and the peers' sockets, as one burst of that many packets:
     * carp4j's Linux runtime gives its CARP sockets a 1 MiB receive buffer for that (room for 255 adverts); other
     * peers on the segment must have room for the burst in theirs.
     * Shown as {@code alignAdverts=true} in {@link CarpConfig#toString()} and logged (INFO) when the group starts.
     *
     * @param align whether to align the adverts
     * @return this builder
     */
    public CarpGroupBuilder alignAdverts(boolean align) {
        this.alignAdverts = align;
        carpOptions.add("alignAdverts");
        return this;
    }

    /**
     * Ignores the interface's link state, as ucarp's {@code --ignoreifstate}: the group neither drops to INIT when the
     * link goes down or loses carrier nor waits in INIT for it at start; link events are only logged. For interfaces
     * whose carrier is reported wrongly (some virtual NICs). Default {@code false}: down means INIT, as the BSDs do.
     *
     * @param ignore whether to ignore link state
     * @return this builder
     */
    public CarpGroupBuilder ignoreLinkState(boolean ignore) {
        this.ignoreLinkState = ignore;
        return this;
    }

    /**
     * Gives the group a virtual MAC address, as keepalived's {@code use_vmac} does (an extension for CARP; VRRP's RFC
     * 9568 section 7.3 address): the Linux runtime creates a macvlan interface on the group's interface
     * ({@code c4j-carp-<vhid>}, {@code c4j-carp6-<vhid>} for an IPv6-only CARP group, {@code c4j-vrrp4-<vrid>} or
     * {@code c4j-vrrp6-<vrid>}) with the MAC {@code 00:00:5e:00:01:<vhid>} for CARP in both families (FreeBSD's CARP
     * MAC), {@code 00:00:5e:00:01:<vrid>} for VRRP over IPv4 and {@code 00:00:5e:00:02:<vrid>} over IPv6, puts the
     * virtual addresses on it, sends the adverts and gratuitous ARPs / unsolicited neighbour advertisements from that
     * MAC (IPv6 adverts keep the node's link-local source address, which is copied onto the macvlan), and removes it
     * when the group closes (or, after a crash, when the next run starts). On failover the switches learn the move
     * from the new master's adverts and the clients' neighbour caches stay valid. It sets the sysctls this needs
     * (IPv4: {@code arp_ignore}, {@code arp_filter}, {@code arp_announce} on the interface, restored on close; see the
     * runtime's documentation) and needs {@code CAP_NET_ADMIN}. {@code start()} fails if another macvlan on the
     * interface already has the MAC (an IPv4 and an IPv6 CARP group with the same vhid, or keepalived's
     * {@code use_vmac} with the same VRID on this host). Default {@code false}: adverts and ARP use the interface's own
     * MAC, as ucarp does. The simulated runtime of the testkit ignores it.
     *
     * @param on whether to use a virtual MAC
     * @return this builder
     */
    public CarpGroupBuilder virtualMac(boolean on) {
        this.virtualMac = on;
        return this;
    }

    /**
     * Makes a MASTER announce its virtual addresses again (gratuitous ARP for IPv4, unsolicited neighbour
     * advertisement for IPv6) every {@code interval}, for networks whose switches or hosts forget (keepalived's
     * {@code garp_master_refresh}, kube-vip's ARP rate). The announcement goes out with the first advertisement at or
     * after each interval, so the period is rounded up to the advertisement interval. Counted in
     * {@link CarpStats#announcementRefreshes()}. Default: none, only on becoming MASTER (and when a weaker master is
     * heard), as the BSDs and ucarp do.
     *
     * @param interval 100 ms to 1 hour, or {@code null} for none
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public CarpGroupBuilder announceRefresh(java.time.Duration interval) {
        if (interval != null && (interval.compareTo(java.time.Duration.ofMillis(100)) < 0
                || interval.compareTo(java.time.Duration.ofHours(1)) > 0)) {
            throw new IllegalArgumentException("announceRefresh: " + interval
                    + " (expected: 100 ms to 1 hour, or null for none)");
        }
        this.announceRefresh = interval;
        return this;
    }

    /**
     * Keeps the virtual addresses for a short drain after the bow-out, so that requests this node accepted just before
     * it stepped down can still be answered (an extension; the BSDs, ucarp and keepalived remove the addresses with
     * the bow-out). It applies when a MASTER bows out: {@link CarpGroup#close()} (also from the runtime's close and
     * its JVM shutdown hook) and {@link CarpGroup#forceBackup} (also a {@link CarpGroupUnit}'s step-downs). The bow-out
     * advertisement (CARP advbase/advskew 255, VRRP priority 0) goes out at once as without it and the state changes
     * at once (MASTER to INIT or BACKUP, published as usual): the node no longer advertises as master, so a backup
     * takes over immediately and its gratuitous ARP / unsolicited NA moves the clients; only the removal of the
     * addresses waits {@code delay}. Meanwhile the addresses' kernel lifetime is renewed, adverts heard are logged
     * (the new master's first one, with its delay after the bow-out) but change nothing.
     *
     * <p>The drain ends early, with the addresses removed at once, if the link goes down; it ends without removing them
     * if the node becomes MASTER again (after a step-down). A loss of mastership by the protocol (preempted,
     * demoted, link down) and a killed process are not concerned. Counted in {@link CarpStats#releaseDelays()} and
     * logged at start and end.
     *
     * <p><b>Threads.</b> {@link CarpGroup#close()} called from another thread than the group's protocol loop returns
     * once the addresses are removed, so it blocks up to {@code delay} longer; called on the protocol loop (a callback
     * run there, the testkit's runtimes) it returns at once and the removal happens at its deadline on the loop's
     * clock.
     *
     * <p><b>Choosing it.</b> Long enough for an accepted request to be answered, short against the new master's
     * delayed announcement (it announces its addresses again two adverts after taking over): while both nodes hold
     * the address, a neighbour that resolves it anew may get the old node's answer, and that announcement corrects it.
     * Web servers: a few hundred milliseconds to a second.
     *
     * @param delay 0 (the default: none) to 30 s, at most millisecond precision
     * @return this builder
     * @throws IllegalArgumentException if {@code null}, negative, above 30 s or finer than a millisecond
     */
    public CarpGroupBuilder releaseDelay(java.time.Duration delay) {
        Objects.requireNonNull(delay, "releaseDelay");
        if (delay.isNegative() || delay.compareTo(MAX_RELEASE_DELAY) > 0 || delay.toNanos() % 1_000_000L != 0) {
            throw new IllegalArgumentException("releaseDelay: " + delay.toMillis() + " ms" + (delay.toNanos()
                    % 1_000_000L != 0 ? " (" + delay + ")" : "") + " is out of range 0-"
                    + MAX_RELEASE_DELAY.toMillis() + " ms (expected: whole milliseconds, 0 for none)");
        }
        this.releaseDelay = delay;
        return this;
    }

    /** The longest {@link #releaseDelay}. */
    public static final java.time.Duration MAX_RELEASE_DELAY = java.time.Duration.ofSeconds(30);

    /**
     * Adds a unicast peer (FreeBSD 14 {@code peer} semantics, keepalived {@code unicast_peer} for VRRP), for networks
     * without multicast (clouds, some hypervisors): adverts are sent to every peer instead of the multicast group,
     * and the TTL-255 check is off for adverts from these peers. Every node may list every node (its own address is
     * skipped). ucarp cannot take part (it accepts multicast only).
     *
     * @param peer a literal IPv4 or IPv6 address of another node
     * @return this builder
     */
    public CarpGroupBuilder unicastPeer(String peer) {
        InetAddress a = parseLiteral("unicastPeer", peer);
        if (a.isMulticastAddress() || a.isAnyLocalAddress()) {
            throw new IllegalArgumentException("unicastPeer: " + peer + " (expected: a unicast address of a peer)");
        }
        if (unicastPeers.contains(a)) {
            throw new IllegalArgumentException("unicastPeer: " + a.getHostAddress()
                    + " (expected: each peer once; it was already added)");
        }
        unicastPeers.add(a);
        return this;
    }

    /**
     * Moves the virtual addresses with your own code instead of the runtime's (e.g. a cloud provider's API that
     * re-points a floating IP, where gratuitous ARP means nothing). Called on the protocol thread: keep it short or
     * hand the work to another thread.
     *
     * @param manager claim/release/announce hooks
     * @return this builder
     */
    public CarpGroupBuilder addressManager(io.carp.AddressManager manager) {
        this.addressManager = Objects.requireNonNull(manager, "addressManager");
        return this;
    }

    /**
     * Adds a callback for entering MASTER: the node now holds the virtual addresses.
     *
     * @param callback run on the callback executor
     * @return this builder
     */
    public CarpGroupBuilder onMaster(Consumer<CarpStateEvent> callback) {
        onMaster.add(Objects.requireNonNull(callback, "onMaster"));
        return this;
    }

    /**
     * Adds a callback for "this node does not serve the addresses": entering BACKUP (also at start, as ucarp runs its
     * down script), and leaving MASTER for INIT (link down, {@link CarpGroup#close()}). Paired with
     * {@link #onMaster}, it suits starting and stopping a server.
     *
     * @param callback run on the callback executor
     * @return this builder
     */
    public CarpGroupBuilder onBackup(Consumer<CarpStateEvent> callback) {
        onBackup.add(Objects.requireNonNull(callback, "onBackup"));
        return this;
    }

    /**
     * Adds a callback for every state transition, INIT included.
     *
     * @param callback run on the callback executor
     * @return this builder
     */
    public CarpGroupBuilder onStateChange(Consumer<CarpStateEvent> callback) {
        onStateChange.add(Objects.requireNonNull(callback, "onStateChange"));
        return this;
    }

    /**
     * Where callbacks run. Callbacks of one group always run one at a time and in order, even on a multi-threaded
     * executor. Default: a shared pool of daemon threads named {@code carp-callback-N}. A direct executor
     * ({@code Runnable::run}, as the testkit uses) runs them on the protocol thread: a callback must then not block,
     * or it delays the advertisements.
     *
     * @param executor the executor
     * @return this builder
     */
    public CarpGroupBuilder callbackExecutor(Executor executor) {
        this.callbackExecutor = Objects.requireNonNull(executor, "callbackExecutor");
        return this;
    }

    /**
     * Adds a health check with the default timeout, {@link CarpConfig#DEFAULT_HEALTH_CHECK_TIMEOUT} (5 s). See
     * {@link #healthCheck(String, HealthCheck, java.time.Duration, java.time.Duration, int)}.
     *
     * @param name     a short name for logs, unique in this group
     * @param check    the check
     * @param interval 100 ms to 1 hour
     * @param weight   1-240
     * @return this builder
     */
    public CarpGroupBuilder healthCheck(String name, HealthCheck check, java.time.Duration interval, int weight) {
        return healthCheck(name, check, interval, CarpConfig.DEFAULT_HEALTH_CHECK_TIMEOUT, weight);
    }

    /**
     * Adds a health check. While it fails, the demotion rises by {@code weight} (total capped at 240), so a healthy
     * peer takes over even without preempt. It first runs when the group starts, then {@code interval} after each
     * run completes.
     *
     * <p>A run that has not answered after {@code timeout} counts as failing from then on (the demotion applies, and
     * the check's thread is interrupted once). No new run of this check starts while it still hangs; when it finally
     * returns, its result applies and the next run follows one interval later.
     *
     * @param name     a short name for logs, unique in this group
     * @param check    the check
     * @param interval 100 ms to 1 hour
     * @param timeout  10 ms to 1 hour
     * @param weight   1-240
     * @return this builder
     */
    public CarpGroupBuilder healthCheck(String name, HealthCheck check, java.time.Duration interval,
                                       java.time.Duration timeout, int weight) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        if (interval.compareTo(java.time.Duration.ofMillis(100)) < 0
                || interval.compareTo(java.time.Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("healthCheck interval: " + interval + " (expected: 100 ms to 1 hour)");
        }
        if (timeout.compareTo(java.time.Duration.ofMillis(10)) < 0
                || timeout.compareTo(java.time.Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("healthCheck timeout: " + timeout + " (expected: 10 ms to 1 hour)");
        }
        CarpChecks.inRange("healthCheck weight", weight, 1, 240);
        if (healthChecks.stream().anyMatch(h -> h.name().equals(name))) {
            throw new IllegalArgumentException("healthCheck name: \"" + name + "\" (expected: unique in the group)");
        }
        healthChecks.add(new GroupSpec.HealthCheckEntry(name, check, interval, timeout, weight));
        return this;
    }

    /**
     * Where health checks run (they may block). Default: the shared pool of daemon threads also used for callbacks;
     * the testkit runs them inline.
     *
     * @param executor the executor
     * @return this builder
     */
    public CarpGroupBuilder healthCheckExecutor(Executor executor) {
        this.healthCheckExecutor = Objects.requireNonNull(executor, "healthCheckExecutor");
        return this;
    }

    /**
     * The runtime that carries the protocol: sockets and event loop on Linux ({@code NettyCarpRuntime}), or a
     * simulated node in the testkit. Required by {@link #build()}.
     *
     * @param runtime the runtime
     * @return this builder
     */
    public CarpGroupBuilder runtime(CarpRuntime runtime) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        return this;
    }

    /**
     * Validates the configuration as a whole and creates a new, not yet started group.
     *
     * @return a new group in state INIT
     * @throws IllegalArgumentException if a required field is missing or fields contradict each other
     */
    public CarpGroup build() {
        CarpConfig config = buildConfig();
        if (runtime == null) {
            throw new IllegalArgumentException("runtime: not set (expected: a CarpRuntime: NettyCarpRuntime on Linux,"
                    + " a testkit SimulatedNode in tests)");
        }
        return runtime.createGroup(new GroupSpec(config, onMaster, onBackup, onStateChange, callbackExecutor,
                healthChecks, healthCheckExecutor, addressManager));
    }

    /**
     * Validates and returns only the configuration, without creating a group.
     *
     * @return the configuration
     * @throws IllegalArgumentException as {@link #build()}
     */
    public CarpConfig buildConfig() {
        if (vhid < 0) {
            throw new IllegalArgumentException("vhid: not set (expected: 1-255)");
        }
        if (protocol.isVrrp()) {
            return buildVrrpConfig();
        }
        if (!vrrpOptions.isEmpty()) {
            String option = vrrpOptions.iterator().next();
            throw new IllegalArgumentException(option + ": set for protocol CARP (expected: only with protocol"
                    + " VRRP_V2 or VRRP_V3; CARP elects by advbase and advskew)");
        }
        if (authentication != null && (password != null || noPassword)) {
            throw new IllegalArgumentException("authentication: set together with " + (noPassword ? "noPassword()"
                    : "password(...)") + " (expected: one of password(...), noPassword() and authentication(...);"
                    + " a replay-protected group has no CARP password)");
        }
        if (password == null && !noPassword && authentication == null) {
            throw new IllegalArgumentException("password: not set (expected: 1-19 bytes; or noPassword() for BSD's"
                    + " all-zero key; or authentication(Authentication.replayProtected(...)))");
        }
        if (virtualAddresses.isEmpty()) {
            throw new IllegalArgumentException("virtualAddress: none set (expected: at least one IPv4 or IPv6 address)");
        }
        if (advbase == 0 && advskew == 0) {
            throw new IllegalArgumentException("advbase: 0 with advskew: 0 (expected: advskew 1-254 when advbase is 0,"
                    + " as ucarp requires; the interval would be 0 s)");
        }
        return new CarpConfig(Protocol.CARP, interfaceName, vhid,
                noPassword ? new byte[CarpConfig.KEY_LENGTH] : password, authentication, virtualAddresses, advbase,
                advskew, preempt != null && preempt, deadRatio, demotion, sourceAddress, manageAddresses,
                unicastPeers, adaptToLoss, ignoreLinkState, 0, 0, false, virtualMac, announceRefresh, releaseDelay,
                alignAdverts);
    }


    private CarpConfig buildVrrpConfig() {
        String name = protocol.name();
        if (noPassword || authentication != null) {
            throw new IllegalArgumentException((noPassword ? "noPassword" : "authentication") + ": set for protocol "
                    + name + " (expected: only with protocol CARP; VRRPv2 takes password(...), VRRPv3 none)");
        }
        if (!carpOptions.isEmpty()) {
            String option = carpOptions.iterator().next();
            throw new IllegalArgumentException(option + ": set for protocol " + name + " (expected: only with protocol"
                    + " CARP; VRRP elects by priority and advertisementInterval)");
        }
        if (virtualAddresses.isEmpty()) {
            throw new IllegalArgumentException("virtualAddress: none set (expected: at least one address)");
        }
        IpFamily family = IpFamily.of(virtualAddresses.get(0));
        for (InetAddress a : virtualAddresses) {
            if (IpFamily.of(a) != family) {
                throw new IllegalArgumentException("virtualAddress: " + a.getHostAddress() + " is " + IpFamily.of(a)
                        + " but " + virtualAddresses.get(0).getHostAddress() + " is " + family + " (expected: one"
                        + " family per VRRP group; IPv4 and IPv6 virtual routers are separate, RFC 9568 §1: build"
                        + " one group per family)");
            }
        }
        long nanos = advertisementInterval.toNanos();
        int centis;
        if (protocol == Protocol.VRRP_V2) {
            if (family != IpFamily.IPV4) {
                throw new IllegalArgumentException("virtualAddress: " + virtualAddresses.get(0).getHostAddress()
                        + " (expected: IPv4 with VRRP_V2, RFC 3768; use VRRP_V3 for IPv6)");
            }
            if (nanos % 1_000_000_000L != 0 || nanos < 1_000_000_000L || nanos > 255_000_000_000L) {
                throw new IllegalArgumentException("advertisementInterval: " + advertisementInterval
                        + " (expected: 1-255 whole seconds with VRRP_V2, RFC 3768 §5.3.7)");
            }
            centis = (int) (nanos / 10_000_000L);
            int type = vrrpAuthType >= 0 ? vrrpAuthType : password != null ? 1 : 0;
            if (type == 1 && password == null) {
                throw new IllegalArgumentException("password: not set with vrrpAuthType 1 (expected: 1-8 bytes)");
            }
            if (type == 0 && password != null) {
                throw new IllegalArgumentException("password: set with vrrpAuthType 0 (expected: no password, or"
                        + " vrrpAuthType 1)");
            }
            if (password != null && password.length > 8) {
                throw new IllegalArgumentException("password: " + password.length + " bytes (expected: 1-8 bytes"
                        + " with VRRP_V2: the simple text password has 8 bytes, RFC 2338 §5.3.6.1)");
            }
        } else {
            if (nanos % 10_000_000L != 0 || nanos < 10_000_000L || nanos > 40_950_000_000L) {
                throw new IllegalArgumentException("advertisementInterval: " + advertisementInterval
                        + " (expected: 10 ms to 40.95 s in steps of 10 ms with VRRP_V3, RFC 9568 §5.2.7)");
            }
            centis = (int) (nanos / 10_000_000L);
            if (password != null) {
                throw new IllegalArgumentException("password: set for protocol VRRP_V3 (expected: none; VRRPv3 has no"
                        + " authentication, RFC 9568 §9; the simple text password exists in VRRP_V2 only)");
            }
            if (vrrpAuthType > 0) {
                throw new IllegalArgumentException("vrrpAuthType: " + vrrpAuthType + " for protocol VRRP_V3"
                        + " (expected: 0 or unset; VRRPv3 has no authentication)");
            }
        }
        if (!acceptMode && priority != 255) {
            throw new IllegalArgumentException("acceptMode: false (expected: true unless priority is 255; a master"
                    + " that is not the owner would have to drop packets to the virtual addresses with a packet"
                    + " filter, which this library does not install)");
        }
        for (InetAddress peer : unicastPeers) {
            if (IpFamily.of(peer) != family) {
                throw new IllegalArgumentException("unicastPeer: " + peer.getHostAddress() + " (expected: " + family
                        + ", the family of this VRRP group's addresses)");
            }
        }
        return new CarpConfig(protocol, interfaceName, vhid, password, null,
                virtualAddresses, 0, 0, preempt == null || preempt, 3, demotion,
                sourceAddress, manageAddresses, unicastPeers, false, ignoreLinkState, priority, centis, acceptMode,
                virtualMac, announceRefresh, releaseDelay, false);
    }

    private static InetAddress parseLiteral(String field, String literal) {
        Objects.requireNonNull(literal, field);
        String s = literal.trim();
        try {
            Matcher v4 = IPV4_LITERAL.matcher(s);
            if (v4.matches()) {
                byte[] octets = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(v4.group(i + 1));
                    if (octet > 255) {
                        throw new UnknownHostException(s);
                    }
                    octets[i] = (byte) octet;
                }
                return InetAddress.getByAddress(octets);
            }
            if (!IPV6_LITERAL.matcher(s).matches()) {
                throw new UnknownHostException(s);
            }
            return InetAddress.getByName(s); // an IPv6 literal: parsed, never looked up (see IPV6_LITERAL)
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(field + ": \"" + literal
                    + "\" (expected: an IPv4 or IPv6 address literal such as 198.18.0.100 or 2001:db8::100)", e);
        }
    }
}
