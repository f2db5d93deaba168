package dev.ect.redis;

import dev.ect.core.replay.ReplayStore;
import dev.ect.core.spi.ReplayStoreProvider;
import java.time.Clock;
import java.util.Locale;

/**
 * Makes {@code redis://} and {@code rediss://} URLs (e.g. {@code ECT_REDIS_URL}) usable through
 * {@link dev.ect.core.spi.EctStores}: a {@link RedisReplayStore} with every default.
 */
public final class RedisReplayStoreProvider implements ReplayStoreProvider {
    /** For {@link java.util.ServiceLoader}. */
    public RedisReplayStoreProvider() {}

    @Override
    public boolean supports(String url) {
        String u = url.trim().toLowerCase(Locale.ROOT);
        return u.startsWith("redis://") || u.startsWith("rediss://");
    }

    @Override
    public ReplayStore create(String url, Clock clock) { return RedisReplayStore.builder(url).clock(clock).build(); }
}
