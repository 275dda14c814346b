package io.carp.micrometer;

import io.carp.testkit.ManualRuntime;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.CarpState;
import io.carp.StateChangeCause;
import io.carp.CarpStateEvent;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Drives a real group into every transition cause carp-api reports and checks that the event carries the expected
 * {@link StateChangeCause} and that the binder counts it under that cause's tag.
 */
class CarpMeterBinderReasonTest {
    private static final long MASTER_DOWN_NANOS = 3_390_625_000L; // advbase 1, advskew 100, dead ratio 3
    private static final String PASSWORD = "s3cret";
    private static final int VHID = 9;
    private static final InetAddress VIP = Adverts.address("198.18.0.100");
    /** Lower than the node's own 198.18.0.2, so it wins ties. */
    private static final InetAddress PEER = Adverts.address("198.18.0.1");
    private static final Adverts ADVERTS = new Adverts(PASSWORD, VHID, List.of(VIP));

    /** What the test does with a started group (in BACKUP) and its runtime. */
    interface Script {
        void run(CarpGroup group, ManualRuntime runtime);
    }

    static Stream<Arguments> reasons() {
        return Stream.of(
                reason(StateChangeCause.STARTED, CarpState.INIT, CarpState.BACKUP, b -> { }, (g, rt) -> { }),
                reason(StateChangeCause.MASTER_TIMED_OUT, CarpState.BACKUP, CarpState.MASTER, b -> { },
                        (g, rt) -> rt.advanceBy(Duration.ofNanos(MASTER_DOWN_NANOS))),
                reason(StateChangeCause.LINK_DOWN, CarpState.BACKUP, CarpState.INIT, b -> { },
                        (g, rt) -> rt.linkDown()),
                reason(StateChangeCause.LINK_UP, CarpState.INIT, CarpState.BACKUP, b -> { },
                        (g, rt) -> {
                            rt.linkDown();
                            rt.linkUp();
                        }),
                reason(StateChangeCause.STOPPED, CarpState.MASTER, CarpState.INIT, b -> { },
                        (g, rt) -> {
                            rt.advanceBy(Duration.ofNanos(MASTER_DOWN_NANOS));
                            g.close();
                        }),
                reason(StateChangeCause.BOW_OUT_RECEIVED, CarpState.BACKUP, CarpState.MASTER, b -> { },
                        (g, rt) -> rt.receive(ADVERTS.ipv4(PEER, 255, 255, 255, 0, 10))),
                reason(StateChangeCause.MASTER_WILL_TIME_OUT, CarpState.BACKUP, CarpState.MASTER, b -> { },
                        (g, rt) -> rt.receive(ADVERTS.ipv4(PEER, 255, 10, 0, 0, 10))),
                reason(StateChangeCause.MASTER_DEMOTED, CarpState.BACKUP, CarpState.MASTER, b -> { },
                        (g, rt) -> rt.receive(ADVERTS.ipv4(PEER, 255, 1, 0, 5, 10))),
                reason(StateChangeCause.PREEMPTING, CarpState.BACKUP, CarpState.MASTER, b -> b.preempt(true),
                        (g, rt) -> rt.receive(ADVERTS.ipv4(PEER, 255, 1, 200, 0, 10))),
                reason(StateChangeCause.PREEMPTED, CarpState.MASTER, CarpState.BACKUP, b -> { },
                        (g, rt) -> {
                            rt.advanceBy(Duration.ofNanos(MASTER_DOWN_NANOS));
                            rt.receive(ADVERTS.ipv4(PEER, 255, 1, 0, 0, 10));
                        }),
                reason(StateChangeCause.DEMOTED, CarpState.MASTER, CarpState.BACKUP, b -> b.demotion(10),
                        (g, rt) -> {
                            rt.advanceBy(Duration.ofNanos(MASTER_DOWN_NANOS));
                            rt.receive(ADVERTS.ipv4(PEER, 255, 1, 200, 0, 10));
                        }),
                reason(StateChangeCause.EQUAL_ADVERTISEMENT, CarpState.MASTER, CarpState.BACKUP, b -> { },
                        (g, rt) -> {
                            rt.advanceBy(Duration.ofNanos(MASTER_DOWN_NANOS));
                            rt.receive(ADVERTS.ipv4(PEER, 255, 1, 100, 0, 10));
                        }),
                reason(StateChangeCause.FORCED, CarpState.BACKUP, CarpState.MASTER, b -> { },
                        (g, rt) -> g.forceMaster("maintenance")),
                reason(StateChangeCause.FORCED, CarpState.MASTER, CarpState.BACKUP, b -> { },
                        (g, rt) -> {
                            rt.advanceBy(Duration.ofNanos(MASTER_DOWN_NANOS));
                            g.forceBackup("maintenance");
                        }));
    }

    private static Arguments reason(StateChangeCause reason, CarpState from, CarpState to,
                                    Consumer<CarpGroupBuilder> configure, Script script) {
        return Arguments.of(reason, from, to, configure, script);
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("reasons")
    void shouldCountTransitionUnderItsReasonClassWhenGroupWritesThatReason(
            StateChangeCause reason, CarpState from, CarpState to, Consumer<CarpGroupBuilder> configure,
            Script script) {
        ManualRuntime runtime = ManualRuntime.create();
        runtime.advanceBy(Duration.ofSeconds(5));
        List<CarpStateEvent> events = new ArrayList<>();
        CarpGroupBuilder builder = CarpGroup.builder().runtime(runtime).vhid(VHID).password(PASSWORD)
                .virtualAddress(VIP).advbase(1).advskew(100).callbackExecutor(Runnable::run)
                .onStateChange(events::add);
        configure.accept(builder);
        CarpGroup group = builder.build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CarpMeterBinder.of(group).bindTo(registry);

        group.start();
        script.run(group, runtime);

        CarpStateEvent last = events.get(events.size() - 1);
        assertEquals(from, last.from(), "last transition: " + last);
        assertEquals(to, last.to(), "last transition: " + last);
        double count = registry.get(CarpMetricNames.TRANSITIONS)
                .tags("vhid", Integer.toString(VHID), "interface", "-")
                .tags("from", TransitionKey.tagValue(from), "to", TransitionKey.tagValue(to), "reason", reason.tag())
                .functionCounter().count();
        assertEquals(1, count, "carp.transitions for \"" + last.reason() + "\"");
        assertEquals(reason, last.cause(), "the event's typed cause: " + last);
        group.close();
    }
}
