package io.carp.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line as given, before validation: every option of ucarp 1.5.2 (same short and long names), plus the
 * extensions. Values are kept as text so that {@link CliSettings} can produce messages in ucarp's terms. An option given
 * twice keeps its last value, as with ucarp, except {@code --addr}, which adds an address each time.
 *
 * <p>{@code --help} lists the options in three sections (see {@link HelpSections}): ucarp's, those accepted only for
 * compatibility ({@link #COMPATIBILITY_ONLY}) and the extensions ({@link #EXTENSIONS}).
 */
@Command(name = "carp-cli", sortOptions = false, usageHelpWidth = 110, separator = "=",
        headerHeading = "%n", header = "CARP IP failover with ucarp's command line, on the carp4j library.",
        synopsisHeading = "%nUsage: ", customSynopsis = "carp-cli --interface=<if> --srcip=<ip> --vhid=<id> "
        + "(--pass=<pass> | --passfile=<file>) --addr=<ip> [options]",
        footerHeading = "%n",
        footer = {
            "Scripts: run as <file> <if> <addr> [<xparam>], once per --addr, directly (no shell: start the file",
            "  with #!). They run one at a time, in order, on a callback thread and never on the protocol thread,",
            "  so a slow script does not delay advertisements (ucarp waits for its scripts). As with ucarp, the",
            "  downscript also runs at start (unless --neutral) and when the link goes down while MASTER.",
            "Signals: SIGUSR1 logs the state (\"MASTER on eth0 id 1\"). SIGUSR2 steps down: a MASTER sends a",
            "  bow-out advertisement, becomes BACKUP, runs the downscript and does not preempt for one",
            "  master-down interval. SIGTERM, SIGINT and SIGHUP stop cleanly: a MASTER first sends a bow-out",
            "  advertisement so that a backup takes over at once; with --shutdown the downscript then runs.",
            "Numbers are read as ucarp reads them: 0x10 is hexadecimal, 010 is octal (8).",
            "Exit status: 0 after --help, --version or a clean stop, 1 for a bad option or value, 2 if CARP",
            "  cannot start (no privileges, unknown interface, ...).",
            "",
            "Example (as for ucarp): manage 10.1.1.252 on eth0 with vhid 1; this host's real address is 10.1.1.1:",
            "  java -jar carp-cli.jar --interface=eth0 --srcip=10.1.1.1 --vhid=1 --pass=mypassword \\",
            "      --addr=10.1.1.252 --upscript=/etc/vip-up.sh --downscript=/etc/vip-down.sh",
            "Or let carp-cli move the address itself, without scripts:",
            "  java -jar carp-cli.jar -i eth0 -s 10.1.1.1 -v 1 -p mypassword -a 10.1.1.252 --manage-address",
        })
final class CliOptions {
    /** Long names of the options that ucarp accepts but that have no effect here. */
    static final Set<String> COMPATIBILITY_ONLY = Set.of("--daemonize", "--nomcast", "--facility");
    /** Long names of the options that ucarp does not have. */
    static final Set<String> EXTENSIONS = Set.of("--manage-address", "--adapt-to-loss", "--version", "--vrrp",
            "--priority", "--advert-int", "--no-preempt", "--vmac", "--peer");

    @Option(order = 1, names = {"-i", "--interface"}, paramLabel = "<if>",
            description = "bind interface <if> (default: the first interface that is up and not loopback, as"
                    + " ucarp picks it)")
    String interfaceName;

    @Option(order = 2, names = {"-s", "--srcip"}, paramLabel = "<ip>",
            description = "source (real) IP address of that host (required, as for ucarp)")
    String srcip;

    @Option(order = 3, names = {"-m", "--mcast"}, paramLabel = "<ip>",
            description = "multicast group IP address (default 224.0.0.18). Only 224.0.0.18 is supported here;"
                    + " another group is refused, not ignored, since the peers would not hear each other")
    String mcast;

    @Option(order = 4, names = {"-v", "--vhid"}, paramLabel = "<id>",
            description = "virtual IP identifier (1-255, required)")
    String vhid;

    /** The last of --pass / --passfile wins, as in ucarp, so both are recorded in command-line order. */
    PasswordSource password;

    @Option(order = 5, names = {"-p", "--pass"}, paramLabel = "<pass>",
            description = "password (1-19 bytes; required unless --passfile). With --vrrp 2: VRRPv2's simple text"
                    + " password (auth_type PASS, 1-8 bytes, optional); refused with --vrrp 3, which has none")
    void pass(String value) {
        password = new PasswordSource(value, null);
    }

    @Option(order = 6, names = {"-o", "--passfile"}, paramLabel = "<file>",
            description = "read password from file: its first line, without the newline (a carriage return"
                    + " before it is kept, as ucarp keeps it)")
    void passfile(String file) {
        password = new PasswordSource(null, file);
    }

    @Option(order = 7, names = {"-P", "--preempt"},
            description = "becomes a master as soon as possible (takes over from a master that advertises slower)")
    boolean preempt;

    @Option(order = 8, names = {"-n", "--neutral"}, description = "don't run downscript at start if backup")
    boolean neutral;

    @Option(order = 9, names = {"-a", "--addr"}, paramLabel = "<ip>",
            description = "virtual shared IP address (required). [extension] Repeat it for several addresses in"
                    + " one vhid (ucarp keeps only the last one); IPv6 is accepted too")
    List<String> addresses = new ArrayList<>();

    @Option(order = 10, names = {"-h", "--help"}, usageHelp = true, description = "summary of command-line options")
    boolean help;

    @Option(order = 11, names = {"-b", "--advbase"}, paramLabel = "<seconds>",
            description = "advertisement frequency, 0-255 s (default 1). [extension] 0 is sub-second operation:"
                    + " the interval is then advskew/256 s and a backup waits deadratio such intervals (ucarp"
                    + " accepts 0 but does not document it)")
    String advbase;

    @Option(order = 12, names = {"-k", "--advskew"}, paramLabel = "<skew>",
            description = "advertisement skew, 0-254 in 1/256 s (default 0; ucarp also takes 255, which is"
                    + " reserved here for the bow-out advertisement)")
    String advskew;

    @Option(order = 13, names = {"-u", "--upscript"}, paramLabel = "<file>",
            description = "run <file> to become a master")
    String upscript;

    @Option(order = 14, names = {"-d", "--downscript"}, paramLabel = "<file>",
            description = "run <file> to become a backup")
    String downscript;

    @Option(order = 15, names = {"-r", "--deadratio"}, paramLabel = "<ratio>",
            description = "ratio to consider a host as dead, 1-255 (default 3): a backup takes over after"
                    + " deadratio*advbase + advskew/256 s without advertisements")
    String deadratio;

    @Option(order = 16, names = {"-D", "--debug"}, description = "enable debug output")
    boolean debug;

    @Option(order = 17, names = {"-z", "--shutdown"},
            description = "call shutdown script at exit: the downscript runs if stopping as MASTER")
    boolean shutdown;

    @Option(order = 18, names = {"-B", "--daemonize"},
            description = "a JVM cannot fork: carp-cli stays in the foreground (run it under systemd, or with"
                    + " setsid/nohup)")
    boolean daemonize;

    @Option(order = 19, names = {"-S", "--ignoreifstate"}, description = "ignore interface state (down, no carrier)")
    boolean ignoreIfState;

    @Option(order = 20, names = {"-M", "--nomcast"},
            description = "advertisements always go to multicast 224.0.0.18, never to broadcast")
    boolean noMcast;

    @Option(order = 21, names = {"-f", "--facility"}, paramLabel = "<facility>",
            description = "syslog facility (ucarp's default: daemon). The name is checked, but logs go to standard"
                    + " output and error in ucarp's foreground format (to the journal under systemd)")
    String facility;

    @Option(order = 22, names = {"-x", "--xparam"}, paramLabel = "<value>",
            description = "extra parameter to send to up/down scripts")
    String xparam;

    @Option(order = 23, names = "--manage-address",
            description = "carp-cli adds and removes the virtual addresses itself (with a kernel lifetime, so they"
                    + " expire if the process dies) and sends gratuitous ARP / unsolicited NA; the scripts still"
                    + " run but become optional. Default, as ucarp: only the scripts move the addresses")
    boolean manageAddress;

    @Option(order = 24, names = "--adapt-to-loss",
            description = "a backup that measures heavy loss of the master's advertisements (5% or more) waits"
                    + " longer before taking over, up to 4 x deadratio intervals (10 instead of 3 at 30% loss), so"
                    + " that a lossy link does not make the group flap; failover under loss is slower. Default, as"
                    + " ucarp: always deadratio*advbase + advskew/256 s")
    boolean adaptToLoss;

    @Option(order = 25, names = "--version", versionHelp = true,
            description = "print \"carp-cli <version>\" (the jar's Implementation-Version) and exit")
    boolean version;

    @Option(order = 25, names = "--vrrp", paramLabel = "<version>",
            description = "speak VRRP instead of CARP: 3 (RFC 9568, IPv4 and IPv6) or 2 (RFC 3768, IPv4 only,"
                    + " keepalived's default); --vhid is then the VRID. Without it nothing changes: CARP as ucarp")
    String vrrp;

    @Option(order = 26, names = "--priority", paramLabel = "<n>",
            description = "VRRP priority, 1-255 (default 100; 255 only for the address owner); the highest"
                    + " priority is master")
    String priority;

    @Option(order = 27, names = "--advert-int", paramLabel = "<centiseconds>",
            description = "VRRP advertisement interval in centiseconds: VRRPv3 1-4095 (default 100 = 1 s; 5 is"
                    + " keepalived's advert_int 0.05), VRRPv2 a multiple of 100 up to 25500")
    String advertInt;

    @Option(order = 28, names = "--no-preempt",
            description = "VRRP: do not take over from a lower-priority master (VRRP preempts by default;"
                    + " --preempt keeps its meaning)")
    boolean noPreempt;

    @Option(order = 29, names = "--vmac",
            description = "use a virtual MAC: a macvlan interface with the RFC's 00:00:5e:00:01:<vrid>"
                    + " (IPv6: 00:00:5e:00:02:<vrid>; CARP: 00:00:5e:00:01:<vhid>) holds the addresses, as"
                    + " keepalived's use_vmac")
    boolean vmac;

    @Option(order = 30, names = "--peer", paramLabel = "<ip>",
            description = "a unicast peer (repeat for several, IPv4 or IPv6): adverts go to each peer instead of"
                    + " the multicast group, for networks without multicast (CARP: FreeBSD's peer/peer6; VRRP:"
                    + " keepalived's unicast_peer)")
    List<String> peers = new ArrayList<>();

    /** Where the password comes from: exactly one of the two is set. */
    record PasswordSource(String text, String file) {
        @Override
        public String toString() {
            return file != null ? "PasswordSource{file=" + file + "}" : "PasswordSource{text=<redacted>}";
        }
    }
}
