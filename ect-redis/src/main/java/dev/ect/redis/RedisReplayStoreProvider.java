package dev.ect.redis;

import dev.ect.core.replay.ReplayStore;
import dev.ect.core.spi.ReplayStoreProvider;
import java.time.Clock;
import java.util.Locale;

/**
 * Makes {@code redis://} and {@code rediss://} URLs, and the Sentinel and Cluster forms
 * {@code redis-sentinel://}, {@code rediss-sentinel://}, {@code redis-cluster://} and
 * {@code rediss-cluster://} (e.g. in {@code ECT_REDIS_URL}), usable through
 * {@link dev.ect.core.spi.EctStores}: a {@link RedisReplayStore} with every default.
 */
public final class RedisReplayStoreProvider implements ReplayStoreProvider {
    /** For {@link java.util.ServiceLoader}. */
    public RedisReplayStoreProvider() {}

    @Override
    public boolean supports(String url) {
        String u = url.trim().toLowerCase(Locale.ROOT);
        return u.startsWith("redis://") || u.startsWith("rediss://")
                || u.startsWith("redis-sentinel://") || u.startsWith("rediss-sentinel://")
                || u.startsWith("redis-cluster://") || u.startsWith("rediss-cluster://");
    }

    @Override
    public ReplayStore create(String url, Clock clock) { return RedisReplayStore.builder(url).clock(clock).build(); }
}
