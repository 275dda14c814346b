package io.carp.benchmarks;

import io.carp.CarpClock;
import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.CarpState;
import io.carp.Protocol;
import io.carp.netty.NettyCarpRuntime;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The GC benchmark's application ({@code scripts/bench/gc-jitter.sh}): several CARP and VRRP groups in one JVM, on
 * one {@link NettyCarpRuntime}, inside a program that allocates like a busy server, so that the collector's pauses
 * land on the master's advertisements.
 *
 * <pre>
 * java -Xms4g -Xmx4g -XX:+UseZGC -cp carp-benchmarks/target/benchmarks.jar io.carp.benchmarks.GcJitterMain \
 *     --interface eth0 --source 198.18.90.1 --group carp:1:1:0 --group carp:2:0:50 --group vrrp3:10:20:200 \
 *     --alloc-mb-per-s 600 --old-mb 1536 --old-grow-s 60 --churn-mb-per-s 32 --threads 2
 * </pre>
 *
 * <p>{@code --group PROTOCOL:ID:TIMING:ELECTION} (repeatable): {@code carp:VHID:ADVBASE:ADVSKEW} or
 * {@code vrrp3:VRID:INTERVAL_CENTISECONDS:PRIORITY}. The group's one virtual address is {@code 198.18.93.ID}; CARP
 * groups use the password {@code --password} (default {@code benchpass}), VRRPv3 groups none. The library adds and
 * removes the addresses itself.
 *
 * <p>The load ({@code --alloc-mb-per-s 0} turns it off, as on the backup), shared by {@code --threads} threads, each
 * paced in 10 ms slices:
 * <ul>
 *   <li>short-lived garbage at {@code --alloc-mb-per-s}: byte arrays of 16 B-8 KiB and small linked nodes, dropped at
 *       once (the young generation);</li>
 *   <li>a retained store that grows to {@code --old-mb} over {@code --old-grow-s} seconds, then churns: whole chunks
 *       (an array of 256 small arrays, about 64 KiB, i.e. many objects and references to mark) are replaced at
 *       {@code --churn-mb-per-s}, and single elements of old chunks are replaced by new arrays (old-to-young
 *       references, as a cache or session table does).</li>
 * </ul>
 * Sizes are counted from the arrays' lengths; the rate the JVM actually saw (per-thread allocated bytes from
 * {@code com.sun.management.ThreadMXBean}) is printed every {@code --status-every} seconds:
 * {@code status t=<s> alloc_mb_s=<rate> old_mb=<retained> MASTER=<n> BACKUP=<n> INIT=<n>}. Every state change is
 * printed as {@code event <epoch ms> <id> <from> <to> <cause>}, and with each status line the master-down interval
 * each group would wait now ({@code masterdown_us <id>=<us> ...}, from {@code CarpStats.currentMasterDownNanos()}). Runs until killed (or {@code --duration} seconds).
 */
public final class GcJitterMain {

    private static final int SLICE_MS = 10;
    private static final int CHUNK_ELEMENTS = 256;

    private GcJitterMain() {
    }

    /** One group as given on the command line. */
    record GroupArg(Protocol protocol, int id, int timing, int election) {

        static GroupArg parse(String s) {
            String[] p = s.split(":");
            if (p.length != 4) {
                throw new IllegalArgumentException("--group: " + s + " (expected: carp:VHID:ADVBASE:ADVSKEW or "
                        + "vrrp3:VRID:INTERVAL_CS:PRIORITY)");
            }
            Protocol proto = switch (p[0]) {
                case "carp" -> Protocol.CARP;
                case "vrrp3" -> Protocol.VRRP_V3;
                default -> throw new IllegalArgumentException("--group: protocol " + p[0] + " (expected: carp or vrrp3)");
            };
            return new GroupArg(proto, Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]));
        }

        CarpGroupBuilder builder(String password) {
            CarpGroupBuilder b = CarpGroup.builder().vhid(id).virtualAddress("198.18.93." + id);
            if (protocol == Protocol.CARP) {
                return b.password(password).advbase(timing).advskew(election);
            }
            return b.protocol(protocol).priority(election).advertisementInterval(Duration.ofMillis(timing * 10L));
        }
    }

    /**
     * Entry point.
     *
     * @param args {@code --name value} pairs; see the class comment
     * @throws InterruptedException if interrupted while running
     */
    public static void main(String[] args) throws InterruptedException {
        String ifname = "eth0";
        String source = null;
        String password = "benchpass";
        List<GroupArg> groupArgs = new ArrayList<>();
        double allocMbPerS = 600;
        int oldMb = 1536;
        int oldGrowS = 60;
        double churnMbPerS = 32;
        int threads = 2;
        int statusEvery = 10;
        long duration = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--interface" -> ifname = v;
                case "--source" -> source = v;
                case "--password" -> password = v;
                case "--group" -> groupArgs.add(GroupArg.parse(v));
                case "--alloc-mb-per-s" -> allocMbPerS = Double.parseDouble(v);
                case "--old-mb" -> oldMb = Integer.parseInt(v);
                case "--old-grow-s" -> oldGrowS = Math.max(1, Integer.parseInt(v));
                case "--churn-mb-per-s" -> churnMbPerS = Double.parseDouble(v);
                case "--threads" -> threads = Math.max(1, Integer.parseInt(v));
                case "--status-every" -> statusEvery = Math.max(1, Integer.parseInt(v));
                case "--duration" -> duration = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see the class comment)");
            }
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("expected --name value pairs, got an odd count");
        }
        if (groupArgs.isEmpty()) {
            throw new IllegalArgumentException("no --group given");
        }

        NettyCarpRuntime runtime = NettyCarpRuntime.builder().bowOutOnShutdown(true).build();
        List<CarpGroup> groups = new ArrayList<>();
        for (GroupArg g : groupArgs) {
            CarpGroupBuilder b = g.builder(password).runtime(runtime).interfaceName(ifname).manageAddresses(true)
                    .onStateChange(e -> System.out.println("event " + e.wallTime().toEpochMilli() + " " + e.vhid()
                            + " " + e.from() + " " + e.to() + " " + e.cause()));
            if (source != null) {
                b.sourceAddress(source);
            }
            groups.add(b.build());
        }
        groups.forEach(CarpGroup::start);
        System.out.println("started " + groups.size() + " groups on " + ifname + ": " + groupArgs);

        Load load = null;
        if (allocMbPerS > 0 || oldMb > 0) {
            load = new Load(allocMbPerS, oldMb, oldGrowS, churnMbPerS, threads);
            load.start();
            System.out.println("load: " + allocMbPerS + " MB/s short-lived, retained store growing to " + oldMb
                    + " MB over " + oldGrowS + " s then churning " + churnMbPerS + " MB/s, " + threads + " threads");
        }

        CarpClock clock = CarpClock.system();
        long t0 = clock.nanoTime();
        long lastAlloc = load == null ? 0 : load.allocatedBytes();
        long lastT = t0;
        while (duration == 0 || clock.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(duration)) {
            Thread.sleep(statusEvery * 1000L);
            long now = clock.nanoTime();
            int master = 0;
            int backup = 0;
            int init = 0;
            for (CarpGroup g : groups) {
                CarpState s = g.state();
                if (s == CarpState.MASTER) {
                    master++;
                } else if (s == CarpState.BACKUP) {
                    backup++;
                } else {
                    init++;
                }
            }
            String loadPart = "";
            if (load != null) {
                long alloc = load.allocatedBytes();
                loadPart = String.format(" alloc_mb_s=%.0f old_mb=%d", (alloc - lastAlloc) / 1e6 / ((now - lastT) / 1e9),
                        load.retainedBytes.get() >> 20);
                lastAlloc = alloc;
            }
            lastT = now;
            StringBuilder down = new StringBuilder();
            for (CarpGroup g : groups) {
                down.append(' ').append(g.config().vhid()).append('=')
                        .append(g.stats().currentMasterDownNanos() / 1000);
            }
            System.out.println("masterdown_us" + down);
            System.out.println("status t=" + TimeUnit.NANOSECONDS.toSeconds(now - t0) + loadPart + " MASTER=" + master
                    + " BACKUP=" + backup + " INIT=" + init + " at " + Instant.now());
        }
        System.exit(0);
    }

    /** The allocating application: see the class comment. */
    static final class Load {
        private final double allocBytesPerSlice;
        private final long oldBytes;
        private final int oldGrowS;
        private final double churnBytesPerSlice;
        private final int threads;
        private final Object[][] store;
        final AtomicLong retainedBytes = new AtomicLong();
        private final List<Thread> workers = new ArrayList<>();
        /** Written by the workers, read by the status loop: keeps short-lived objects from being optimised away. */
        volatile long sink;

        Load(double allocMbPerS, int oldMb, int oldGrowS, double churnMbPerS, int threads) {
            this.threads = threads;
            this.allocBytesPerSlice = allocMbPerS * 1e6 * SLICE_MS / 1000.0 / threads;
            this.churnBytesPerSlice = churnMbPerS * 1e6 * SLICE_MS / 1000.0 / threads;
            this.oldBytes = (long) oldMb << 20;
            this.oldGrowS = oldGrowS;
            // A chunk is about 64 KiB (256 arrays of 16-496 B, average 256 B, plus the array of references).
            this.store = new Object[(int) Math.max(1, oldBytes / (CHUNK_ELEMENTS * 256L + 16 + CHUNK_ELEMENTS * 4L))][];
        }

        void start() {
            for (int t = 0; t < threads; t++) {
                int index = t;
                Thread w = new Thread(() -> run(index), "load-" + t);
                w.setDaemon(true);
                workers.add(w);
                w.start();
            }
        }

        long allocatedBytes() {
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long sum = 0;
            for (Thread w : workers) {
                long b = mx.getThreadAllocatedBytes(w.getId());
                if (b > 0) {
                    sum += b;
                }
            }
            return sum;
        }

        private void run(int index) {
            CarpClock clock = CarpClock.system();
            SplittableRandom rnd = new SplittableRandom(20261203L + index);
            long start = clock.nanoTime();
            long slice = TimeUnit.MILLISECONDS.toNanos(SLICE_MS);
            long next = start;
            // This thread's part of the store: slots index, index + threads, ...
            int mySlots = (store.length - index + threads - 1) / threads;
            int filled = 0;
            double youngDebt = 0;
            double churnDebt = 0;
            long local = 0;
            while (true) {
                long elapsed = clock.nanoTime() - start;
                // Growth phase: fill up to the share of the store due by now.
                int due = (int) Math.min(mySlots, (double) mySlots * elapsed / TimeUnit.SECONDS.toNanos(oldGrowS));
                while (filled < due) {
                    store[index + filled * threads] = chunk(rnd);
                    retainedBytes.addAndGet(CHUNK_ELEMENTS * 256L);
                    filled++;
                }
                if (filled == mySlots && mySlots > 0) {
                    // Churn: replace whole chunks (old objects die, new ones are promoted later) ...
                    churnDebt += churnBytesPerSlice;
                    while (churnDebt > 0) {
                        store[index + rnd.nextInt(mySlots) * threads] = chunk(rnd);
                        churnDebt -= CHUNK_ELEMENTS * 256.0;
                    }
                }
                // Short-lived garbage, and now and then an old chunk pointing at a new object.
                youngDebt += allocBytesPerSlice;
                while (youngDebt > 0) {
                    int kind = rnd.nextInt(16);
                    if (kind == 0) {
                        // A small linked list of ~10 nodes (objects with references, as a request's parsed data).
                        Object[] head = null;
                        for (int k = 0; k < 10; k++) {
                            head = new Object[] {head, new byte[24]};
                        }
                        local += head.length;
                        youngDebt -= 10 * (24 + 16 + 24);
                    } else if (kind == 1 && filled > 0) {
                        Object[] c = store[index + rnd.nextInt(filled) * threads];
                        byte[] b = new byte[16 + rnd.nextInt(480)];
                        c[rnd.nextInt(CHUNK_ELEMENTS)] = b;
                        youngDebt -= b.length + 16;
                    } else {
                        byte[] b = new byte[16 + rnd.nextInt(8176)];
                        b[b.length - 1] = (byte) local;
                        local += b[0] + b.length;
                        youngDebt -= b.length + 16;
                    }
                }
                sink = local;
                next += slice;
                long wait = next - clock.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else if (wait < -10 * slice) {
                    next = clock.nanoTime(); // fell behind (a pause, or no CPU): do not burst to catch up
                }
            }
        }

        private static Object[] chunk(SplittableRandom rnd) {
            Object[] c = new Object[CHUNK_ELEMENTS];
            for (int i = 0; i < c.length; i++) {
                c[i] = new byte[16 + rnd.nextInt(480)];
            }
            return c;
        }
    }
}
