package dev.ect.hardening.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock the tests move by hand; shared by the verifier under test so time checks are exact. */
public final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    public MutableClock(Instant start) { now = new AtomicReference<>(start); }

    public void set(Instant t) { now.set(t); }

    public void advance(Duration d) { now.updateAndGet(t -> t.plus(d)); }

    @Override
    public Instant instant() { return now.get(); }

    @Override
    public ZoneId getZone() { return ZoneOffset.UTC; }

    @Override
    public Clock withZone(ZoneId zone) { throw new UnsupportedOperationException("UTC only"); }
}
