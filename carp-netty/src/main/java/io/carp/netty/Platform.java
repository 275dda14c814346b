package io.carp.netty;

import io.netty.channel.epoll.Epoll;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Whether this JVM can run the Linux runtime: Linux, on a CPU for which carp-netty ships Netty's native epoll library
 * ({@code netty-transport-native-epoll}, classifiers {@code linux-x86_64} and {@code linux-aarch_64}), and that library
 * loaded. Checked when a {@link NettyCarpRuntime} is built, so that an unsupported platform fails there with one
 * sentence instead of a linkage error at the first {@code start()}.
 */
final class Platform {
    /** {@code os.arch} values of the CPUs with a native epoll jar on carp-netty's class path. */
    static final Set<String> SUPPORTED_ARCHES = Set.of("amd64", "x86_64", "aarch64");

    private Platform() {
    }

    /**
     * Fails unless this JVM can run the Linux runtime.
     *
     * @throws UnsupportedOperationException one line: the platform found and the platforms supported
     */
    static void requireSupported() {
        problem(System.getProperty("os.name", "?"), System.getProperty("os.arch", "?"), Epoll::isAvailable,
                Epoll::unavailabilityCause).ifPresent(message -> {
                    throw new UnsupportedOperationException(message);
                });
    }

    /**
     * Why the Linux runtime cannot run here, in one line, or empty if it can.
     *
     * @param osName     {@code os.name}
     * @param osArch     {@code os.arch}
     * @param epoll      whether Netty's native epoll library loaded (asked only on a supported OS and CPU)
     * @param epollCause why it did not load
     * @return the message, or empty
     */
    static Optional<String> problem(String osName, String osArch, Supplier<Boolean> epoll,
                                    Supplier<Throwable> epollCause) {
        String found = osName + " " + osArch;
        String supported = "NettyCarpRuntime supports Linux on x86-64 and aarch64 only";
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Optional.of(supported + "; this JVM runs on " + found
                    + " (use carp-testkit's simulated network to run groups elsewhere)");
        }
        if (!SUPPORTED_ARCHES.contains(osArch.toLowerCase(Locale.ROOT))) {
            return Optional.of(supported + "; this JVM runs on " + found
                    + " (carp-netty has Netty's native epoll library for those two CPUs only, in a 64-bit JVM)");
        }
        if (!epoll.get()) {
            return Optional.of("NettyCarpRuntime cannot load Netty's native epoll library on " + found + ": "
                    + firstLine(epollCause.get())
                    + " (is netty-transport-native-epoll for this CPU on the class path?)");
        }
        return Optional.empty();
    }

    private static String firstLine(Throwable t) {
        if (t == null) {
            return "no cause given";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getClass().getSimpleName() + ": " + root.getMessage();
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).strip();
    }
}
