package dev.ect.servlet.internal;

import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.replay.ReplayStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The seam for shared stores configured by URL: {@code ect.redis-url} / {@code ECT_REDIS_URL}
 * (a replay store shared by several instances, P-04) and {@code ect.jdbc-url} /
 * {@code ECT_JDBC_URL} (a shared ledger, section 8). The store plug-ins of ect-core resolve the
 * URL; until they are on the class path a configured URL fails at start-up rather than silently
 * falling back to the in-process defaults (which would reopen the replay window across instances).
 */
public final class StorePlugins {
    private StorePlugins() {}

    /** The replay store of {@code ect.redis-url}/{@code ECT_REDIS_URL}, or null when unset. */
    public static ReplayStore replayStore(ConfigSources src, Clock clock, List<AutoCloseable> owned) {
        Optional<ConfigSources.Value> url = src.get(Param.REDIS_URL);
        if (url.isEmpty()) {
            return null;
        }
        throw url.get().invalid("no replay store plug-in is available in this build", null);
    }

    /** The ledger of {@code ect.jdbc-url}/{@code ECT_JDBC_URL}, or null when unset. */
    public static AuditLedger ledger(ConfigSources src, Clock clock, List<AutoCloseable> owned) {
        Optional<ConfigSources.Value> url = src.get(Param.JDBC_URL);
        if (url.isEmpty()) {
            return null;
        }
        throw url.get().invalid("no ledger plug-in is available in this build", null);
    }
}
