package io.carp.netty.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Locates the external programs the tests use. */
final class Tools {
    private static Boolean ping;

    private Tools() {
    }

    /** The ucarp binary, if installed ({@code /usr/sbin/ucarp} on Debian). */
    static Optional<Path> ucarp() {
        return which("ucarp");
    }

    static synchronized boolean hasPing() {
        if (ping == null) {
            ping = which("ping").isPresent();
        }
        return ping;
    }

    /** Whether some ICMP echo client is available: {@code ping}, or Perl with Net::Ping. */
    static boolean canPing() {
        return hasPing() || Commands.run("perl", "-MNet::Ping", "-e", "1").ok();
    }

    /** Looks for {@code program} on PATH and in the sbin directories, which a non-login root PATH may lack. */
    static Optional<Path> which(String program) {
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
