package dev.ect.spring;

import dev.ect.core.keys.KeySource;
import dev.ect.spring.internal.EctProbes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code ect} health contributor: DOWN exactly when the filter would answer 503 for a valid token
 * because of a dependency: the shared replay store or the ledger cannot be reached
 * ({@code replay_store_unavailable}, {@code ledger_unavailable}), or a trusted issuer's keys cannot be
 * fetched and none usable are cached ({@code key_source_unavailable}). Details name each part and its
 * state (never a URL, which may hold a password, nor a key).
 *
 * <p>Stores are checked by their {@code isAvailable()} method (a Redis {@code PING}, a PostgreSQL
 * validity check, each bounded by the store's own timeouts); in-process stores are always up. Key
 * sources are asked for a key id that does not exist: a JWKS URL is fetched when nothing is cached
 * yet, and re-fetched at most once per 30 s cooldown.
 */
public final class EctHealthIndicator implements HealthIndicator {
    private final Object replayStore;
    private final Object ledger;
    private final KeySource keySource;
    private final List<String> issuers;

    /**
     * @param replayStore the verifier's replay store, or null
     * @param ledger the verifier's ledger, or null
     * @param keySource the verifier's key source, or null
     * @param issuers the trusted issuers to probe in {@code keySource}
     */
    public EctHealthIndicator(Object replayStore, Object ledger, KeySource keySource, List<String> issuers) {
        this.replayStore = replayStore;
        this.ledger = ledger;
        this.keySource = keySource;
        this.issuers = List.copyOf(issuers);
    }

    @Override
    public Health health() {
        boolean up = true;
        Map<String, Object> details = new LinkedHashMap<>();
        EctProbes.Result rs = EctProbes.store(replayStore);
        up &= rs.up();
        details.put("replayStore", part(rs));
        EctProbes.Result l = EctProbes.store(ledger);
        up &= l.up();
        details.put("ledger", part(l));
        if (keySource != null) {
            Map<String, Object> keys = new LinkedHashMap<>();
            List<String> down = new ArrayList<>();
            EctProbes.keys(keySource, issuers).forEach((iss, r) -> {
                keys.put(iss, part(r));
                if (!r.up()) {
                    down.add(iss);
                }
            });
            up &= down.isEmpty();
            details.put("keys", keys);
        }
        return (up ? Health.up() : Health.down()).withDetails(details).build();
    }

    private static Map<String, Object> part(EctProbes.Result r) {
        return Map.of("status", r.up() ? "UP" : "DOWN", "detail", r.detail());
    }
}
