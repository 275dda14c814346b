package io.carp.netty.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CARP advertisements seen on a host's interface, captured with {@code tcpdump -tt -T carp}: kernel receive
 * timestamps, so the gaps between adverts are measured on the wire and not by a polling loop.
 */
final class AdvertCapture implements AutoCloseable {
    private static final Pattern ADVERT = Pattern.compile("^(\\d+\\.\\d+) IP (\\S+) > 224\\.0\\.0\\.18:"
            + " CARPv2-advertise 36: vhid=(\\d+) advbase=(\\d+) advskew=(\\d+)");

    /**
     * One advertisement.
     *
     * @param epochSeconds the kernel's receive time (wall clock, seconds since the epoch)
     * @param source       the sender's IPv4 address
     * @param vhid         the vhid
     * @param advbase      its advbase
     * @param advskew      its advskew
     */
    record Advert(double epochSeconds, String source, int vhid, int advbase, int advskew) {
        /** The interval the sender announces, in seconds. */
        double intervalSeconds() {
            return advbase + advskew / 256.0;
        }
    }

    private final Process process;
    private final List<Advert> adverts = new CopyOnWriteArrayList<>();
    private final List<String> other = new CopyOnWriteArrayList<>();
    private volatile boolean listening;

    private AdvertCapture(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = ADVERT.matcher(line);
                    if (m.find()) {
                        adverts.add(new Advert(Double.parseDouble(m.group(1)), m.group(2),
                                Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
                                Integer.parseInt(m.group(5))));
                    } else {
                        if (line.startsWith("listening on")) {
                            listening = true;
                        }
                        other.add(line);
                    }
                }
            } catch (IOException e) {
                other.add("READ FAILED " + e);
            }
        }, "flt-tcpdump-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts tcpdump on a host's interface and waits until it listens.
     *
     * @param host the host
     * @return the capture; close it
     */
    static AdvertCapture start(FaultLab.Host host) {
        Process p;
        try {
            p = new ProcessBuilder("ip", "netns", "exec", host.ns(), "tcpdump", "-i", host.ifname(), "-n", "-tt",
                    "-l", "--immediate-mode", "-T", "carp", "ip proto 112").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start tcpdump", e);
        }
        AdvertCapture capture = new AdvertCapture(p);
        try {
            FaultLab.await("tcpdump listening on " + host.ifname(), 10_000, () -> capture.listening,
                    () -> "tcpdump said: " + capture.other);
        } catch (AssertionError e) {
            capture.close();
            throw e;
        }
        return capture;
    }

    /** The adverts of a vhid received between two wall-clock times (seconds since the epoch). */
    List<Advert> between(int vhid, double fromEpochSeconds, double toEpochSeconds) {
        List<Advert> out = new ArrayList<>();
        for (Advert a : adverts) {
            if (a.vhid() == vhid && a.epochSeconds() >= fromEpochSeconds && a.epochSeconds() <= toEpochSeconds) {
                out.add(a);
            }
        }
        return out;
    }

    /** The current wall-clock time in seconds, comparable with {@link Advert#epochSeconds()}. */
    static double nowEpochSeconds() {
        return System.currentTimeMillis() / 1000.0;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
