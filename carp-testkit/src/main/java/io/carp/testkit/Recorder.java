package io.carp.testkit;

import io.carp.CarpStateEvent;
import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.protocol.InboundPacket;
import io.carp.IpFamily;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** What a simulated network saw: every advertisement sent, every transition and every fault, in order. */
final class Recorder {
    private final EventScheduler scheduler;
    private final List<RecordedAdvertisement> advertisements = new ArrayList<>();
    private final List<RecordedTransition> transitions = new ArrayList<>();
    private final List<String> timeline = new ArrayList<>();
    private int taken;

    Recorder(EventScheduler scheduler) {
        this.scheduler = scheduler;
    }

    void advertisement(String sender, IpFamily family, InetAddress source, byte[] packet) {
        advertisements.add(RecordedAdvertisement.decode(advertisements.size(), scheduler.now(), sender, family,
                source, packet));
    }

    void transition(String node, CarpStateEvent event) {
        RecordedTransition t = new RecordedTransition(event.nanoTime(), node, event.vhid(), event.from(), event.to(),
                event.reason());
        transitions.add(t);
        timeline.add(t.toString());
    }

    /** A line in the timeline about a node or the network, e.g. {@code t=10.000s A killed}. */
    void event(String subject, String text) {
        timeline.add("t=" + Times.format(scheduler.now()) + " " + subject + " " + text);
    }

    Optional<RecordedAdvertisement> take() {
        return taken < advertisements.size() ? Optional.of(advertisements.get(taken++)) : Optional.empty();
    }

    int advertisementCount() {
        return advertisements.size();
    }

    List<RecordedAdvertisement> advertisements() {
        return Collections.unmodifiableList(new ArrayList<>(advertisements));
    }

    List<RecordedTransition> transitions() {
        return Collections.unmodifiableList(new ArrayList<>(transitions));
    }

    List<String> timeline() {
        return Collections.unmodifiableList(new ArrayList<>(timeline));
    }

    /** The last {@code lines} lines, one per line, for failure messages. */
    String tail(int lines) {
        int from = Math.max(0, timeline.size() - lines);
        StringBuilder sb = new StringBuilder();
        if (from > 0) {
            sb.append("  ... (").append(from).append(" earlier lines)\n");
        }
        for (String line : timeline.subList(from, timeline.size())) {
            sb.append("  ").append(line).append('\n');
        }
        return sb.length() == 0 ? "  (empty)\n" : sb.toString();
    }
}
