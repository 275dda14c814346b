package io.carp.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The {@link CodecBenchmark} operations timed by the benchmark thread's own CPU time instead of the wall clock, so
 * that a figure taken on a busy shared machine is not the share of a core the scheduler happened to give: operations
 * per CPU-second, median (min-max) of 15 rounds after 20 warm-up rounds. Allocation is what JMH's gc profiler reports.
 * Run: {@code java -cp carp-benchmarks/target/benchmarks.jar io.carp.benchmarks.CodecCpuTime}.
 */
public final class CodecCpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int OPS = 200_000;
    private static long sink;

    private CodecCpuTime() {
    }

    /**
     * Prints one line per operation.
     *
     * @param args ignored
     * @throws Exception if the benchmark's set-up fails
     */
    public static void main(String[] args) throws Exception {
        CodecBenchmark b = new CodecBenchmark();
        b.setUp();
        report("decodeAndVerify", () -> b.decodeAndVerify() ? 1 : 0);
        report("encodeAndAuthenticate", () -> b.encodeAndAuthenticate().position());
        report("dispatchAndVerify", b::dispatchAndVerify);
        if (sink == 42) {
            System.out.println();
        }
    }

    static void report(String name, LongSupplier op) {
        for (int i = 0; i < 20; i++) {
            round(op);
        }
        double[] perSecond = new double[15];
        for (int i = 0; i < perSecond.length; i++) {
            perSecond[i] = 1e9 * OPS / round(op);
        }
        Arrays.sort(perSecond);
        System.out.printf("cpu %-24s %12.0f ops/CPU-s median (min %.0f, max %.0f), %d rounds of %d ops%n", name,
                perSecond[perSecond.length / 2], perSecond[0], perSecond[perSecond.length - 1], perSecond.length,
                OPS);
    }

    private static long round(LongSupplier op) {
        long start = THREADS.getCurrentThreadCpuTime();
        long s = 0;
        for (int i = 0; i < OPS; i++) {
            s += op.getAsLong();
        }
        sink += s;
        return THREADS.getCurrentThreadCpuTime() - start;
    }
}
