package io.carp.micrometer;

import io.carp.CarpState;
import io.carp.CarpStateEvent;
import java.util.Locale;

/** The tags of one {@link CarpMetricNames#TRANSITIONS} series: from, to and reason class. */
record TransitionKey(CarpState from, CarpState to, TransitionReason reason) {

    static TransitionKey of(CarpStateEvent event) {
        return new TransitionKey(event.from(), event.to(), TransitionReason.classify(event.reason()));
    }

    static String tagValue(CarpState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
