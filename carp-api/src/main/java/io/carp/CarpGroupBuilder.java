package io.carp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
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
    private int vhid = -1;
    private byte[] password;
    private final List<InetAddress> virtualAddresses = new ArrayList<>();
    private int advbase = CarpConfig.DEFAULT_ADVBASE;
    private int advskew = CarpConfig.DEFAULT_ADVSKEW;
    private boolean preempt;
    private int deadRatio = CarpConfig.DEFAULT_DEAD_RATIO;
    private int demotion;
    private InetAddress sourceAddress;
    private boolean manageAddresses = true;
    private final List<InetAddress> unicastPeers = new ArrayList<>();
    private AddressManager addressManager;
    private boolean adaptToLoss;
    private boolean ignoreLinkState;
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
     * The virtual host id shared by every node of the group. Required.
     *
     * @param vhid 1-255
     * @return this builder
     */
    public CarpGroupBuilder vhid(int vhid) {
        this.vhid = CarpChecks.inRange("vhid", vhid, 1, 255);
        return this;
    }

    /**
     * The shared password, as UTF-8 bytes. Required.
     *
     * @param password 1-19 bytes in UTF-8
     * @return this builder
     * @throws IllegalArgumentException if empty or longer than 19 bytes; the message never contains the password
     */
    public CarpGroupBuilder password(String password) {
        Objects.requireNonNull(password, "password");
        return password(password.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The shared password as raw bytes. Required.
     *
     * @param password 1-19 bytes: ucarp and the BSD kernels key HMAC-SHA1 with a 20-byte buffer ending in NUL, so a
     *                 longer password is refused by ucarp and silently cut to 19 bytes by the kernels
     * @return this builder
     */
    public CarpGroupBuilder password(byte[] password) {
        Objects.requireNonNull(password, "password");
        if (password.length < 1 || password.length > 19) {
            throw new IllegalArgumentException("password: " + password.length
                    + " bytes (expected: 1-19 bytes; ucarp and the BSD kernels key HMAC-SHA1 with at most 19 bytes)");
        }
        this.password = password.clone();
        return this;
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
        return this;
    }

    /**
     * Whether this node, as a backup, takes over from a master that advertises slower than itself. Default
     * {@code false} (as in ucarp and the BSD kernels): the first node up stays master.
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
        return this;
    }

    /**
     * The initial demotion, added to the advertised advskew. Default 0.
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
     * Adds a unicast peer (FreeBSD 14 {@code peer} semantics), for networks without multicast (clouds, some
     * hypervisors): adverts are sent to every peer instead of the multicast group, and the TTL-255 check is off for
     * adverts from these peers. Every node may list every node (its own address is skipped). ucarp cannot take part
     * (it accepts multicast only).
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
        if (password == null) {
            throw new IllegalArgumentException("password: not set (expected: 1-19 bytes)");
        }
        if (virtualAddresses.isEmpty()) {
            throw new IllegalArgumentException("virtualAddress: none set (expected: at least one IPv4 or IPv6 address)");
        }
        if (advbase == 0 && advskew == 0) {
            throw new IllegalArgumentException("advbase: 0 with advskew: 0 (expected: advskew 1-254 when advbase is 0,"
                    + " as ucarp requires; the interval would be 0 s)");
        }
        return new CarpConfig(interfaceName, vhid, password, virtualAddresses, advbase, advskew, preempt, deadRatio,
                demotion, sourceAddress, manageAddresses, unicastPeers, adaptToLoss, ignoreLinkState);
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
