package io.carp.spring.boot;

import io.carp.CarpClock;

import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.testkit.SimulatedNetwork;
import io.carp.testkit.SimulatedNode;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * This application's node on a simulated network ({@code carp.runtime=simulated}): the testkit's
 * {@link SimulatedNetwork}, driven in real time by one daemon thread per network, so that the groups run without root
 * and without packets on any wire. Application contexts in one JVM that name the same {@code carp.simulated.network}
 * share it, so a test can run two instances of an application and watch one take over from the other.
 *
 * <p>The simulation is single-threaded: {@link #call} runs code on its thread (and so may use the
 * {@link SimulatedNetwork} and {@link SimulatedNode} API, e.g. {@code node.kill()}); the groups of
 * {@link CarpGroups} are driven there too. Simulated time runs {@code carp.simulated.time-scale} times faster than the
 * wall clock.
 */
public final class SimulatedCarpNetwork implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SimulatedCarpNetwork.class.getName());
    private static final Map<String, Driver> DRIVERS = new HashMap<>();
    private static final long CALL_TIMEOUT_SECONDS = 10;

    private final Driver driver;
    private final SimulatedNode node;
    private boolean closed;

    private SimulatedCarpNetwork(Driver driver, SimulatedNode node) {
        this.driver = driver;
        this.node = node;
    }

    /**
     * Joins (creating if needed) the named network with a new node.
     *
     * @param network   the network's name
     * @param nodeName  the node's name; made unique with a suffix if taken
     * @param ipv4      the node's IPv4 address, or null for the automatic one
     * @param timeScale simulated seconds per wall-clock second, if this call creates the network
     */
    static SimulatedCarpNetwork join(String network, String nodeName, String ipv4, double timeScale) {
        Objects.requireNonNull(network, "network");
        if (!(timeScale > 0) || timeScale > 1000) {
            throw new CarpConfigurationException("carp.simulated.time-scale", "carp.simulated.time-scale: " + timeScale
                    + " (expected: more than 0, at most 1000)");
        }
        Driver driver;
        synchronized (DRIVERS) {
            driver = DRIVERS.computeIfAbsent(network, n -> new Driver(n, timeScale));
            driver.users++;
        }
        try {
            SimulatedNode node = driver.call(net -> {
                String name = nodeName;
                for (int i = 2; nameTaken(net, name); i++) {
                    name = nodeName + "-" + i;
                }
                return net.node(name, ipv4, null);
            });
            return new SimulatedCarpNetwork(driver, node);
        } catch (RuntimeException e) {
            release(driver);
            throw e;
        }
    }

    private static boolean nameTaken(SimulatedNetwork net, String name) {
        return net.nodes().stream().anyMatch(n -> n.name().equals(name));
    }

    /** The network's name ({@code carp.simulated.network}). */
    public String networkName() {
        return driver.name;
    }

    /** This application's node name on the network. */
    public String nodeName() {
        return node.name();
    }

    /**
     * This application's node. Use it only inside {@link #call}: the simulation is single-threaded.
     *
     * @return the node
     */
    public SimulatedNode node() {
        return node;
    }

    /**
     * Runs code on the simulation thread and waits for it (at most 10 s). Runs inline when called on that thread.
     *
     * @param action gets the network; may use it and its nodes, e.g. start a peer or kill a node
     * @param <T>    the result type
     * @return what the action returned
     */
    public <T> T call(Function<SimulatedNetwork, T> action) {
        return driver.call(action);
    }

    /** The process of this application's node dies at once (no bow-out), as a SIGKILL would end a real one. */
    public void kill() {
        call(net -> {
            node.kill();
            return null;
        });
    }

    /** The simulated time since the network was created. */
    public Duration now() {
        return call(SimulatedNetwork::now);
    }

    /**
     * Builds a group on this node (not started). Its health checks run on the simulation thread, as the testkit's
     * own nodes run them: the simulated loop takes work from that thread only.
     */
    CarpGroup build(CarpGroupBuilder builder) {
        return builder.runtime(node).healthCheckExecutor(Runnable::run).build();
    }

    <T> T callOnLoop(Supplier<T> operation) {
        return driver.call(net -> operation.get());
    }

    /** Leaves the network: the node's groups are closed if still running; the last node out stops the thread. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            driver.call(net -> {
                if (node.isRunning() && !node.isFrozen()) {
                    node.close();
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "simulated node {0}: close failed: {1}", node.name(), e.toString());
        }
        release(driver);
    }

    private static void release(Driver driver) {
        synchronized (DRIVERS) {
            if (--driver.users == 0) {
                DRIVERS.remove(driver.name);
                driver.stop();
            }
        }
    }

    @Override
    public String toString() {
        return "simulated (network " + driver.name + ", node " + node.name() + ")";
    }

    /** One network and the thread that owns it and advances its clock with the wall clock. */
    private static final class Driver implements Runnable {
        private static final long TICK_MILLIS = 2;

        final String name;
        final double timeScale;
        int users; // guarded by DRIVERS
        private final Thread thread;
        private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
        private final CountDownLatch ready = new CountDownLatch(1);
        private volatile boolean stopping;
        private SimulatedNetwork network;

        Driver(String name, double timeScale) {
            this.name = name;
            this.timeScale = timeScale;
            this.thread = new Thread(this, "carp-simulated-" + name);
            thread.setDaemon(true);
            thread.start();
            try {
                ready.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void run() {
            network = SimulatedNetwork.create();
            ready.countDown();
            long last = CarpClock.system().nanoTime();
            double carry = 0;
            while (!stopping) {
                try {
                    Runnable task = tasks.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
                    while (task != null) {
                        task.run();
                        task = tasks.poll();
                    }
                } catch (InterruptedException e) {
                    break;
                }
                long now = CarpClock.system().nanoTime();
                double step = (now - last) * timeScale + carry;
                last = now;
                long whole = (long) step;
                carry = step - whole;
                try {
                    network.advanceBy(Duration.ofNanos(whole));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "simulated network {0}: {1}", name, e.toString());
                }
            }
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run(); // fails the callers' futures below, or runs the last close
            }
            network.close();
        }

        <T> T call(Function<SimulatedNetwork, T> action) {
            if (Thread.currentThread() == thread) {
                return action.apply(network);
            }
            FutureTask<T> task = new FutureTask<>(() -> action.apply(network));
            if (stopping || !thread.isAlive()) {
                throw new IllegalStateException("simulated network " + name + " is stopped");
            }
            tasks.add(task);
            try {
                return task.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for simulated network " + name, e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(cause);
            } catch (TimeoutException e) {
                throw new IllegalStateException("simulated network " + name + " did not answer in "
                        + CALL_TIMEOUT_SECONDS + " s", e);
            }
        }

        void stop() {
            stopping = true;
            if (Thread.currentThread() != thread) {
                try {
                    thread.join(TimeUnit.SECONDS.toMillis(CALL_TIMEOUT_SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
