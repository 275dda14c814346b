package io.carp.examples.spring.live;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A client that polls one URL every 10 ms, each request on a new connection, until it has run for the given time, and
 * prints one line per request: {@code POLL <epoch ms> <latency ms> ok <node>} or
 * {@code POLL <epoch ms> <latency ms> fail <error>}. Run in a client namespace by the live test.
 *
 * <pre>java HttpPoller http://198.18.100.100:8081/hello 60000</pre>
 */
public final class HttpPoller {
    private static final long PERIOD_MILLIS = 10;
    private static final int TIMEOUT_MILLIS = 5_000;

    private HttpPoller() {
    }

    /**
     * Polls.
     *
     * @param args the URL, and how long to run in milliseconds
     */
    public static void main(String[] args) throws InterruptedException {
        System.setProperty("http.keepAlive", "false"); // a new connection each time, as many short clients make
        URI uri = URI.create(args[0]);
        long end = System.currentTimeMillis() + Long.parseLong(args[1]);
        while (System.currentTimeMillis() < end) {
            long start = System.currentTimeMillis();
            String result;
            try {
                result = "ok " + node(get(uri));
            } catch (IOException | RuntimeException e) {
                result = "fail " + e.toString().replace('\n', ' ');
            }
            long now = System.currentTimeMillis();
            System.out.println("POLL " + start + " " + (now - start) + " " + result);
            System.out.flush();
            Thread.sleep(PERIOD_MILLIS);
        }
        System.out.println("POLL DONE");
    }

    private static String get(URI uri) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setConnectTimeout(TIMEOUT_MILLIS);
        c.setReadTimeout(TIMEOUT_MILLIS);
        c.setUseCaches(false);
        try {
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (status != 200) {
                    throw new IOException("HTTP " + status + " " + body);
                }
                return body;
            }
        } finally {
            c.disconnect();
        }
    }

    /** {@code hello from a (MASTER) on ...} gives {@code a}. */
    private static String node(String body) throws IOException {
        String prefix = "hello from ";
        if (!body.startsWith(prefix)) {
            throw new IOException("unexpected answer: " + body.strip());
        }
        int space = body.indexOf(' ', prefix.length());
        return body.substring(prefix.length(), space < 0 ? body.length() : space);
    }
}
