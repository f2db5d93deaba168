package dev.ect.servlet.internal;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every setting the filter reads from {@code web.xml} init-params and the environment: the
 * init-param name, the environment variable, and whether it is one of the {@link
 * dev.ect.core.EctSettings} values. The README's table is this enum.
 */
public enum Param {
    VERIFIER_ID("ect.verifier-id", "ECT_VERIFIER_ID", false),
    TRUST("ect.trust", "ECT_TRUST", false),
    /** K-04: seconds past its ttl a JWKS URL's key set that cannot be refreshed is still used (default 600). */
    JWKS_MAX_STALE_SECONDS("ect.jwks-max-stale-seconds", "ECT_JWKS_MAX_STALE_SEC", false),
    /** K-03: allow {@code http://} JWKS URLs, for development only (default false). */
    JWKS_ALLOW_INSECURE_HTTP("ect.jwks-allow-insecure-http", "ECT_JWKS_ALLOW_INSECURE_HTTP", false),
    REQUIRED_PATHS("ect.required-paths", "ECT_REQUIRED_PATHS", false),
    OPTIONAL_PATHS("ect.optional-paths", "ECT_OPTIONAL_PATHS", false),
    EXCLUDE_PATHS("ect.exclude-paths", "ECT_EXCLUDE_PATHS", false),
    LEDGER_FILE("ect.ledger-file", "ECT_LEDGER_FILE", false),
    RESPONSE_KEY_FILE("ect.response-key-file", "ECT_RESPONSE_KEY_FILE", false),
    RESPONSE_ISSUER("ect.response-issuer", "ECT_RESPONSE_ISSUER", false),
    /** Whether minted response ECTs are also appended to the ledger (default false; see the config's Javadoc). */
    RECORD_RESPONSE_ECTS("ect.record-response-ects", "ECT_RECORD_RESPONSE_ECTS", false),
    /** Shared replay store URL (P-04), resolved through the store plug-ins of ect-core. */
    REDIS_URL("ect.redis-url", "ECT_REDIS_URL", false),
    /** Shared ledger URL (section 8), resolved through the store plug-ins of ect-core. */
    JDBC_URL("ect.jdbc-url", "ECT_JDBC_URL", false),
    // EctSettings (profile section 9); the environment names are ect-core's
    MIN_LEVEL("ect.min-level", "ECT_MIN_LEVEL", true),
    ALGORITHMS("ect.algorithms", "ECT_ALGORITHMS", true),
    REPLAY_CACHE_SIZE("ect.replay-cache-size", "ECT_JTI_REPLAY_CACHE_SIZE", true),
    REPLAY_TTL_MINUTES("ect.replay-ttl-minutes", "ECT_JTI_REPLAY_TTL_MIN", true),
    MAX_TOKEN_BYTES("ect.max-token-bytes", "ECT_MAX_TOKEN_BYTES", true),
    MAX_PRED("ect.max-pred", "ECT_MAX_PRED", true),
    IAT_MAX_AGE_MINUTES("ect.iat-max-age-minutes", "ECT_IAT_MAX_AGE_MINUTES", true),
    IAT_MAX_FUTURE_SECONDS("ect.iat-max-future-seconds", "ECT_IAT_MAX_FUTURE_SEC", true),
    DEFAULT_EXPIRY_MINUTES("ect.default-expiry-minutes", "ECT_DEFAULT_EXPIRY_MIN", true),
    MAX_ANCESTORS("ect.max-ancestors", "ECT_MAX_ANCESTORS", true),
    /** V-13: deadline of the whole DAG check in milliseconds (default 2000); past it 503 ledger_unavailable. */
    DAG_TIMEOUT_MS("ect.dag-timeout-ms", "ECT_DAG_TIMEOUT_MS", true),
    ALLOW_UNRESOLVED("ect.allow-unresolved", "ECT_ALLOW_UNRESOLVED", true),
    LEGACY_CLAIMS("ect.legacy-claims", "ECT_LEGACY_CLAIMS", true);

    private static final Map<String, Param> BY_INIT_NAME = new TreeMap<>();

    static {
        for (Param p : values()) {
            BY_INIT_NAME.put(p.initParam, p);
        }
    }

    private final String initParam;
    private final String env;
    private final boolean setting;

    Param(String initParam, String env, boolean setting) {
        this.initParam = initParam;
        this.env = env;
        this.setting = setting;
    }

    /** The {@code web.xml} init-param name, e.g. {@code ect.verifier-id}. */
    public String initParam() { return initParam; }

    /** The environment variable, e.g. {@code ECT_VERIFIER_ID}. */
    public String env() { return env; }

    /** True for the values that make up {@link dev.ect.core.EctSettings}. */
    public boolean isSetting() { return setting; }

    /** Looks an init-param name up. */
    public static Optional<Param> byInitParam(String name) { return Optional.ofNullable(BY_INIT_NAME.get(name)); }

    /** All init-param names, sorted (for error messages). */
    public static String knownInitParams() { return String.join(", ", BY_INIT_NAME.keySet()); }
}
