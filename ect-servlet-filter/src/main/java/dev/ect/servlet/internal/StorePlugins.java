package dev.ect.servlet.internal;

import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.replay.ReplayStore;
import dev.ect.core.spi.EctStores;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The seam for shared stores configured by URL: {@code ect.redis-url} / {@code ECT_REDIS_URL}
 * (a replay store shared by several instances, P-04) and {@code ect.jdbc-url} /
 * {@code ECT_JDBC_URL} (a shared ledger, section 8). {@link EctStores} resolves the URL through the
 * store plug-ins on the class path ({@code ect-redis}, {@code ect-jdbc}); without a plug-in for it
 * a configured URL fails at start-up rather than silently falling back to the in-process defaults
 * (which would reopen the replay window across instances). The error names the init-param or
 * variable but never shows the URL (it may hold a password).
 */
public final class StorePlugins {
    private StorePlugins() {}

    /** The replay store of {@code ect.redis-url}/{@code ECT_REDIS_URL}, or null when unset. */
    public static ReplayStore replayStore(ConfigSources src, Clock clock, List<AutoCloseable> owned) {
        Optional<ConfigSources.Value> url = src.get(Param.REDIS_URL);
        if (url.isEmpty()) {
            return null;
        }
        try {
            return own(EctStores.replayStore(url.get().value(), clock), owned);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(url.get().source() + " is invalid: " + e.getMessage(), e);
        }
    }

    /** The ledger of {@code ect.jdbc-url}/{@code ECT_JDBC_URL}, or null when unset. */
    public static AuditLedger ledger(ConfigSources src, Clock clock, List<AutoCloseable> owned) {
        Optional<ConfigSources.Value> url = src.get(Param.JDBC_URL);
        if (url.isEmpty()) {
            return null;
        }
        try {
            return own(EctStores.ledger(url.get().value(), clock), owned);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(url.get().source() + " is invalid: " + e.getMessage(), e);
        }
    }

    private static <T> T own(T store, List<AutoCloseable> owned) {
        if (store instanceof AutoCloseable c) {
            owned.add(c);
        }
        return store;
    }
}
