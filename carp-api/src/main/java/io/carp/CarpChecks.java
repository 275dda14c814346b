package io.carp;

/** Argument checks whose messages name the field, the value and what is allowed: {@code vhid: 0 (expected: 1-255)}. */
final class CarpChecks {
    private CarpChecks() {
    }

    static int inRange(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: " + min + "-" + max + ")");
        }
        return value;
    }
}
