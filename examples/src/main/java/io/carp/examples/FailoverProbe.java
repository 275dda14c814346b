package io.carp.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * A client for the failover demo: sends {@code GET /} on a new connection every few milliseconds, prints a line each
 * time the answering node changes or requests start or stop failing, and at the end the number of requests lost and
 * the longest outage (from the last answer before failed requests to the next answer).
 *
 * <pre>java -cp carp-examples.jar io.carp.examples.FailoverProbe &lt;host&gt; &lt;port&gt; &lt;seconds&gt; [intervalMillis]</pre>
 */
public final class FailoverProbe {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final int TIMEOUT_MILLIS = 200;

    private FailoverProbe() {
    }

    /**
     * Runs the probe.
     *
     * @param args host, port, duration in seconds, optional interval in milliseconds (default 10)
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 3) {
            System.err.println("usage: FailoverProbe <host> <port> <seconds> [intervalMillis]");
            System.exit(1);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        long endNanos = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
        long intervalMillis = args.length > 3 ? Long.parseLong(args[3]) : 10;

        long sent = 0;
        long failed = 0;
        String lastAnswer = null;
        long outageStart = -1;
        long longestOutage = 0;
        long lastSuccess = -1;
        while (System.nanoTime() < endNanos) {
            long t = System.nanoTime();
            sent++;
            String answer = get(host, port);
            boolean ok = answer.startsWith("200 ");
            if (ok) {
                String node = answer.substring(4).split(" ")[0];
                if (outageStart >= 0) {
                    long outage = t - outageStart;
                    longestOutage = Math.max(longestOutage, outage);
                    print("recovered after " + millis(outage) + " ms of outage");
                    outageStart = -1;
                }
                if (!node.equals(lastAnswer)) {
                    print("served by " + node);
                    lastAnswer = node;
                }
                lastSuccess = t;
            } else {
                failed++;
                if (outageStart < 0) {
                    // The client's view of the outage starts at the last answer it got.
                    outageStart = lastSuccess >= 0 ? lastSuccess : t;
                    print("request failed: " + answer);
                    lastAnswer = null;
                }
            }
            long sleep = intervalMillis - (System.nanoTime() - t) / 1_000_000;
            if (sleep > 0) {
                Thread.sleep(sleep);
            }
        }
        if (outageStart >= 0) {
            long outage = System.nanoTime() - outageStart;
            longestOutage = Math.max(longestOutage, outage);
            print("still failing at the end, for " + millis(outage) + " ms");
        }
        System.out.println("RESULT requests=" + sent + " lost=" + failed + " longest_outage_ms="
                + millis(longestOutage));
    }

    /** "200 body" or a short error description. */
    private static String get(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            s.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = response.startsWith("HTTP/1.") && response.length() >= 12
                    ? Integer.parseInt(response.substring(9, 12)) : -1;
            int body = response.indexOf("\r\n\r\n");
            return status + " " + (body >= 0 ? response.substring(body + 4).trim() : "");
        } catch (IOException | NumberFormatException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static void print(String what) {
        System.out.println(TIME.format(LocalTime.now()) + " " + what);
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
