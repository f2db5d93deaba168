package dev.ect.redis;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Waits for an observed state with a deadline: every wait ends when the probe sees the state, or
 * fails at the deadline naming what it waited for. Never a fixed sleep that assumes a timing; the
 * probe runs every 10 ms so that a poll does not occupy a core.
 */
final class Poll {
    private Poll() {}

    /** The first non-null, non-false value of {@code probe} within {@code max}; probe exceptions count as "not yet". */
    static <T> T until(Duration max, String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + max.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                T v = probe.get();
                if (v != null && !Boolean.FALSE.equals(v)) {
                    return v;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                AssertionError err = new AssertionError("not within " + max.toMillis() + " ms: " + what);
                if (last != null) {
                    err.initCause(last);
                }
                throw err;
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }
}
