package io.carp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class CallbackThreadTest {

    @Test
    void shouldWaitForTasksQueuedByRunningTasksWhenDraining() throws Exception {
        List<Integer> ran = new CopyOnWriteArrayList<>();
        try (CallbackThread thread = new CallbackThread()) {
            // As the library's serial executor does: each callback hands the next one over when it ends.
            thread.execute(() -> chain(thread, ran, 1));

            assertTrue(thread.drain(10_000));

            assertEquals(List.of(1, 2, 3, 4, 5), ran);
        }
    }

    private static void chain(CallbackThread thread, List<Integer> ran, int n) {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ran.add(n);
        if (n < 5) {
            thread.execute(() -> chain(thread, ran, n + 1));
        }
    }

    @Test
    void shouldGiveUpWhenATaskRunsLongerThanTheTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (CallbackThread thread = new CallbackThread()) {
            thread.execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });

            assertFalse(thread.drain(50));
            release.countDown();
            assertTrue(thread.drain(10_000));
        }
    }
}
