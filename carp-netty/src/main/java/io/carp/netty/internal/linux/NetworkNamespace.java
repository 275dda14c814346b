package io.carp.netty.internal.linux;

import com.sun.jna.LastErrorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Where sockets are opened. A socket stays in the network namespace it was created in, so code that must work on
 * another namespace creates its sockets on a short-lived thread that first enters it with {@code setns(2)}; the
 * calling thread and the event loop are never moved.
 */
public final class NetworkNamespace {
    private static final NetworkNamespace CURRENT = new NetworkNamespace(null, "the current network namespace");

    private final Path path;
    private final String description;

    private NetworkNamespace(Path path, String description) {
        this.path = path;
        this.description = description;
    }

    /** The namespace of the calling thread: actions run inline. */
    public static NetworkNamespace current() {
        return CURRENT;
    }

    /**
     * A named namespace ({@code /run/netns/NAME}, as {@code ip netns add NAME} creates) or a namespace file given by
     * absolute path (e.g. {@code /proc/PID/ns/net}).
     *
     * @param nameOrPath the name or an absolute path
     * @return the namespace
     * @throws IllegalArgumentException if the file does not exist
     */
    public static NetworkNamespace of(String nameOrPath) {
        Path p = nameOrPath.startsWith("/") ? Path.of(nameOrPath) : Path.of("/run/netns", nameOrPath);
        if (!Files.exists(p)) {
            throw new IllegalArgumentException("networkNamespace: " + nameOrPath + " (expected: a name listed by"
                    + " `ip netns list`, or the absolute path of a namespace file; " + p + " does not exist)");
        }
        return new NetworkNamespace(p, "network namespace " + nameOrPath);
    }

    /** Whether this is the calling thread's namespace. */
    public boolean isCurrent() {
        return path == null;
    }

    /**
     * Runs an action inside the namespace: inline for {@link #current()}, else on a fresh thread that enters the
     * namespace first (needs {@code CAP_SYS_ADMIN}).
     *
     * @param action what to run, typically opening sockets
     * @param <T>    the result type
     * @return the action's result
     * @throws IllegalStateException if the namespace cannot be entered; the action's own exceptions pass through
     */
    public <T> T call(Supplier<T> action) {
        if (path == null) {
            return action.get();
        }
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                enter();
                result.set(action.get());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "carp-netns-" + path.getFileName());
        t.setDaemon(true);
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable e = failure.get();
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return result.get();
    }

    private void enter() {
        int fd;
        try {
            fd = LibC.open(path.toString(), Linux.O_RDONLY | Linux.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IllegalStateException("cannot open " + path + ": " + Errno.describe(e.getErrorCode()));
        }
        try {
            LibC.setns(fd, Linux.CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw new IllegalStateException("cannot enter " + description + ": setns: "
                    + Errno.describe(e.getErrorCode()) + (e.getErrorCode() == Errno.EPERM
                    ? " (entering a namespace needs CAP_SYS_ADMIN)" : ""));
        } finally {
            LibC.closeQuietly(fd);
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
