package io.carp.netty;

import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * A tiny CARP node on {@link NettyCarpRuntime} for manual runs and integration tests, with ucarp-like options.
 *
 * <pre>
 * java -cp ... io.carp.netty.NettyCarpNodeMain --interface veth0 --srcip 198.18.50.1 --vhid 7 --pass secret \
 *      --addr 198.18.50.100 [--addr ...] [--advbase 1] [--advskew 0] [--preempt] [--deadratio 3]
 *      [--no-manage] [--netns NAME] [--runtime-shutdown-hook]
 * </pre>
 *
 * <p>Prints {@code STARTED <vhid>} once running, then one line per state change,
 * {@code STATE <vhid> <from> <to> <reason>}, flushed at once; on SIGTERM/SIGINT closes the group (a MASTER bows out and
 * removes its addresses), prints {@code STOPPED <vhid>} and exits 0. A bad argument prints {@code ERROR <message>}
 * and exits 2; a failed start prints {@code ERROR <message>} and exits 1. The JVM's exit status after SIGTERM is
 * 143, as for any Java program stopped by a signal. With {@code --runtime-shutdown-hook} the node relies on
 * {@link NettyCarpRuntime.Builder#bowOutOnShutdown(boolean)} instead of its own hook (no {@code STOPPED} line).
 */
public final class NettyCarpNodeMain {
    private NettyCarpNodeMain() {
    }

    /**
     * Runs the node until the JVM is told to stop.
     *
     * @param args see the class comment
     * @throws InterruptedException never in practice
     */
    public static void main(String[] args) throws InterruptedException {
        PrintStream out = System.out;
        CarpGroupBuilder builder = CarpGroup.builder();
        NettyCarpRuntime.Builder runtimeBuilder = NettyCarpRuntime.builder();
        int vhid = -1;
        boolean runtimeHook = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--interface", "-i" -> builder.interfaceName(value(args, ++i, a));
                    case "--srcip", "-s" -> builder.sourceAddress(value(args, ++i, a));
                    case "--vhid", "-v" -> {
                        vhid = Integer.parseInt(value(args, ++i, a));
                        builder.vhid(vhid);
                    }
                    case "--pass", "-p" -> builder.password(value(args, ++i, a));
                    case "--addr", "-a" -> builder.virtualAddress(value(args, ++i, a));
                    case "--advbase", "-b" -> builder.advbase(Integer.parseInt(value(args, ++i, a)));
                    case "--advskew", "-k" -> builder.advskew(Integer.parseInt(value(args, ++i, a)));
                    case "--deadratio", "-r" -> builder.deadRatio(Integer.parseInt(value(args, ++i, a)));
                    case "--preempt", "-P" -> builder.preempt(true);
                    case "--no-manage" -> builder.manageAddresses(false);
                    case "--netns" -> runtimeBuilder.networkNamespace(value(args, ++i, a));
                    case "--runtime-shutdown-hook" -> runtimeHook = true;
                    default -> throw new IllegalArgumentException("unknown option: " + a);
                }
            }
        } catch (IllegalArgumentException e) {
            out.println("ERROR " + e.getMessage());
            out.flush();
            System.exit(2);
            return;
        }
        NettyCarpRuntime runtime = runtimeBuilder.bowOutOnShutdown(runtimeHook).build();
        CarpGroup group;
        try {
            group = builder.runtime(runtime)
                    .callbackExecutor(Runnable::run) // on the protocol loop: lines in order, none lost at exit
                    .onStateChange(e -> {
                        synchronized (out) {
                            out.println("STATE " + e.vhid() + " " + e.from() + " " + e.to() + " " + e.reason());
                            out.flush();
                        }
                    })
                    .build();
        } catch (IllegalArgumentException e) {
            out.println("ERROR " + e.getMessage());
            out.flush();
            runtime.close();
            System.exit(2);
            return;
        }
        try {
            group.start();
        } catch (RuntimeException e) {
            synchronized (out) {
                out.println("ERROR " + e.getMessage());
                out.flush();
            }
            runtime.close();
            System.exit(1);
            return;
        }
        synchronized (out) {
            out.println("STARTED " + vhid);
            out.flush();
        }
        if (runtimeHook) {
            Thread.currentThread().join(); // the runtime's own hook closes the group at exit
        }
        CountDownLatch stopped = new CountDownLatch(1);
        int finalVhid = vhid;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            group.close();
            runtime.close();
            synchronized (out) {
                out.println("STOPPED " + finalVhid);
                out.flush();
            }
            stopped.countDown();
        }, "carp-node-shutdown"));
        stopped.await();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + ": missing value");
        }
        return args[i];
    }
}
