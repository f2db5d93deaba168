package dev.ect.core.config;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every configuration option of the library, once: its property name (also the {@code web.xml}
 * init-param and the Spring property), its environment variable, its {@code ect} command-line
 * option where there is one, its default and its one-line documentation with the rule id.
 * {@link EctConfig} parses each of them in one place; {@code docs/CONFIGURATION.md} is this enum
 * as a table (a test keeps the two equal).
 */
public enum EctOption {
    // --- the verifier: who it is, whom it trusts, where it keeps state
    /** V-12: this verifier's workload id, matched against {@code aud}. Required by {@link EctConfig#open}. */
    VERIFIER_ID("ect.verifier-id", "ECT_VERIFIER_ID", "--aud (verify), --id (serve)", null,
            "this verifier's workload id; aud must contain it", "V-12"),
    /**
     * V-07: the trusted issuers, {@code ISS=JWKS} entries separated by commas or whitespace, where
     * {@code JWKS} is a JWKS file path or an {@code https://} JWKS URL. The old form
     * {@code ISS=file:PATH} is still read (a WARN says so).
     */
    TRUST("ect.trust", "ECT_TRUST", "--trust ISS=JWKS (repeat)", null,
            "trusted issuers: ISS=JWKS entries (JWKS = file path or https URL), separated by , or whitespace; required unless min level L1", "V-07"),
    /** K-04: whole seconds past its ttl a JWKS URL's key set that cannot be refreshed is still used. */
    JWKS_MAX_STALE_SECONDS("ect.jwks-max-stale-seconds", "ECT_JWKS_MAX_STALE_SEC", "--jwks-max-stale-seconds", "600",
            "seconds past its ttl a JWKS URL's keys are still used while the key server fails", "K-04"),
    /** K-03: allow {@code http://} JWKS URLs (development only; WARN at start-up). */
    JWKS_ALLOW_INSECURE_HTTP("ect.jwks-allow-insecure-http", "ECT_JWKS_ALLOW_INSECURE_HTTP", "--jwks-allow-insecure-http", "false",
            "allow http:// JWKS URLs (development only)", "K-03"),
    /** V-15: a file ledger (created when missing); every accepted ECT is appended (level L3). */
    LEDGER_FILE("ect.ledger-file", "ECT_LEDGER_FILE", "--ledger", null,
            "file ledger: DAG lookups and an append per accepted ECT; exclusive with jdbc-url", "V-15"),
    /** Section 8: a shared PostgreSQL ledger by URL, through the ledger plug-in ({@code ect-jdbc}). */
    JDBC_URL("ect.jdbc-url", "ECT_JDBC_URL", "--jdbc-url (ledger commands)", null,
            "shared ledger URL (jdbc:postgresql:...), needs ect-jdbc; exclusive with ledger-file", "L-05"),
    /** P-04: a shared replay store by URL, through the replay store plug-in ({@code ect-redis}). */
    REDIS_URL("ect.redis-url", "ECT_REDIS_URL", null, null,
            "shared replay store URL (redis://, rediss://, redis-sentinel://, redis-cluster://), needs ect-redis", "P-04"),
    /** V-08: the JCA provider of signatures: {@code auto}, {@code jdk} or {@code accp}. */
    CRYPTO("ect.crypto", "ECT_CRYPTO", "--crypto", "auto",
            "signature provider: auto (ACCP where it loads, else the JDK), jdk, or accp (must load)", "V-08"),

    // --- EctSettings (profile section 9)
    /** V-03: the minimum accepted level, L1, L2 or L3. */
    MIN_LEVEL("ect.min-level", "ECT_MIN_LEVEL", "--min-level", "L2",
            "minimum accepted level: L1, L2 or L3 (L3 needs a ledger)", "V-03"),
    /** H-03: the allowed signature algorithms. */
    ALGORITHMS("ect.algorithms", "ECT_ALGORITHMS", "--alg (repeat)", "ES256",
            "allowed algorithms, separated by , or whitespace; unset: the algs the trusted JWKS files declare, else ES256", "H-03"),
    /** P-03: entries of the in-process replay store (0 = the default). */
    REPLAY_CACHE_SIZE("ect.replay-cache-size", "ECT_JTI_REPLAY_CACHE_SIZE", null, "100000",
            "entries of the in-process replay store (0 = default)", "P-03"),
    /** P-01: minimum lifetime of a replay entry, minutes. */
    REPLAY_TTL_MINUTES("ect.replay-ttl-minutes", "ECT_JTI_REPLAY_TTL_MIN", null, "60",
            "minimum lifetime of a replay entry, minutes", "P-01"),
    /** V-01, T-03: the maximum token length in bytes (at least 64). */
    MAX_TOKEN_BYTES("ect.max-token-bytes", "ECT_MAX_TOKEN_BYTES", null, "8192",
            "maximum token length in bytes (>= 64)", "V-01"),
    /** C-08: the maximum number of {@code pred} entries. */
    MAX_PRED("ect.max-pred", "ECT_MAX_PRED", null, "100",
            "maximum pred entries", "C-08"),
    /** V-11: the maximum age of {@code iat}, minutes. */
    IAT_MAX_AGE_MINUTES("ect.iat-max-age-minutes", "ECT_IAT_MAX_AGE_MINUTES", null, "15",
            "maximum age of iat, minutes (>= 1)", "V-11"),
    /** V-11: the maximum {@code iat} in the future, seconds; also the clock skew of {@code exp} and G-04. */
    IAT_MAX_FUTURE_SECONDS("ect.iat-max-future-seconds", "ECT_IAT_MAX_FUTURE_SEC", null, "30",
            "maximum iat in the future, seconds; also the clock skew", "V-11"),
    /** M-02: the lifetime of a minted ECT without {@code exp}, minutes. */
    DEFAULT_EXPIRY_MINUTES("ect.default-expiry-minutes", "ECT_DEFAULT_EXPIRY_MIN", "--ttl SECONDS (mint)", "10",
            "lifetime of a minted ECT, minutes (>= 1)", "M-02"),
    /** G-05: the bound of the ancestor walk. */
    MAX_ANCESTORS("ect.max-ancestors", "ECT_MAX_ANCESTORS", null, "10000",
            "bound of the ancestor walk (>= 1)", "G-05"),
    /** V-13: the deadline of the whole DAG check, milliseconds; past it 503 {@code ledger_unavailable}. */
    DAG_TIMEOUT_MS("ect.dag-timeout-ms", "ECT_DAG_TIMEOUT_MS", null, "2000",
            "deadline of the whole DAG check, ms; past it 503 ledger_unavailable", "V-13"),
    /** G-02: the ALLOW policy, unresolved predecessors accepted as a partial DAG. */
    ALLOW_UNRESOLVED("ect.allow-unresolved", "ECT_ALLOW_UNRESOLVED", "--allow-unresolved", "false",
            "accept predecessors that are not in the store (ALLOW policy)", "G-02"),
    /** C-11: map the -00 claim names {@code par}/{@code ext}. */
    LEGACY_CLAIMS("ect.legacy-claims", "ECT_LEGACY_CLAIMS", null, "false",
            "map the -00 claims par/ext to pred/ect_ext", "C-11"),

    // --- the servlet filter's own options
    /** T-07: paths that must carry an ECT. */
    REQUIRED_PATHS("ect.required-paths", "ECT_REQUIRED_PATHS", null, "/*",
            "filter: paths that must carry an ECT, separated by , or whitespace", "T-07"),
    /** T-07: paths where an ECT is verified when present. */
    OPTIONAL_PATHS("ect.optional-paths", "ECT_OPTIONAL_PATHS", null, null,
            "filter: paths where an ECT is verified when present", "T-07"),
    /** T-10: paths the filter ignores. */
    EXCLUDE_PATHS("ect.exclude-paths", "ECT_EXCLUDE_PATHS", null, null,
            "filter: paths the filter ignores (a *.css-style suffix never opens a required prefix)", "T-10"),
    /** T-08: a private JWK; when set, responses carry an ECT signed with it. */
    RESPONSE_KEY_FILE("ect.response-key-file", "ECT_RESPONSE_KEY_FILE", "--response-key (serve)", null,
            "private JWK file: sign a response ECT for each accepted request", "T-08"),
    /** T-08: the {@code iss} of response ECTs (default the verifier id). */
    RESPONSE_ISSUER("ect.response-issuer", "ECT_RESPONSE_ISSUER", null, null,
            "iss of response ECTs; default the verifier id", "T-08"),
    /** T-08: whether minted response ECTs are also appended to the ledger (needs a ledger). */
    RECORD_RESPONSE_ECTS("ect.record-response-ects", "ECT_RECORD_RESPONSE_ECTS", null, "false",
            "filter: also append minted response ECTs to the ledger (needs a ledger)", "T-08"),

    // --- the ect command
    /** The {@code ect} command's log level on stderr: trace, debug, info, warn, error or off. */
    LOG_LEVEL("ect.log-level", "ECT_LOG_LEVEL", null, "warn (serve: info)",
            "ect command: log level on stderr (trace, debug, info, warn, error, off)", "§9");

    private static final Map<String, EctOption> BY_PROPERTY = new TreeMap<>();
    private static final Map<String, EctOption> BY_ENV = new TreeMap<>();

    static {
        for (EctOption o : values()) {
            BY_PROPERTY.put(o.property, o);
            BY_ENV.put(o.env, o);
        }
    }

    private final String property;
    private final String env;
    private final String cli;
    private final String defaultValue;
    private final String doc;
    private final String rule;

    EctOption(String property, String env, String cli, String defaultValue, String doc, String rule) {
        this.property = property;
        this.env = env;
        this.cli = cli;
        this.defaultValue = defaultValue;
        this.doc = doc;
        this.rule = rule;
    }

    /** The property name, e.g. {@code ect.verifier-id}: the {@code web.xml} init-param and the Spring property. */
    public String property() { return property; }

    /** The environment variable, e.g. {@code ECT_VERIFIER_ID}. */
    public String env() { return env; }

    /** The {@code ect} command's option for it, as its help names it (e.g. {@code --trust ISS=JWKS (repeat)}); empty when none. */
    public Optional<String> cliOption() { return Optional.ofNullable(cli); }

    /** The default as text (e.g. {@code "600"}); empty when the option has none (unset means off or required). */
    public Optional<String> defaultValue() { return Optional.ofNullable(defaultValue); }

    /** The profile rule the option belongs to, e.g. {@code K-04}. */
    public String ruleId() { return rule; }

    /** One line: what it does, its default and its rule id. */
    public String description() {
        return doc + " (default: " + (defaultValue == null ? "none" : defaultValue) + "; " + rule + ")";
    }

    /** The option of a property name ({@code ect.verifier-id}); empty for any other name. */
    public static Optional<EctOption> byProperty(String name) {
        return Optional.ofNullable(name == null ? null : BY_PROPERTY.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The option of an environment variable ({@code ECT_VERIFIER_ID}); empty for any other name. */
    public static Optional<EctOption> byEnv(String name) { return Optional.ofNullable(name == null ? null : BY_ENV.get(name)); }

    /** Every property name, sorted, comma-separated (for error messages). */
    public static String knownProperties() { return String.join(", ", BY_PROPERTY.keySet()); }
}
