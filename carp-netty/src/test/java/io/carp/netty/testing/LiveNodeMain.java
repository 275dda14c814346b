package io.carp.netty.testing;

import io.carp.AddressManager;
import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.CarpStats;
import io.carp.DropReason;
import io.carp.Protocol;
import io.carp.netty.NettyCarpRuntime;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One CARP group on {@link NettyCarpRuntime}, the node of the root tests' child JVMs (a process a test can signal),
 * with ucarp-like options ({@code --name VALUE}, {@code --name=VALUE} or the short form):
 *
 * <pre>
 * LiveNodeMain --interface|-i IF --vhid|-v VHID --pass|-p PASS --addr|-a VIP [--addr ...] [--srcip|-s IP]
 *      [--advbase|-b S] [--advskew|-k N] [--deadratio|-r N] [--preempt|-P] [--peer IP ...] [--no-manage] [--hook]
 *      [--no-preempt] [--vmac] [--announce-refresh-ms MS] [--vrrp 3|2 --priority N --advert-int-cs CS]
 *      [--netns NAME] [--runtime-shutdown-hook | --no-bow-out-on-shutdown] [--stats-interval-ms MS]
 * </pre>
 *
 * <p>{@code --peer} adds a unicast peer; {@code --hook} replaces the kernel address manager with one that only prints
 * {@code CLAIM <vhid>}, {@code RELEASE <vhid>} and {@code ANNOUNCE <vhid>} (as a cloud API hook would be called);
 * {@code --vrrp} runs VRRP (the vhid is then the VRID); {@code --stats-interval-ms} prints {@code STATS k=v ...} (the counters of {@link CarpStats}, {@code drop_<reason>}
 * per {@link DropReason}) at that interval and once more at the stop.
 *
 * <p>Prints {@code STARTED <vhid>} once running, then {@code STATE <vhid> <from> <to> <reason>} per transition, each
 * line flushed at once (callbacks run on the protocol loop: in order, none lost at exit). On SIGTERM/SIGINT it closes
 * the group (a MASTER bows out and removes its addresses) and the runtime, prints the last {@code STATS} (if asked)
 * and {@code STOPPED <vhid>}; the JVM's exit status after SIGTERM is 143, as for any Java program stopped by a signal.
 * With {@code --runtime-shutdown-hook} the node is an application that embeds the library and installs no hook of its
 * own: the runtime's {@link NettyCarpRuntime.Builder#bowOutOnShutdown(boolean) bow-out on shutdown} closes the group
 * (no {@code STATS} or {@code STOPPED} line); with {@code --no-bow-out-on-shutdown} nothing closes it (the JVM exits
 * without a word, the backup waits for the master-down interval). A bad argument prints {@code ERROR <message>} and exits 2; a
 * failed start prints {@code ERROR <message>} and exits 1.
 */
public final class LiveNodeMain {
    private static final PrintStream OUT = System.out;

    private LiveNodeMain() {
    }

    /**
     * Runs the node until the JVM is told to stop.
     *
     * @param args see the class comment
     * @throws InterruptedException never in practice
     */
    public static void main(String[] args) throws InterruptedException {
        CarpGroupBuilder builder = CarpGroup.builder().callbackExecutor(Runnable::run);
        NettyCarpRuntime.Builder runtimeBuilder = NettyCarpRuntime.builder();
        int vhid = -1;
        boolean hook = false;
        boolean runtimeHook = false;
        boolean noHook = false;
        long statsInterval = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                String value = null;
                if (option.startsWith("--") && option.contains("=")) {
                    value = option.substring(option.indexOf('=') + 1);
                    option = option.substring(0, option.indexOf('='));
                }
                switch (option) {
                    case "--preempt", "-P" -> builder.preempt(true);
                    case "--no-preempt" -> builder.preempt(false);
                    case "--vmac" -> builder.virtualMac(true);
                    case "--no-manage" -> builder.manageAddresses(false);
                    case "--hook" -> hook = true;
                    case "--runtime-shutdown-hook" -> runtimeHook = true;
                    case "--no-bow-out-on-shutdown" -> noHook = true;
                    default -> {
                        if (value == null) {
                            if (++i >= args.length) {
                                throw new IllegalArgumentException(option + ": missing value");
                            }
                            value = args[i];
                        }
                        switch (option) {
                            case "--interface", "-i" -> builder.interfaceName(value);
                            case "--srcip", "-s" -> builder.sourceAddress(value);
                            case "--vhid", "-v" -> {
                                vhid = Integer.parseInt(value);
                                builder.vhid(vhid);
                            }
                            case "--pass", "-p" -> builder.password(value);
                            case "--addr", "-a" -> builder.virtualAddress(value);
                            case "--advbase", "-b" -> builder.advbase(Integer.parseInt(value));
                            case "--advskew", "-k" -> builder.advskew(Integer.parseInt(value));
                            case "--deadratio", "-r" -> builder.deadRatio(Integer.parseInt(value));
                            case "--peer" -> builder.unicastPeer(value);
                            case "--netns" -> runtimeBuilder.networkNamespace(value);
                            case "--stats-interval-ms" -> statsInterval = Long.parseLong(value);
                            case "--announce-refresh-ms" ->
                                    builder.announceRefresh(Duration.ofMillis(Long.parseLong(value)));
                            case "--vrrp" -> builder.protocol("2".equals(value) ? Protocol.VRRP_V2 : Protocol.VRRP_V3);
                            case "--priority" -> builder.priority(Integer.parseInt(value));
                            case "--advert-int-cs" ->
                                    builder.advertisementInterval(Duration.ofMillis(10L * Integer.parseInt(value)));
                            default -> throw new IllegalArgumentException("unknown option: " + args[i]);
                        }
                    }
                }
            }
            if (hook) {
                builder.addressManager(printingHook(vhid));
            }
        } catch (IllegalArgumentException e) {
            print("ERROR " + e.getMessage());
            System.exit(2);
            return;
        }
        NettyCarpRuntime runtime = runtimeBuilder.bowOutOnShutdown(runtimeHook).build();
        CarpGroup group;
        try {
            group = builder.runtime(runtime).onStateChange(e -> print("STATE " + e.vhid() + " " + e.from() + " "
                    + e.to() + " " + e.reason())).build();
        } catch (IllegalArgumentException e) {
            print("ERROR " + e.getMessage());
            runtime.close();
            System.exit(2);
            return;
        }
        try {
            group.start();
        } catch (RuntimeException e) {
            print("ERROR " + e.getMessage());
            runtime.close();
            System.exit(1);
            return;
        }
        print("STARTED " + vhid);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "live-node-stats");
            t.setDaemon(true);
            return t;
        });
        boolean stats = statsInterval > 0;
        if (stats) {
            ticker.scheduleAtFixedRate(() -> printStats(group), statsInterval, statsInterval, TimeUnit.MILLISECONDS);
        }
        if (runtimeHook || noHook) {
            Thread.currentThread().join(); // the runtime's hook closes the group at exit, or nothing does
        }
        CountDownLatch stopped = new CountDownLatch(1);
        int finalVhid = vhid;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ticker.shutdownNow();
            group.close();
            runtime.close();
            if (stats) {
                printStats(group);
            }
            print("STOPPED " + finalVhid);
            stopped.countDown();
        }, "live-node-shutdown"));
        stopped.await();
    }

    private static void printStats(CarpGroup group) {
        CarpStats s = group.stats();
        StringBuilder sb = new StringBuilder("STATS vhid=").append(group.config().vhid())
                .append(" state=").append(group.state())
                .append(" rx4=").append(s.ipv4PacketsReceived())
                .append(" tx4=").append(s.ipv4PacketsSent())
                .append(" rx6=").append(s.ipv6PacketsReceived())
                .append(" tx6=").append(s.ipv6PacketsSent())
                .append(" send_errors=").append(s.sendErrors())
                .append(" transitions=").append(s.transitions())
                .append(" claims=").append(s.claims())
                .append(" announce_refreshes=").append(s.announcementRefreshes())
                .append(" last_claim_us=")
                .append(s.lastClaimDurationNanos() < 0 ? -1 : s.lastClaimDurationNanos() / 1000)
                .append(" address_failures=").append(s.addressFailures())
                .append(" callback_failures=").append(s.callbackFailures());
        for (DropReason reason : DropReason.values()) {
            sb.append(" drop_").append(reason.tag()).append('=').append(s.dropped(reason));
        }
        print(sb.toString());
    }

    private static AddressManager printingHook(int vhid) {
        return new AddressManager() {
            @Override
            public void claim(List<InetAddress> addresses) {
                print("CLAIM " + vhid);
            }

            @Override
            public void release(List<InetAddress> addresses) {
                print("RELEASE " + vhid);
            }

            @Override
            public void announce(List<InetAddress> addresses) {
                print("ANNOUNCE " + vhid);
            }
        };
    }

    private static void print(String line) {
        synchronized (OUT) {
            OUT.println(line);
            OUT.flush();
        }
    }
}
