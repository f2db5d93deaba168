package dev.ect.core.replay;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The in-process replay store (P-03): a Caffeine cache keyed by ({@code iss}, {@code wid}, {@code jti}) whose
 * entries each expire at their own {@code keepUntil} instant (a per-entry {@code Expiry}, with
 * time read from the injected {@link Clock}).
 *
 * <p>Bounded: when {@code maximumSize} live entries are held, a new key is refused with 503
 * {@code replay_store_full} rather than evicting a live entry, which would reopen the replay
 * window. Expired entries are purged before refusing. Thread-safe; check-and-record is atomic.
 */
public final class CaffeineReplayStore implements ReplayStore {
    private final Cache<Key, Long> cache;
    private final Clock clock;
    private final long maximumSize;

    /**
     * @param maximumSize the most live entries; default in settings 100,000 ({@code ECT_JTI_REPLAY_CACHE_SIZE})
     * @param clock the clock that drives expiry
     */
    public CaffeineReplayStore(long maximumSize, Clock clock) {
        if (maximumSize < 1) {
            throw new IllegalArgumentException("maximumSize must be >= 1");
        }
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.maximumSize = maximumSize;
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.cache = Caffeine.newBuilder()
                .ticker(ticker)
                .executor(Runnable::run)
                .expireAfter(new Expiry<Key, Long>() {
                    @Override
                    public long expireAfterCreate(Key key, Long keepUntilMillis, long currentTime) {
                        return Math.max(0, TimeUnit.MILLISECONDS.toNanos(keepUntilMillis) - currentTime);
                    }

                    @Override
                    public long expireAfterUpdate(Key key, Long value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }

                    @Override
                    public long expireAfterRead(Key key, Long value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    /** A store of the given size on the system clock. */
    public CaffeineReplayStore(long maximumSize) { this(maximumSize, Clock.systemUTC()); }

    @Override
    public boolean checkAndRecord(String iss, String wid, String jti, Instant keepUntil) {
        Objects.requireNonNull(jti, "jti");
        Key key = new Key(iss, wid, jti);
        long until = keepUntil.toEpochMilli();
        if (until <= clock.millis()) {
            until = clock.millis() + 1; // already past: still record it for the current instant
        }
        if (cache.estimatedSize() >= maximumSize) {
            cache.cleanUp(); // purge expired entries before refusing
            if (cache.estimatedSize() >= maximumSize && cache.getIfPresent(key) == null) {
                throw new EctUnavailableException(ReasonCode.REPLAY_STORE_FULL,
                        "replay store holds " + maximumSize + " live entries");
            }
        }
        return cache.asMap().putIfAbsent(key, until) == null; // atomic: exactly one caller records a key
    }

    /** Removes the key, so the token may be presented again (called when V-15 failed). */
    @Override
    public void forget(String iss, String wid, String jti) {
        cache.invalidate(new Key(iss, wid, Objects.requireNonNull(jti, "jti")));
    }

    /**
     * The replay key ({@code iss}, {@code wid}, {@code jti}) as the strings given (a null
     * {@code iss} or {@code wid} is the empty one): compared member by member, so no issuer text can
     * run into the ids, and no key text is built per check (the strings' own cached hashes are
     * combined).
     */
    private record Key(String iss, String wid, String jti) {
        Key {
            iss = iss == null ? "" : iss;
            wid = wid == null ? "" : wid;
        }
    }

    /** Live entries (approximate under concurrency); expired entries are purged first. */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
