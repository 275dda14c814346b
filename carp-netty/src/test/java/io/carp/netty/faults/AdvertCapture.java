package io.carp.netty.faults;

import io.carp.netty.testing.Await;
import io.carp.netty.testing.LiveLab.Host;
import io.carp.netty.testing.LiveProcess;
import java.util.ArrayList;
import java.util.List;
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

    private final LiveProcess tcpdump;

    private AdvertCapture(LiveProcess tcpdump) {
        this.tcpdump = tcpdump;
    }

    /**
     * Starts tcpdump on a host's interface and waits until it listens.
     *
     * @param host the host
     * @return the capture; close it
     */
    static AdvertCapture start(Host host) {
        LiveProcess tcpdump = LiveProcess.in("tcpdump@" + host.name(), host.ns(), List.of("tcpdump", "-i",
                host.ifname(), "-n", "-tt", "-l", "--immediate-mode", "-T", "carp", "ip proto 112"));
        AdvertCapture capture = new AdvertCapture(tcpdump);
        try {
            Await.await("tcpdump listening on " + host.ifname(), 10_000,
                    () -> tcpdump.printed(l -> l.startsWith("listening on")), tcpdump::output);
        } catch (AssertionError e) {
            capture.close();
            throw e;
        }
        return capture;
    }

    /** The adverts of a vhid received between two wall-clock times (seconds since the epoch). */
    List<Advert> between(int vhid, double fromEpochSeconds, double toEpochSeconds) {
        List<Advert> out = new ArrayList<>();
        for (String line : tcpdump.texts()) {
            Matcher m = ADVERT.matcher(line);
            if (!m.find()) {
                continue;
            }
            Advert a = new Advert(Double.parseDouble(m.group(1)), m.group(2), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
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
        tcpdump.close();
    }
}
