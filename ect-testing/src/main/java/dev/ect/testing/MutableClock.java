package dev.ect.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock a test moves by hand, so time-dependent rules (V-11 {@code exp}/{@code iat}, replay
 * lifetimes, JWKS cache ages) are tested without sleeping. Thread-safe; UTC.
 */
public final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    /** A clock standing at {@code start}. */
    public MutableClock(Instant start) { this.now = new AtomicReference<>(Objects.requireNonNull(start, "start")); }

    /** A clock standing at the current system time, truncated to whole seconds (as JWT times are). */
    public static MutableClock atNow() { return new MutableClock(Instant.ofEpochSecond(Instant.now().getEpochSecond())); }

    /** Moves the clock forward (or back, for a negative {@code d}). */
    public void advance(Duration d) { now.updateAndGet(t -> t.plus(d)); }

    /** Sets the clock. */
    public void set(Instant t) { now.set(Objects.requireNonNull(t, "t")); }

    @Override
    public Instant instant() { return now.get(); }

    @Override
    public ZoneId getZone() { return ZoneOffset.UTC; }

    /** Only UTC: a test clock in another zone is a mistake waiting to happen. */
    @Override
    public Clock withZone(ZoneId zone) {
        if (ZoneOffset.UTC.equals(zone)) {
            return this;
        }
        throw new UnsupportedOperationException("MutableClock is UTC only");
    }

    @Override
    public String toString() { return "MutableClock{" + now.get() + "}"; }
}
