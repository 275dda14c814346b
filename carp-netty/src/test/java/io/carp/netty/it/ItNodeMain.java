package io.carp.netty.it;

import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.CarpStats;
import io.carp.DropReason;
import io.carp.netty.NettyCarpRuntime;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One CARP group on {@link NettyCarpRuntime}, driven by ucarp-like arguments, for the namespace tests:
 * {@code --interface= --srcip= --vhid= --pass= --addr= (repeatable) --advbase= --advskew= --preempt
 * --stats-interval-ms= --announce-refresh-ms= --vmac}, and for VRRP {@code --vrrp=3|2 --priority= --advert-int-cs=
 * --no-preempt --peer=} (the vhid is then the VRID).
 *
 * <p>Prints, on stdout: {@code STATE <vhid> <from> <to> <reason>} for each transition; {@code STATS k=v ...} every
 * stats interval and once more at exit (counters of {@link CarpStats}, {@code drop_<reason>} per {@link DropReason});
 * {@code ERROR ...} if the group cannot start (exit code 2). On SIGTERM it closes the group (bow-out, addresses
 * released) and the runtime, prints the last STATS and {@code EXIT}.
 */
public final class ItNodeMain {
    private ItNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        CarpGroupBuilder builder = CarpGroup.builder();
        long statsInterval = 1000;
        for (String arg : args) {
            String key = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
            switch (key) {
                case "--interface" -> builder.interfaceName(value);
                case "--srcip" -> builder.sourceAddress(value);
                case "--vhid" -> builder.vhid(Integer.parseInt(value));
                case "--pass" -> builder.password(value);
                case "--addr" -> builder.virtualAddress(value);
                case "--advbase" -> builder.advbase(Integer.parseInt(value));
                case "--advskew" -> builder.advskew(Integer.parseInt(value));
                case "--deadratio" -> builder.deadRatio(Integer.parseInt(value));
                case "--preempt" -> builder.preempt(true);
                case "--stats-interval-ms" -> statsInterval = Long.parseLong(value);
                case "--announce-refresh-ms" -> builder.announceRefresh(java.time.Duration.ofMillis(Long.parseLong(value)));
                case "--vmac" -> builder.virtualMac(true);
                case "--vrrp" -> builder.protocol("2".equals(value) ? io.carp.Protocol.VRRP_V2 : io.carp.Protocol.VRRP_V3);
                case "--priority" -> builder.priority(Integer.parseInt(value));
                case "--advert-int-cs" -> builder.advertisementInterval(
                        java.time.Duration.ofMillis(10L * Integer.parseInt(value)));
                case "--no-preempt" -> builder.preempt(false);
                case "--peer" -> builder.unicastPeer(value);
                default -> {
                    System.out.println("ERROR unknown argument: " + arg);
                    System.exit(2);
                }
            }
        }
        ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> daemon(r, "it-callbacks"));
        // Its own hook below closes the group, then prints the last stats: the runtime's hook would race with it.
        NettyCarpRuntime runtime = NettyCarpRuntime.builder().bowOutOnShutdown(false).build();
        CarpGroup group = builder.runtime(runtime).callbackExecutor(callbacks)
                .onStateChange(e -> System.out.println("STATE " + e.vhid() + " " + e.from() + " " + e.to() + " "
                        + e.reason()))
                .build();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "it-stats"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ticker.shutdownNow();
            try {
                group.close();
                runtime.close();
                callbacks.shutdown();
                callbacks.awaitTermination(2, TimeUnit.SECONDS);
            } catch (Throwable t) {
                System.out.println("ERROR during shutdown: " + t);
            }
            printStats(group);
            System.out.println("EXIT");
            System.out.flush();
        }, "it-shutdown"));
        try {
            group.start();
        } catch (Throwable t) {
            System.out.println("ERROR cannot start the group: " + t);
            t.printStackTrace(System.out);
            System.out.flush();
            Runtime.getRuntime().halt(2);
        }
        ticker.scheduleAtFixedRate(() -> printStats(group), statsInterval, statsInterval, TimeUnit.MILLISECONDS);
        Thread.currentThread().join();
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
                .append(" last_claim_us=").append(s.lastClaimDurationNanos() < 0 ? -1 : s.lastClaimDurationNanos() / 1000)
                .append(" address_failures=").append(s.addressFailures())
                .append(" callback_failures=").append(s.callbackFailures());
        for (DropReason reason : DropReason.values()) {
            sb.append(" drop_").append(reason.tag()).append('=').append(s.dropped(reason));
        }
        System.out.println(sb);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
