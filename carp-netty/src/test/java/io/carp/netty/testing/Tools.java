package io.carp.netty.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Locates the external programs the root tests use. */
public final class Tools {
    private static Boolean ping;

    private Tools() {
    }

    /**
     * The ucarp binary, if installed ({@code /usr/sbin/ucarp} on Debian).
     *
     * @return its path
     */
    public static Optional<Path> ucarp() {
        return which("ucarp");
    }

    /**
     * Whether {@code ping} is installed.
     *
     * @return whether it is
     */
    public static synchronized boolean hasPing() {
        if (ping == null) {
            ping = which("ping").isPresent();
        }
        return ping;
    }

    /**
     * Whether some ICMP echo client is available: {@code ping}, or Perl with Net::Ping.
     *
     * @return whether one is
     */
    public static boolean canPing() {
        if (hasPing()) {
            return true;
        }
        try {
            LiveLab.run(true, "perl", "-MNet::Ping", "-e", "1");
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * Looks for a program on PATH and in the sbin directories, which a non-login root PATH may lack.
     *
     * @param program e.g. {@code ip}
     * @return its path
     */
    public static Optional<Path> which(String program) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
