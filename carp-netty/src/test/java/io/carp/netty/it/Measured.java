package io.carp.netty.it;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Prints measured times (failover, bow-out, address expiry) without asserting them: to the test output and to the
 * JVM's real stderr, so they show on the build console despite Surefire's output redirection.
 */
final class Measured {
    @SuppressWarnings("resource")
    private static final PrintStream CONSOLE =
            new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

    private Measured() {
    }

    /** Prints {@code MEASURED <what>: <ms> ms} and returns the duration. */
    static Duration report(String what, long fromNanos, long toNanos) {
        Duration d = Duration.ofNanos(toNanos - fromNanos);
        String line = "MEASURED " + what + ": " + d.toMillis() + " ms";
        System.out.println(line);
        CONSOLE.println("[linux-root] " + line);
        return d;
    }
}
