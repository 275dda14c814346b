package io.carp.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TransitionReasonTest {

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
            "started                                                 | STARTED",
            "link up                                                 | LINK_UP",
            "link down                                               | LINK_DOWN",
            "stopped                                                 | STOPPED",
            "master timed out                                        | MASTER_TIMED_OUT",
            "bow-out received from 198.18.0.1                        | BOW_OUT",
            "bow-out received from 2001:db8::1                       | BOW_OUT",
            "master 198.18.0.1 will time out (advertises every 10.000 s) | MASTER_WILL_TIME_OUT",
            "master 198.18.0.1 is demoted (5 > 0)                    | MASTER_DEMOTED",
            "preempting slower master 198.18.0.1                     | PREEMPTING",
            "preempted by 198.18.0.1                                 | PREEMPTED",
            "preempted by fe80::1                                    | PREEMPTED",
            "demoted below 198.18.0.1 (10 > 0)                       | DEMOTED",
            "equal advertisement from 198.18.0.1: lower address wins | EQUAL_ADVERTISEMENT",
            "equal advertisement from 198.18.0.1                     | EQUAL_ADVERTISEMENT",
            "forced: maintenance window                              | FORCED",
            "forced:                                                 | FORCED",
            "cosmic rays                                             | OTHER",
            "master says hello                                       | OTHER",
            "STARTED                                                 | OTHER",
    })
    void shouldClassifyReasonTextWhenItComesFromTheStateMachine(String text, TransitionReason expected) {
        assertEquals(expected, TransitionReason.classify(text));
    }

    @Test
    void shouldUseDistinctLowerCaseTagsWhenListingReasons() {
        Set<String> tags = Arrays.stream(TransitionReason.values()).map(TransitionReason::tag)
                .collect(Collectors.toSet());
        assertEquals(TransitionReason.values().length, tags.size());
        tags.forEach(t -> assertTrue(t.matches("[a-z_]+"), t));
    }

    @Test
    void shouldPreRegisterNoEdgeWhenReasonIsOther() {
        assertTrue(TransitionReason.OTHER.edges().isEmpty());
        Arrays.stream(TransitionReason.values()).filter(r -> r != TransitionReason.OTHER)
                .forEach(r -> assertTrue(!r.edges().isEmpty(), r.name()));
    }
}
