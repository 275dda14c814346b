package io.carp.micrometer;

import static io.carp.micrometer.CarpMetricNames.ADDRESS_CLAIMS;
import static io.carp.micrometer.CarpMetricNames.ADDRESS_CLAIM_DURATION;
import static io.carp.micrometer.CarpMetricNames.ADDRESS_FAILURES;
import static io.carp.micrometer.CarpMetricNames.ADVERTISEMENT_AGE;
import static io.carp.micrometer.CarpMetricNames.CALLBACK_FAILURES;
import static io.carp.micrometer.CarpMetricNames.DEMOTION;
import static io.carp.micrometer.CarpMetricNames.DRAINING;
import static io.carp.micrometer.CarpMetricNames.FAMILY_IPV4;
import static io.carp.micrometer.CarpMetricNames.FAMILY_IPV6;
import static io.carp.micrometer.CarpMetricNames.MASTER_DOWN_INTERVAL;
import static io.carp.micrometer.CarpMetricNames.PACKETS_DROPPED;
import static io.carp.micrometer.CarpMetricNames.PACKETS_RECEIVED;
import static io.carp.micrometer.CarpMetricNames.PACKETS_SENT;
import static io.carp.micrometer.CarpMetricNames.RELEASE_DELAYS;
import static io.carp.micrometer.CarpMetricNames.SEND_ERRORS;
import static io.carp.micrometer.CarpMetricNames.STATE;
import static io.carp.micrometer.CarpMetricNames.STATE_ORDER;
import static io.carp.micrometer.CarpMetricNames.TAG_FAMILY;
import static io.carp.micrometer.CarpMetricNames.TAG_FROM;
import static io.carp.micrometer.CarpMetricNames.TAG_INTERFACE;
import static io.carp.micrometer.CarpMetricNames.TAG_PROTOCOL;
import static io.carp.micrometer.CarpMetricNames.TAG_REASON;
import static io.carp.micrometer.CarpMetricNames.TAG_STATE;
import static io.carp.micrometer.CarpMetricNames.TAG_TO;
import static io.carp.micrometer.CarpMetricNames.TAG_VHID;
import static io.carp.micrometer.CarpMetricNames.TRANSITIONS;

import io.carp.CarpGroup;
import io.carp.StateChangeCause;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.CarpStats;
import io.carp.DropReason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one group: registers them in a registry, and counts the group's transitions by {@link TransitionKey}.
 *
 * <p>Meters hold the group (and the transition counts) through Micrometer's default weak reference, so a registry
 * never keeps a discarded group alive: its gauges then read NaN and its counters keep their last value.
 */
final class GroupMeters {
    private final CarpGroup group;
    private final Tags tags;
    private final Map<TransitionKey, AtomicLong> transitions = new ConcurrentHashMap<>();

    GroupMeters(CarpGroup group) {
        this.group = group;
        this.tags = Tags.of(TAG_VHID, Integer.toString(group.config().vhid()),
                TAG_INTERFACE, group.config().interfaceLabel(), TAG_PROTOCOL, group.config().protocol().tag());
        for (StateChangeCause reason : StateChangeCause.values()) {
            for (TransitionEdges.Edge edge : TransitionEdges.of(reason)) {
                transitions.put(new TransitionKey(edge.from(), edge.to(), reason), new AtomicLong());
            }
        }
    }

    CarpGroup group() {
        return group;
    }

    Tags tags() {
        return tags;
    }

    /**
     * Counts one transition.
     *
     * @param event     the transition
     * @param onNewKey  called (before counting) with a key that had no series yet, to register it
     */
    void count(CarpStateEvent event, Consumer<TransitionKey> onNewKey) {
        TransitionKey key = TransitionKey.of(event);
        AtomicLong counter = transitions.get(key);
        if (counter == null) {
            AtomicLong fresh = new AtomicLong();
            counter = transitions.putIfAbsent(key, fresh);
            if (counter == null) {
                counter = fresh;
                onNewKey.accept(key);
            }
        }
        counter.incrementAndGet();
    }

    /**
     * Registers every meter of this group.
     *
     * @param registry where
     * @param sink     receives each registered meter (for removal)
     */
    void register(MeterRegistry registry, Consumer<Meter> sink) {
        sink.accept(counter(registry, PACKETS_RECEIVED, TAG_FAMILY, FAMILY_IPV4, CarpStats::ipv4PacketsReceived,
                "Authenticated CARP advertisements received for this group (BSD carps_ipackets)"));
        sink.accept(counter(registry, PACKETS_RECEIVED, TAG_FAMILY, FAMILY_IPV6, CarpStats::ipv6PacketsReceived,
                "Authenticated CARP advertisements received for this group (BSD carps_ipackets6)"));
        sink.accept(counter(registry, PACKETS_SENT, TAG_FAMILY, FAMILY_IPV4, CarpStats::ipv4PacketsSent,
                "CARP advertisements sent, bow-out included (BSD carps_opackets)"));
        sink.accept(counter(registry, PACKETS_SENT, TAG_FAMILY, FAMILY_IPV6, CarpStats::ipv6PacketsSent,
                "CARP advertisements sent, bow-out included (BSD carps_opackets6)"));
        for (DropReason reason : DropReason.values()) {
            sink.accept(counter(registry, PACKETS_DROPPED, TAG_REASON, reason.tag(), s -> s.dropped(reason),
                    "Packets carrying this group's vhid that were dropped, by reason"));
        }
        sink.accept(counter(registry, SEND_ERRORS, null, null, CarpStats::sendErrors,
                "Advertisements the runtime failed to send"));
        sink.accept(counter(registry, CALLBACK_FAILURES, null, null, CarpStats::callbackFailures,
                "User callbacks that threw; the protocol went on"));
        sink.accept(counter(registry, ADDRESS_FAILURES, null, null, CarpStats::addressFailures,
                "Failures to claim, release, announce or refresh the virtual addresses"));
        sink.accept(counter(registry, ADDRESS_CLAIMS, null, null, CarpStats::claims,
                "Successful claims of the virtual addresses (MASTER takeovers)"));
        sink.accept(counter(registry, RELEASE_DELAYS, null, null, CarpStats::releaseDelays,
                "Drains begun after a bow-out: the addresses were kept for the release delay"));
        sink.accept(Gauge.builder(DRAINING, group, g -> g.stats().draining() ? 1 : 0)
                .tags(tags).description("1 while the group keeps its addresses after a bow-out (release delay), else 0")
                .register(registry));

        for (CarpState state : CarpState.values()) {
            sink.accept(Gauge.builder(STATE, group, g -> g.state() == state ? 1 : 0)
                    .tags(tags).tag(TAG_STATE, TransitionKey.tagValue(state))
                    .description("1 if the group is in this state, else 0")
                    .register(registry));
        }
        sink.accept(Gauge.builder(STATE_ORDER, group, g -> g.state().order())
                .tags(tags).description("Current state of the group: INIT 0, BACKUP 1, MASTER 2")
                .register(registry));
        sink.accept(Gauge.builder(DEMOTION, group, CarpGroup::demotion)
                .tags(tags).description("Current demotion (0-240), added to the advertised advskew")
                .register(registry));
        sink.accept(TimeGauge.builder(ADVERTISEMENT_AGE, group, TimeUnit.NANOSECONDS,
                        g -> nanosOrNaN(g.stats().nanosSinceLastAdvertisement()))
                .tags(tags).description("Time since the last authenticated advertisement was heard; NaN if none yet")
                .register(registry));
        sink.accept(TimeGauge.builder(ADDRESS_CLAIM_DURATION, group, TimeUnit.NANOSECONDS,
                        g -> nanosOrNaN(g.stats().lastClaimDurationNanos()))
                .tags(tags).description("How long the last successful claim of the virtual addresses took;"
                        + " NaN if none yet")
                .register(registry));
        sink.accept(TimeGauge.builder(MASTER_DOWN_INTERVAL, group, TimeUnit.NANOSECONDS,
                        g -> nanosOrNaN(g.stats().currentMasterDownNanos()))
                .tags(tags).description("Master-down interval in force: how long this node, as a backup, waits for"
                        + " the master before taking over; longer than configured only with adaptToLoss; NaN before"
                        + " start")
                .register(registry));

        transitions.keySet().forEach(key -> sink.accept(registerTransition(registry, key)));
    }

    /**
     * Registers the series of one transition key.
     *
     * @param registry where
     * @param key      which series
     * @return the meter
     */
    Meter registerTransition(MeterRegistry registry, TransitionKey key) {
        return FunctionCounter.builder(TRANSITIONS, transitions.get(key), AtomicLong::get)
                .tags(tags)
                .tag(TAG_FROM, TransitionKey.tagValue(key.from()))
                .tag(TAG_TO, TransitionKey.tagValue(key.to()))
                .tag(TAG_REASON, key.reason().tag())
                .description("State transitions of the group, by from, to and cause")
                .register(registry);
    }

    private FunctionCounter counter(MeterRegistry registry, String name, String tagKey, String tagValue,
                                    ToDoubleFunction<CarpStats> value, String description) {
        FunctionCounter.Builder<CarpGroup> builder = FunctionCounter.builder(name, group,
                        g -> value.applyAsDouble(g.stats()))
                .tags(tags).description(description);
        if (tagKey != null) {
            builder.tag(tagKey, tagValue);
        }
        return builder.register(registry);
    }

    private static double nanosOrNaN(long nanos) {
        return nanos < 0 ? Double.NaN : nanos;
    }
}
