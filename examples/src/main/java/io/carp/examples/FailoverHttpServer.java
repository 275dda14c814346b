package io.carp.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.netty.NettyCarpRuntime;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * An HTTP server that listens on a virtual address only while its node is the CARP master: it starts on
 * {@code onMaster} and stops on {@code onBackup} (which also covers leaving MASTER for INIT). With
 * {@code manageAddresses(true)} the library has added the address to the interface before {@code onMaster} runs, and
 * removes it when leaving MASTER. Every answer names the node that served it, so a client sees the failover.
 *
 * <pre>
 * java -cp carp-examples.jar io.carp.examples.FailoverHttpServer --interface eth0 --vhid 70 --pass secret \
 *      --addr 198.18.70.100 --port 8080 --advskew 0 --name node-a
 * </pre>
 *
 * <p>Threads: {@link #start()} and {@link #close()} from any thread; the server is started and stopped on the group's
 * callback thread, and requests are answered on the HTTP server's dispatcher thread.
 */
public final class FailoverHttpServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FailoverHttpServer.class.getName());
    /** Binding can fail for a moment after the address was added (e.g. IPv6 duplicate address detection). */
    private static final int BIND_ATTEMPTS = 20;
    private static final long BIND_RETRY_MILLIS = 50;

    private final CarpGroup group;
    private final InetSocketAddress listenAddress;
    private final String nodeName;
    private final AtomicLong requests = new AtomicLong();
    private final Object lock = new Object();
    private HttpServer server;

    private FailoverHttpServer(CarpGroupBuilder group, InetSocketAddress listenAddress, String nodeName) {
        this.listenAddress = Objects.requireNonNull(listenAddress, "listenAddress");
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.group = group.onMaster(this::startServing).onBackup(this::stopServing).build();
    }

    /**
     * Creates a server for a configured group; nothing runs until {@link #start()}.
     *
     * @param group         a builder with the group's settings and runtime; its onMaster/onBackup are added here
     * @param listenAddress where to listen while MASTER, normally the virtual address and a port
     * @param nodeName      put in every answer, e.g. the host name
     * @return the server
     * @throws IllegalArgumentException if the group's configuration is invalid
     */
    public static FailoverHttpServer create(CarpGroupBuilder group, InetSocketAddress listenAddress,
                                            String nodeName) {
        return new FailoverHttpServer(group, listenAddress, nodeName);
    }

    /** Joins the group; the server starts listening once this node becomes MASTER. */
    public void start() {
        group.start();
    }

    /** The group's state. */
    public CarpState state() {
        return group.state();
    }

    /** Whether the HTTP server is listening now. */
    public boolean isServing() {
        synchronized (lock) {
            return server != null;
        }
    }

    /** Leaves the group (a MASTER bows out so that a backup takes over at once) and stops listening. Idempotent. */
    @Override
    public void close() {
        group.close();
        stop("closed");
    }

    private void startServing(CarpStateEvent event) {
        synchronized (lock) {
            if (server != null) {
                return;
            }
            IOException last = null;
            for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
                try {
                    HttpServer s = HttpServer.create(listenAddress, 50);
                    s.createContext("/", this::answer);
                    s.start();
                    server = s;
                    LOG.log(Level.INFO, "{0}: serving http://{1}:{2}/ ({3})", nodeName,
                            literal(listenAddress.getAddress()), String.valueOf(listenAddress.getPort()), event);
                    return;
                } catch (IOException e) {
                    last = e;
                    sleep(BIND_RETRY_MILLIS);
                }
            }
            LOG.log(Level.ERROR, "{0}: cannot listen on {1}: {2}", nodeName, listenAddress, last.getMessage());
        }
    }

    private void stopServing(CarpStateEvent event) {
        stop(event.toString());
    }

    private void stop(String why) {
        HttpServer s;
        synchronized (lock) {
            s = server;
            server = null;
        }
        if (s != null) {
            s.stop(0);
            LOG.log(Level.INFO, "{0}: stopped serving ({1})", nodeName, why);
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        byte[] body = (nodeName + " vhid " + group.config().vhid() + " " + group.state() + " request "
                + requests.incrementAndGet() + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String literal(InetAddress address) {
        return address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]"
                : address.getHostAddress();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs one node on Linux ({@link NettyCarpRuntime}; needs root or CAP_NET_RAW + CAP_NET_ADMIN) until SIGTERM or
     * SIGINT, then bows out.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL [%4$s] %5$s%6$s%n");
        Args a = new Args();
        CommandLine commandLine = new CommandLine(a);
        try {
            commandLine.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            System.err.println("FailoverHttpServer: " + e.getMessage());
            System.exit(1);
        }
        if (commandLine.isUsageHelpRequested()) {
            commandLine.usage(System.out);
            return;
        }
        CarpGroupBuilder group;
        InetSocketAddress listen;
        try {
            group = CarpGroup.builder()
                    .interfaceName(a.interfaceName)
                    .vhid(a.vhid)
                    .password(a.password)
                    .virtualAddress(a.address)
                    .advbase(a.advbase)
                    .advskew(a.advskew)
                    .preempt(a.preempt)
                    .manageAddresses(true);
            listen = new InetSocketAddress(group.buildConfig().virtualAddresses().get(0), a.port);
        } catch (IllegalArgumentException e) {
            System.err.println("FailoverHttpServer: " + e.getMessage());
            System.exit(1);
            return;
        }
        // This program orders its own shutdown (the server, then the runtime), so the runtime's hook is off.
        NettyCarpRuntime runtime = NettyCarpRuntime.builder().bowOutOnShutdown(false).build();
        FailoverHttpServer server = create(group.runtime(runtime), listen, a.name != null ? a.name : a.interfaceName);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            runtime.close();
            stopped.countDown();
        }, "failover-http-server-stop"));
        try {
            server.start();
        } catch (RuntimeException e) {
            System.err.println("FailoverHttpServer: cannot start: " + e.getMessage());
            System.exit(2);
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Command(name = "FailoverHttpServer", sortOptions = false, mixinStandardHelpOptions = false,
            description = "Serves HTTP on the virtual address while this node is the CARP master.")
    static final class Args {
        @Option(names = "--interface", required = true, description = "network interface, e.g. eth0")
        String interfaceName;
        @Option(names = "--vhid", required = true, description = "virtual host id, 1-255")
        int vhid;
        @Option(names = "--pass", required = true, description = "shared password, 1-19 bytes")
        String password;
        @Option(names = "--addr", required = true, description = "the virtual address to serve on")
        String address;
        @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE})")
        int port;
        @Option(names = "--advbase", defaultValue = "1", description = "advertisement base, s (default 1)")
        int advbase;
        @Option(names = "--advskew", defaultValue = "0", description = "advertisement skew, 0-254 (default 0)")
        int advskew;
        @Option(names = "--preempt", description = "take over from a slower master")
        boolean preempt;
        @Option(names = "--name", description = "node name put in answers (default: the interface name)")
        String name;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
        boolean help;
    }
}
