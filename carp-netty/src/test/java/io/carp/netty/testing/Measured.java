package io.carp.netty.testing;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Prints measured times (failover, bow-out, address expiry) without asserting them: to the test output, which
 * surefire keeps per class, and for {@link #report} also to the JVM's real stderr, so they show on the build console.
 */
public final class Measured {
    @SuppressWarnings("resource")
    private static final PrintStream CONSOLE =
            new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

    private Measured() {
    }

    /**
     * Prints {@code MEASURED <what>: <ms> ms} and returns the duration.
     *
     * @param what      what was measured
     * @param fromNanos its start ({@link System#nanoTime()})
     * @param toNanos   its end
     * @return the duration
     */
    public static Duration report(String what, long fromNanos, long toNanos) {
        Duration d = Duration.ofNanos(toNanos - fromNanos);
        String line = "MEASURED " + what + ": " + d.toMillis() + " ms";
        System.out.println(line);
        CONSOLE.println("[linux-root] " + line);
        return d;
    }

    /**
     * Prints {@code FAULT-FIGURE <name> = <value>}, one figure for the reliability notes.
     *
     * @param name  the figure's name
     * @param value its value
     */
    public static void figure(String name, Object value) {
        System.out.println("FAULT-FIGURE " + name + " = " + value);
    }
}
