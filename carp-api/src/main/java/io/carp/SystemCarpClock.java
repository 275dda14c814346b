package io.carp;

/** The only place in the library that reads {@link System#nanoTime()}. */
enum SystemCarpClock implements CarpClock {
    INSTANCE;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }
}
