package dev.ect.testing;

import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.core.replay.ReplayStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real replay store (Caffeine, in memory, profile V-14/P-03) that also remembers each record it
 * accepted, so a test can assert that a service recorded a token exactly once. Thread-safe.
 */
public final class RecordingReplayStore implements ReplayStore {
    /** One accepted record: the key of profile P-01 and how long it is kept. */
    public record Record(String iss, String wid, String jti, Instant keepUntil) {}

    private final CaffeineReplayStore delegate;
    private final List<Record> records = new CopyOnWriteArrayList<>();

    /** A store on {@code clock} holding at most 100,000 records. */
    public RecordingReplayStore(Clock clock) { this.delegate = new CaffeineReplayStore(100_000, Objects.requireNonNull(clock, "clock")); }

    @Override
    public boolean checkAndRecord(String iss, String wid, String jti, Instant keepUntil) {
        boolean fresh = delegate.checkAndRecord(iss, wid, jti, keepUntil);
        if (fresh) {
            records.add(new Record(iss, wid, jti, keepUntil));
        }
        return fresh;
    }

    @Override
    public void forget(String iss, String wid, String jti) { delegate.forget(iss, wid, jti); }

    /** Every record accepted so far, in order. */
    public List<Record> records() { return List.copyOf(records); }

    /** How many accepted records name {@code jti} (ignoring ASCII case, as the keys do, P-01). */
    public long timesRecorded(String jti) { return records.stream().filter(r -> r.jti().equalsIgnoreCase(jti)).count(); }

    @Override
    public String toString() { return "RecordingReplayStore{records=" + records.size() + "}"; }
}
