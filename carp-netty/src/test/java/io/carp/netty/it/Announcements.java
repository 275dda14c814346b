package io.carp.netty.it;

import io.carp.netty.testing.LiveLab.Host;
import io.carp.netty.testing.LiveProcess;
import io.carp.netty.testing.Tools;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Counts the gratuitous ARPs (and ARP replies) that announce an address, as a {@code tcpdump} in a host of the lab
 * sees them: lines {@code Request who-has VIP (ff:ff:ff:ff:ff:ff) tell VIP} and {@code Reply VIP is-at MAC}, with their arrival
 * times, so that tests can check a periodic refresh.
 */
final class Announcements implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on");
    private final LiveProcess tcpdump;
    private final Pattern announcing;

    private Announcements(LiveProcess tcpdump, String address) {
        this.tcpdump = tcpdump;
        String a = Pattern.quote(address);
        this.announcing = Pattern.compile("(Request who-has " + a + "( \\([0-9a-f:]+\\))? tell " + a + ",|Reply " + a
                + " is-at)");
    }

    /** Starts {@code tcpdump -l -n -e arp} on {@code eth0} of {@code host} and waits until it listens. */
    static Announcements watch(Host host, String address) {
        LiveProcess p = host.start("tcpdump-arp", List.of(Tools.which("tcpdump").orElseThrow().toString(), "-i",
                host.ifname(), "-l", "-n", "-e", "arp"));
        p.awaitLine(LISTENING, Duration.ofSeconds(10));
        return new Announcements(p, address);
    }

    /** The announcement lines seen so far. */
    List<LiveProcess.Line> lines() {
        return tcpdump.linesMatching(announcing);
    }

    /** How many announcements arrived after output line {@code mark} ({@link #mark()}). */
    int countSince(int mark) {
        return (int) lines().stream().filter(l -> l.index() >= mark).count();
    }

    /** A position in tcpdump's output. */
    int mark() {
        return tcpdump.lineCount();
    }

    /** The source MACs of the announcements (tcpdump -e prints "SRC > DST"), in order. */
    List<String> sourceMacs() {
        return lines().stream().map(l -> l.text().replaceAll("^.*?([0-9a-f:]{17}) > .*$", "$1")).toList();
    }

    @Override
    public void close() {
        tcpdump.close();
    }
}
