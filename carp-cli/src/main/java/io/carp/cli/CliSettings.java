package io.carp.cli;

import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.Protocol;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The validated command line: ucarp's checks (required interface, source address, vhid, password and address;
 * advbase and advskew not both 0; dead ratio above 0) plus the library's ranges, each failure reported as one line
 * naming the option, the value and what is allowed. Immutable; {@link #toString()} hides the password.
 */
final class CliSettings {
    /** ucarp's default multicast group, the only one this tool speaks. */
    static final String CARP_MULTICAST = "224.0.0.18";
    /** Facility names accepted by ucarp's {@code --facility} (those of syslog.h), plus "none". */
    private static final Set<String> FACILITIES = Set.of("auth", "authpriv", "cron", "daemon", "ftp", "kern", "lpr",
            "mail", "news", "security", "syslog", "user", "uucp", "local0", "local1", "local2", "local3", "local4",
            "local5", "local6", "local7", "none");

    private final String interfaceName;
    private final String sourceAddress;
    private final int vhid;
    private final byte[] password;
    private final List<String> addresses;
    private final int advbase;
    private final int advskew;
    private final int deadRatio;
    private final boolean preempt;
    private final boolean neutral;
    private final Path upscript;
    private final Path downscript;
    private final String xparam;
    private final boolean debug;
    private final boolean shutdown;
    private final boolean ignoreIfState;
    private final boolean manageAddresses;
    private final int vrrpVersion;
    private final int priority;
    private final int advertIntCentis;
    private final boolean virtualMac;
    private final List<String> peers;
    private final boolean adaptToLoss;
    private final List<String> notices;
    private final List<String> warnings;

    private CliSettings(Builder b) {
        this.interfaceName = b.interfaceName;
        this.sourceAddress = b.sourceAddress;
        this.vhid = b.vhid;
        this.password = b.password;
        this.addresses = List.copyOf(b.addresses);
        this.advbase = b.advbase;
        this.advskew = b.advskew;
        this.deadRatio = b.deadRatio;
        this.preempt = b.preempt;
        this.neutral = b.neutral;
        this.upscript = b.upscript;
        this.downscript = b.downscript;
        this.xparam = b.xparam;
        this.debug = b.debug;
        this.shutdown = b.shutdown;
        this.ignoreIfState = b.ignoreIfState;
        this.manageAddresses = b.manageAddresses;
        this.vrrpVersion = b.vrrpVersion;
        this.priority = b.priority;
        this.advertIntCentis = b.advertIntCentis;
        this.virtualMac = b.virtualMac;
        this.peers = List.copyOf(b.peers);
        this.adaptToLoss = b.adaptToLoss;
        this.notices = List.copyOf(b.notices);
        this.warnings = List.copyOf(b.warnings);
    }

    /**
     * Validates a parsed command line.
     *
     * @param o                the options as given
     * @param defaultInterface ucarp's fallback when no --interface is given: the first interface that is up
     * @return the settings
     * @throws CliUsageException for the first problem found, in ucarp's order of checks
     */
    static CliSettings from(CliOptions o, Supplier<Optional<String>> defaultInterface) throws CliUsageException {
        Builder b = new Builder();
        CarpGroupBuilder probe = CarpGroup.builder();

        if (o.mcast != null) {
            checkAddressLiteral("--mcast", o.mcast, "the CARP group " + CARP_MULTICAST);
            if (!o.mcast.equals(CARP_MULTICAST)) {
                throw CliUsageException.invalid("--mcast", o.mcast, "not supported", CARP_MULTICAST
                        + ", the only group this tool sends to and listens on");
            }
        }
        if (o.facility != null && !FACILITIES.contains(o.facility.toLowerCase(Locale.ROOT))) {
            throw CliUsageException.invalid("--facility", o.facility, "unknown syslog facility",
                    "one of daemon, user, auth, authpriv, local0-local7, ... or none");
        }
        if (o.vrrp != null) {
            vrrp(o, b);
        } else {
            carpOnly("--priority", o.priority);
            carpOnly("--advert-int", o.advertInt);
            if (o.noPreempt) {
                carpOnly("--no-preempt", "");
            }
        }
        b.advbase = o.advbase == null ? 1 : UcarpNumbers.parse("--advbase", o.advbase, 0, 255);
        b.advskew = o.advskew == null ? 0 : UcarpNumbers.parse("--advskew", o.advskew, 0, 254);
        b.deadRatio = o.deadratio == null ? 3 : UcarpNumbers.parse("--deadratio", o.deadratio, 1, 255);

        // The checks of ucarp's main(), in its order.
        if (o.interfaceName == null || o.interfaceName.isEmpty()) {
            b.interfaceName = defaultInterface.get().orElseThrow(() -> CliUsageException.missing("--interface (-i)",
                    "a network interface such as eth0; none was given and no interface is up"));
            b.notices.add("Using [" + b.interfaceName + "] as a network interface");
        } else {
            b.interfaceName = o.interfaceName;
        }
        apply("--interface", b.interfaceName, () -> probe.interfaceName(b.interfaceName));
        if (o.vhid == null) {
            throw CliUsageException.missing("--vhid (-v)", "the virtual host id, 1-255, e.g. --vhid=1");
        }
        b.vhid = UcarpNumbers.parse("--vhid", o.vhid, 1, 255);
        b.password = b.vrrpVersion == 0 ? password(o.password) : vrrpPassword(o.password, b.vrrpVersion);
        if (o.password != null && o.password.file() != null) {
            PassFile.permissionWarning(o.password.file()).ifPresent(b.warnings::add);
        }
        if (b.vrrpVersion == 0 && b.advbase == 0 && b.advskew == 0) {
            throw CliUsageException.invalid("--advbase", "0", "with --advskew 0 the interval would be 0 s",
                    "--advskew 1-254 when --advbase is 0, or --advbase 1-255");
        }
        if (o.srcip == null) {
            throw CliUsageException.missing("--srcip (-s)", "this host's real address on the interface, as ucarp"
                    + " requires, e.g. --srcip=10.1.1.1");
        }
        b.sourceAddress = o.srcip;
        apply("--srcip", o.srcip, () -> probe.sourceAddress(o.srcip));
        if (o.addresses.isEmpty()) {
            throw CliUsageException.missing("--addr (-a)", "the virtual address, e.g. --addr=10.1.1.252");
        }
        for (String a : o.addresses) {
            apply("--addr", a, () -> probe.virtualAddress(a));
            if (b.vrrpVersion == 2 && a.contains(":")) {
                throw CliUsageException.invalid("--addr", a, "VRRPv2 is IPv4 only",
                        "an IPv4 address, or --vrrp 3 for IPv6");
            }
        }
        b.addresses.addAll(o.addresses);
        for (String peer : o.peers) {
            apply("--peer", peer, () -> probe.unicastPeer(peer));
        }
        b.peers.addAll(o.peers);
        b.virtualMac = o.vmac;

        b.upscript = script("--upscript", o.upscript);
        b.downscript = script("--downscript", o.downscript);
        if (!o.manageAddress) {
            if (b.upscript == null) {
                b.warnings.add("No script called when going up");
            }
            if (b.downscript == null) {
                b.warnings.add("No script called when going down");
            }
        }
        if (o.daemonize) {
            b.warnings.add("--daemonize has no effect: a JVM cannot fork, so carp-cli stays in the foreground"
                    + " (use systemd, or setsid/nohup)");
        }
        if (o.noMcast) {
            b.warnings.add("--nomcast has no effect: advertisements go to multicast " + CARP_MULTICAST);
        }
        if (o.facility != null) {
            b.warnings.add("--facility " + o.facility + " has no effect: logs go to standard output and error,"
                    + " not to syslog");
        }
        b.preempt = b.vrrpVersion == 0 ? o.preempt : !o.noPreempt;
        b.neutral = o.neutral;
        b.xparam = o.xparam;
        b.debug = o.debug;
        b.shutdown = o.shutdown;
        b.ignoreIfState = o.ignoreIfState;
        b.manageAddresses = o.manageAddress;
        b.adaptToLoss = o.adaptToLoss;
        CliSettings settings = new CliSettings(b);
        try {
            settings.groupBuilder().buildConfig();
        } catch (IllegalArgumentException e) {
            throw new CliUsageException("invalid configuration: " + e.getMessage());
        }
        return settings;
    }

    /** The VRRP options, checked in VRRP mode (keepalived's ranges: {@code man keepalived.conf}). */
    private static void vrrp(CliOptions o, Builder b) throws CliUsageException {
        if (!o.vrrp.equals("2") && !o.vrrp.equals("3")) {
            throw CliUsageException.invalid("--vrrp", o.vrrp, "unknown VRRP version",
                    "3 (RFC 9568) or 2 (RFC 3768)");
        }
        b.vrrpVersion = Integer.parseInt(o.vrrp);
        vrrpOnly("--advbase", o.advbase, "--advert-int");
        vrrpOnly("--advskew", o.advskew, "--priority");
        vrrpOnly("--deadratio", o.deadratio, "nothing: the master-down interval is 3 advertisement intervals plus"
                + " the skew time");
        if (o.adaptToLoss) {
            throw new CliUsageException("--adapt-to-loss: a CARP option (expected: without --vrrp; a VRRPv3 backup"
                    + " learns the master's interval instead)");
        }
        if (o.preempt && o.noPreempt) {
            throw new CliUsageException("--no-preempt: contradicts --preempt (expected: one of them; VRRP preempts"
                    + " by default)");
        }
        b.priority = o.priority == null ? 100 : UcarpNumbers.parse("--priority", o.priority, 1, 255);
        if (b.vrrpVersion == 3) {
            b.advertIntCentis = o.advertInt == null ? 100 : UcarpNumbers.parse("--advert-int", o.advertInt, 1, 4095);
        } else {
            b.advertIntCentis = o.advertInt == null ? 100 : UcarpNumbers.parse("--advert-int", o.advertInt, 100,
                    25500);
            if (b.advertIntCentis % 100 != 0) {
                throw CliUsageException.invalid("--advert-int", o.advertInt, "not a whole number of seconds",
                        "with --vrrp 2 a multiple of 100 centiseconds: 100, 200, ... 25500");
            }
        }
    }

    private static void vrrpOnly(String option, String value, String instead) throws CliUsageException {
        if (value != null) {
            throw CliUsageException.invalid(option, value, "a CARP option", "with --vrrp, " + instead);
        }
    }

    private static void carpOnly(String option, String value) throws CliUsageException {
        if (value != null) {
            throw new CliUsageException(option + (value.isEmpty() ? "" : " '" + value + "'")
                    + ": a VRRP option (expected: --vrrp 3 or --vrrp 2 with it)");
        }
    }

    /** VRRPv2: an optional text password of 1-8 bytes; VRRPv3: none. */
    private static byte[] vrrpPassword(CliOptions.PasswordSource source, int version) throws CliUsageException {
        if (source == null) {
            return null;
        }
        String option = source.file() != null ? "--passfile" : "--pass";
        if (version == 3) {
            throw new CliUsageException(option + ": VRRPv3 has no authentication (RFC 9568) (expected: no password,"
                    + " or --vrrp 2 for a text password)");
        }
        byte[] bytes = source.file() != null ? PassFile.read(source.file())
                : source.text().getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > 8) {
            throw new CliUsageException(option + ": password of " + bytes.length + " bytes (expected: 1-8 bytes,"
                    + " VRRPv2's authentication data; keepalived keeps only the first 8)");
        }
        return bytes;
    }

    private static byte[] password(CliOptions.PasswordSource source) throws CliUsageException {
        if (source == null) {
            throw CliUsageException.missing("--pass (-p) or --passfile (-o)", "the shared password, 1-19 bytes");
        }
        byte[] bytes = source.file() != null ? PassFile.read(source.file())
                : source.text().getBytes(StandardCharsets.UTF_8);
        String option = source.file() != null ? "--passfile " + source.file() : "--pass";
        if (bytes.length == 0) {
            throw new CliUsageException(option + ": empty password (expected: 1-19 bytes)");
        }
        if (bytes.length > 19) {
            throw new CliUsageException(option + ": password of " + bytes.length + " bytes is too long (expected:"
                    + " 1-19 bytes, the limit of ucarp and of the BSD kernels)");
        }
        return bytes;
    }

    private static Path script(String option, String file) throws CliUsageException {
        if (file == null) {
            return null;
        }
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            throw CliUsageException.invalid(option, file, "no such file", "an executable file");
        }
        if (!Files.isExecutable(p)) {
            throw CliUsageException.invalid(option, file, "not executable", "an executable file (chmod +x)");
        }
        return p;
    }

    private static void checkAddressLiteral(String option, String value, String expected) throws CliUsageException {
        try {
            CarpGroup.builder().sourceAddress(value);
        } catch (IllegalArgumentException e) {
            throw CliUsageException.invalid(option, value, "not an IP address", expected);
        }
    }

    private static void apply(String option, String value, Runnable setter) throws CliUsageException {
        try {
            setter.run();
        } catch (IllegalArgumentException e) {
            // The library's message is "field: value (expected: ...)"; keep what is allowed, in the option's terms.
            String message = String.valueOf(e.getMessage());
            int expected = message.indexOf("(expected: ");
            throw expected >= 0
                    ? new CliUsageException(option + " '" + value + "': invalid " + message.substring(expected))
                    : new CliUsageException(option + " '" + value + "': " + message);
        }
    }

    /**
     * A new group builder with every setting applied, without runtime or callbacks.
     *
     * @return a builder
     */
    CarpGroupBuilder groupBuilder() {
        CarpGroupBuilder g = CarpGroup.builder()
                .interfaceName(interfaceName)
                .vhid(vhid)
                .preempt(preempt)
                .sourceAddress(sourceAddress)
                .manageAddresses(manageAddresses)
                .virtualMac(virtualMac);
        if (vrrp()) {
            // --vhid is the VRID; VRRPv2 with -p: auth_type PASS (the builder's default when a password is set)
            g.protocol(vrrpVersion == 3 ? Protocol.VRRP_V3 : Protocol.VRRP_V2)
                    .priority(priority)
                    .advertisementInterval(Duration.ofMillis(advertIntCentis * 10L));
            if (password != null) {
                g.password(password);
            }
        } else {
            g.password(password).advbase(advbase).advskew(advskew).deadRatio(deadRatio).adaptToLoss(adaptToLoss);
        }
        addresses.forEach(g::virtualAddress);
        peers.forEach(g::unicastPeer);
        return g;
    }

    String interfaceName() {
        return interfaceName;
    }

    String sourceAddress() {
        return sourceAddress;
    }

    int vhid() {
        return vhid;
    }

    /** The password: CARP's HMAC key, VRRPv2's text password, {@code null} in VRRP mode without one. */
    byte[] password() {
        return password == null ? null : password.clone();
    }

    /** Whether the group speaks VRRP ({@code --vrrp}). */
    boolean vrrp() {
        return vrrpVersion != 0;
    }

    /** 2 or 3 with {@code --vrrp}, 0 for CARP. */
    int vrrpVersion() {
        return vrrpVersion;
    }

    /** VRRP priority 1-255 (100 unless {@code --priority}); 0 in CARP mode. */
    int priority() {
        return priority;
    }

    /** VRRP advertisement interval in centiseconds (100 unless {@code --advert-int}); 0 in CARP mode. */
    int advertIntCentis() {
        return advertIntCentis;
    }

    /** Whether {@code --vmac} asks for a virtual MAC interface. */
    boolean virtualMac() {
        return virtualMac;
    }

    /** The unicast peers ({@code --peer}), as typed. */
    List<String> peers() {
        return peers;
    }

    /** The virtual addresses exactly as typed: scripts receive them in this form, as ucarp passes its argument. */
    List<String> addresses() {
        return addresses;
    }

    List<InetAddress> parsedAddresses() {
        return groupBuilder().buildConfig().virtualAddresses();
    }

    int advbase() {
        return advbase;
    }

    int advskew() {
        return advskew;
    }

    int deadRatio() {
        return deadRatio;
    }

    boolean preempt() {
        return preempt;
    }

    boolean neutral() {
        return neutral;
    }

    Optional<Path> upscript() {
        return Optional.ofNullable(upscript);
    }

    Optional<Path> downscript() {
        return Optional.ofNullable(downscript);
    }

    Optional<String> xparam() {
        return Optional.ofNullable(xparam);
    }

    boolean debug() {
        return debug;
    }

    boolean shutdown() {
        return shutdown;
    }

    boolean ignoreIfState() {
        return ignoreIfState;
    }

    boolean manageAddresses() {
        return manageAddresses;
    }

    boolean adaptToLoss() {
        return adaptToLoss;
    }

    /** Informational lines to log at start (e.g. the interface chosen by default). */
    List<String> notices() {
        return notices;
    }

    /** Warnings to log at start (options without effect, missing scripts). */
    List<String> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return "CliSettings{interface=" + interfaceName + ", srcip=" + sourceAddress + ", vhid=" + vhid
                + (vrrp() ? ", vrrp=" + vrrpVersion + ", priority=" + priority + ", advertInt=" + advertIntCentis
                        + " cs" : "")
                + ", password=<" + (password == null ? "none" : password.length + " bytes, redacted")
                + ">, addresses=" + addresses + ", peers=" + peers + ", vmac=" + virtualMac + ", advbase="
                + advbase + ", advskew=" + advskew + ", deadratio=" + deadRatio + ", preempt=" + preempt
                + ", neutral=" + neutral + ", upscript=" + upscript + ", downscript=" + downscript + ", xparam="
                + xparam + ", shutdown=" + shutdown + ", ignoreifstate=" + ignoreIfState + ", manageAddresses="
                + manageAddresses + ", adaptToLoss=" + adaptToLoss + "}";
    }

    private static final class Builder {
        String interfaceName;
        String sourceAddress;
        int vhid;
        byte[] password;
        final List<String> addresses = new ArrayList<>();
        int advbase;
        int advskew;
        int deadRatio;
        boolean preempt;
        boolean neutral;
        Path upscript;
        Path downscript;
        String xparam;
        boolean debug;
        boolean shutdown;
        boolean ignoreIfState;
        boolean manageAddresses;
        int vrrpVersion;
        int priority;
        int advertIntCentis;
        boolean virtualMac;
        final List<String> peers = new ArrayList<>();
        boolean adaptToLoss;
        final List<String> notices = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
    }
}
