package io.carp.internal.group;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parts a group's demotion is made of (operator, failed health checks, failed address claim or renewal, a unit of
 * groups);
 * the total is their sum capped at 240, FreeBSD's ceiling. Protocol thread only.
 */
final class DemotionSources {
    static final String OPERATOR = "operator";
    static final String ADDRESS_CLAIM = "address-claim";
    static final String ADDRESS_REFRESH = "address-refresh";
    static final int MAX = 240;

    private final Map<String, Integer> parts = new LinkedHashMap<>();

    DemotionSources(int initialOperatorDemotion) {
        set(OPERATOR, initialOperatorDemotion);
    }

    void set(String source, int amount) {
        if (amount == 0) {
            parts.remove(source);
        } else {
            parts.put(source, amount);
        }
    }

    /**
     * Checks an amount given by a caller: {@code field: 300 (expected: 0-240)}.
     *
     * @throws IllegalArgumentException if out of 0-{@link #MAX}
     */
    static int checkAmount(String field, int value) {
        if (value < 0 || value > MAX) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: 0-" + MAX + ")");
        }
        return value;
    }

    int get(String source) {
        return parts.getOrDefault(source, 0);
    }

    int total() {
        long sum = 0;
        for (int v : parts.values()) {
            sum += v;
        }
        return (int) Math.min(MAX, sum);
    }

    @Override
    public String toString() {
        return parts.toString();
    }
}
