package io.carp.micrometer;

import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.StateChangeCause;
import java.util.Locale;

/** The tags of one {@link CarpMetricNames#TRANSITIONS} series: from, to and cause. */
record TransitionKey(CarpState from, CarpState to, StateChangeCause reason) {

    static TransitionKey of(CarpStateEvent event) {
        return new TransitionKey(event.from(), event.to(), event.cause());
    }

    static String tagValue(CarpState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
