package io.carp.netty.live;

import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.netty.NettyCarpRuntime;
import io.carp.AddressManager;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.List;

/**
 * One CARP group on {@link NettyCarpRuntime}, for the live tests' child JVMs (a process the test can SIGKILL):
 *
 * <pre>
 * LiveNodeMain -i IF -v VHID -p PASS -a VIP [-a ...] [-k SKEW] [-b BASE] [-P] [--peer IP ...] [--hook]
 *              [--no-bow-out-on-shutdown]
 * </pre>
 *
 * <p>It is also the "application that embeds the library" of the shutdown tests: it installs no shutdown hook of its
 * own, so on SIGTERM only the runtime's default hook acts ({@code --no-bow-out-on-shutdown} turns it off).
 *
 * <p>{@code --peer} adds a unicast peer; {@code --hook} replaces the kernel address manager with one that only prints
 * {@code CLAIM <vhid>}, {@code RELEASE <vhid>} and {@code ANNOUNCE <vhid>} (as a cloud API hook would be called).
 * Prints {@code STARTED <vhid>}, then {@code STATE <vhid> <from> <to> <reason>} per transition, each line flushed at
 * once. Runs until killed; a bad argument or failed start prints {@code ERROR <message>} and exits 1.
 */
public final class LiveNodeMain {
    private LiveNodeMain() {
    }

    /**
     * Runs the node.
     *
     * @param args see the class comment
     * @throws InterruptedException never in practice
     */
    public static void main(String[] args) throws InterruptedException {
        PrintStream out = System.out;
        CarpGroupBuilder builder = CarpGroup.builder().callbackExecutor(Runnable::run);
        int vhid = -1;
        boolean hook = false;
        boolean bowOut = !List.of(args).contains("--no-bow-out-on-shutdown");
        NettyCarpRuntime runtime = NettyCarpRuntime.builder().bowOutOnShutdown(bowOut).build();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "-i" -> builder.interfaceName(args[++i]);
                    case "-v" -> {
                        vhid = Integer.parseInt(args[++i]);
                        builder.vhid(vhid);
                    }
                    case "-p" -> builder.password(args[++i]);
                    case "-a" -> builder.virtualAddress(args[++i]);
                    case "-k" -> builder.advskew(Integer.parseInt(args[++i]));
                    case "-b" -> builder.advbase(Integer.parseInt(args[++i]));
                    case "-P" -> builder.preempt(true);
                    case "--peer" -> builder.unicastPeer(args[++i]);
                    case "--hook" -> hook = true;
                    case "--no-bow-out-on-shutdown" -> {
                        // read above, before the runtime was built
                    }
                    default -> throw new IllegalArgumentException("unknown option: " + args[i]);
                }
            }
            if (hook) {
                builder.addressManager(printingHook(out, vhid));
            }
            CarpGroup group = builder.runtime(runtime).onStateChange(e -> print(out, "STATE " + e.vhid() + " "
                    + e.from() + " " + e.to() + " " + e.reason())).build();
            group.start();
            print(out, "STARTED " + vhid);
        } catch (RuntimeException e) {
            print(out, "ERROR " + e.getMessage());
            runtime.close();
            System.exit(1);
        }
        Thread.currentThread().join();
    }

    private static AddressManager printingHook(PrintStream out, int vhid) {
        return new AddressManager() {
            @Override
            public void claim(List<InetAddress> addresses) {
                print(out, "CLAIM " + vhid);
            }

            @Override
            public void release(List<InetAddress> addresses) {
                print(out, "RELEASE " + vhid);
            }

            @Override
            public void announce(List<InetAddress> addresses) {
                print(out, "ANNOUNCE " + vhid);
            }
        };
    }

    private static void print(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
