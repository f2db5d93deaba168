package dev.ect.core.spi;

import dev.ect.core.EctVerifier;
import dev.ect.core.config.EctConfig;
import dev.ect.core.config.EctConfigSource;
import dev.ect.core.config.EctOption;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.replay.ReplayStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared stores of a deployment with several instances, chosen by URL: a replay store
 * ({@link EctOption#REDIS_URL}, profile P-04) and an audit ledger that is also the ECT store of the DAG
 * checks ({@link EctOption#JDBC_URL}, profile section 8). The URL's scheme picks the implementation
 * through the {@link ReplayStoreProvider} / {@link LedgerProvider} plug-ins on the class path
 * ({@code ect-redis}, {@code ect-jdbc}), so callers such as the servlet filter or the CLI depend on
 * neither.
 *
 * <pre>{@code
 * try (EctStores stores = EctStores.fromEnvironment(System.getenv())) {
 *     EctVerifier verifier = stores.applyTo(EctVerifier.builder()
 *             .verifierId("spiffe://example.com/b").keySource(keys)).build();
 *     ...
 * }
 * }</pre>
 *
 * <p>A variable that is set but empty, or names a URL no plug-in supports, fails at start-up with
 * a message naming the variable (profile section 9); it never falls back silently to the
 * in-memory defaults. Immutable; {@link #close()} closes the stores it created.
 */
public final class EctStores implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EctStores.class);

    /**
     * The environment variable holding the shared replay store's URL, e.g. {@code redis://127.0.0.1:6379}.
     *
     * @deprecated use {@code EctOption.REDIS_URL.env()}
     */
    @Deprecated
    public static final String REDIS_URL_ENV = EctOption.REDIS_URL.env();
    /**
     * The environment variable holding the shared ledger's URL, e.g. {@code jdbc:postgresql://127.0.0.1:5432/ect?user=ect}.
     *
     * @deprecated use {@code EctOption.JDBC_URL.env()}
     */
    @Deprecated
    public static final String JDBC_URL_ENV = EctOption.JDBC_URL.env();

    private final ReplayStore replayStore;
    private final AuditLedger ledger;

    private EctStores(ReplayStore replayStore, AuditLedger ledger) {
        this.replayStore = replayStore;
        this.ledger = ledger;
    }

    /** {@link #fromEnvironment(Map, Clock)} on the system UTC clock. */
    public static EctStores fromEnvironment(Map<String, String> env) {
        return fromEnvironment(env, Clock.systemUTC());
    }

    /**
     * Reads {@link EctOption#REDIS_URL} and {@link EctOption#JDBC_URL} from an environment map through
     * {@link EctConfig} (the one parser of every option); an absent variable leaves that store unset
     * (the caller keeps its default).
     *
     * @throws IllegalArgumentException naming the variable when a value is invalid or no plug-in on
     *     the class path supports it
     */
    public static EctStores fromEnvironment(Map<String, String> env, Clock clock) {
        Objects.requireNonNull(env, "env cannot be null");
        Objects.requireNonNull(clock, "clock cannot be null");
        Map<String, String> stores = new java.util.HashMap<>();
        for (EctOption o : java.util.List.of(EctOption.REDIS_URL, EctOption.JDBC_URL)) {
            if (env.containsKey(o.env())) {
                // set but empty: fail rather than fall back to the in-process default (class Javadoc)
                check(EctConfigSource.environment(Map.of()).describe(o), env.get(o.env()));
                stores.put(o.env(), env.get(o.env()));
            }
        }
        EctConfig config = EctConfig.from(EctConfigSource.environment(stores));
        ReplayStore rs = null;
        try {
            if (config.redisUrl().isPresent()) {
                rs = replayStore(config.describe(EctOption.REDIS_URL), config.redisUrl().get(), clock);
            }
            AuditLedger l = config.jdbcUrl().isPresent()
                    ? ledger(config.describe(EctOption.JDBC_URL), config.jdbcUrl().get(), clock) : null;
            return new EctStores(rs, l);
        } catch (RuntimeException e) {
            closeQuietly(rs);
            throw e;
        }
    }

    /** Stores from explicit URLs; either may be null (that store is then unset). */
    public static EctStores of(String replayStoreUrl, String ledgerUrl, Clock clock) {
        Objects.requireNonNull(clock, "clock cannot be null");
        ReplayStore rs = replayStoreUrl == null ? null : replayStore("replay store URL", replayStoreUrl, clock);
        try {
            return new EctStores(rs, ledgerUrl == null ? null : ledger("ledger URL", ledgerUrl, clock));
        } catch (RuntimeException e) {
            closeQuietly(rs);
            throw e;
        }
    }

    /**
     * Creates a replay store for the URL through the first {@link ReplayStoreProvider} that supports it.
     *
     * @throws IllegalArgumentException when the URL is empty or no plug-in supports it
     */
    public static ReplayStore replayStore(String url, Clock clock) { return replayStore("replay store URL", url, clock); }

    /**
     * Creates a ledger for the URL through the first {@link LedgerProvider} that supports it.
     *
     * @throws IllegalArgumentException when the URL is empty or no plug-in supports it
     */
    public static AuditLedger ledger(String url, Clock clock) { return ledger("ledger URL", url, clock); }

    private static ReplayStore replayStore(String name, String url, Clock clock) {
        check(name, url);
        ReplayStoreProvider p = find(ReplayStoreProvider.class, x -> x.supports(url));
        if (p == null) {
            throw new IllegalArgumentException(name + ": no replay store plug-in supports the scheme of '"
                    + redact(url) + "' (add ect-redis to the class path for redis:// URLs)");
        }
        try {
            return p.create(url, clock);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    private static AuditLedger ledger(String name, String url, Clock clock) {
        check(name, url);
        LedgerProvider p = find(LedgerProvider.class, x -> x.supports(url));
        if (p == null) {
            throw new IllegalArgumentException(name + ": no ledger plug-in supports the scheme of '"
                    + redact(url) + "' (add ect-jdbc to the class path for jdbc:postgresql: URLs)");
        }
        try {
            return p.create(url, clock);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    private static void check(String name, String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }

    /** The URL up to its scheme, so an error message never shows credentials. */
    static String redact(String url) {
        int i = url.indexOf("//");
        if (i >= 0) {
            return url.substring(0, i + 2) + "...";
        }
        int c = url.indexOf(':');
        int c2 = c < 0 ? -1 : url.indexOf(':', c + 1); // jdbc:<subprotocol>:
        return (c2 >= 0 ? url.substring(0, c2 + 1) : c >= 0 ? url.substring(0, c + 1) : "") + "...";
    }

    private static <T> T find(Class<T> type, Predicate<T> ok) {
        List<ClassLoader> loaders = new ArrayList<>();
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        if (tccl != null) {
            loaders.add(tccl);
        }
        loaders.add(EctStores.class.getClassLoader());
        for (ClassLoader cl : loaders) {
            for (T p : ServiceLoader.load(type, cl)) {
                if (ok.test(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    /** The shared replay store, when one was configured. */
    public Optional<ReplayStore> replayStore() { return Optional.ofNullable(replayStore); }

    /** The shared ledger (also the ECT store of the DAG checks), when one was configured. */
    public Optional<AuditLedger> ledger() { return Optional.ofNullable(ledger); }

    /** True when neither store was configured. */
    public boolean isEmpty() { return replayStore == null && ledger == null; }

    /**
     * Sets the configured stores on a verifier builder: {@link EctVerifier.Builder#replayStore} and
     * {@link EctVerifier.Builder#ledger} (which also makes the ledger the DAG's ECT store). Options
     * not configured here are left untouched.
     *
     * @return the same builder
     */
    public EctVerifier.Builder applyTo(EctVerifier.Builder builder) {
        Objects.requireNonNull(builder, "builder cannot be null");
        if (replayStore != null) {
            builder.replayStore(replayStore);
        }
        if (ledger != null) {
            builder.ledger(ledger);
        }
        return builder;
    }

    /** Closes the stores that are {@link AutoCloseable}; errors are logged, not thrown. */
    @Override
    public void close() {
        closeQuietly(replayStore);
        closeQuietly(ledger);
    }

    private static void closeQuietly(Object o) {
        if (o instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", o.getClass().getSimpleName(), e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "EctStores{replayStore=" + (replayStore == null ? "default" : replayStore.getClass().getSimpleName())
                + ", ledger=" + (ledger == null ? "none" : ledger.getClass().getSimpleName()) + "}";
    }
}
