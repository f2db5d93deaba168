package dev.ect.core.spi;

import dev.ect.core.replay.ReplayStore;
import java.time.Clock;

/**
 * Plug-in point for shared replay stores (profile P-04), found with {@link java.util.ServiceLoader}
 * by {@link EctStores}. The {@code ect-redis} module provides one for {@code redis://} and
 * {@code rediss://} URLs.
 *
 * <p>Implementations need a public no-argument constructor and a
 * {@code META-INF/services/dev.ect.core.spi.ReplayStoreProvider} entry.
 */
public interface ReplayStoreProvider {
    /** True when this provider creates stores for URLs like this one (usually decided by the scheme). */
    boolean supports(String url);

    /**
     * Creates a store for the URL. Must not require the backing service to be reachable now: an
     * unreachable store fails closed per call ({@code replay_store_unavailable}, 503) and recovers
     * by itself when the service is back.
     *
     * @param url the URL {@link #supports(String)} accepted
     * @param clock the clock that turns {@code keepUntil} into a time-to-live
     * @throws IllegalArgumentException when the URL is invalid (the message never contains a password)
     */
    ReplayStore create(String url, Clock clock);
}
