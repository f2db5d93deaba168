package dev.ect.spring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code ect.*} properties of the starter.
 *
 * <p>The flat properties ({@code ect.verifier-id}, {@code ect.trust}, {@code ect.min-level}, ...) are
 * ect-core's configuration options ({@code dev.ect.core.config.EctOption}), with the same names as the
 * servlet filter's init-params and the same defaults as the {@code ECT_*} environment variables: this
 * class only binds them as text and hands them to ect-core's assembler ({@code EctConfig.from}), which
 * parses and checks every value and names the property in its error. A property that is not set falls
 * back to its {@code ECT_*} variable, then to the default ({@link #toPropertyMap()}). Lists (trust,
 * paths, algorithms) may be written as comma-separated text or as YAML/indexed lists.
 *
 * <p>The nested groups {@code ect.filter.*}, {@code ect.client.*} and {@code ect.datasource-ledger.*}
 * are the starter's own: how the filter is registered, which HTTP clients get ECTs, and whether the
 * application's {@code DataSource} holds the ledger. An unknown {@code ect.*} property fails the start
 * (a typo must not silently leave a default in force).
 */
@ConfigurationProperties(prefix = "ect", ignoreUnknownFields = false)
public class EctProperties {

    /**
     * This service's workload id: inbound ECTs must name it in aud (V-12); outbound and response ECTs
     * carry it as iss unless ect.response-issuer is set. Required. Env ECT_VERIFIER_ID.
     */
    private String verifierId;

    /**
     * Trusted issuers, one ISSUER=JWKS entry each, where JWKS is a JWKS file or an https URL (K-03,
     * V-07). Required unless ect.min-level is L1. Env ECT_TRUST.
     */
    private List<String> trust = new ArrayList<>();

    /** K-04: seconds a JWKS URL's key set is used past its ttl while refreshes fail. Default 600. Env ECT_JWKS_MAX_STALE_SEC. */
    private String jwksMaxStaleSeconds;

    /** K-03: allow http:// JWKS URLs (development only). Default false. Env ECT_JWKS_ALLOW_INSECURE_HTTP. */
    private String jwksAllowInsecureHttp;

    /** Paths that need an ECT (403 missing_ect without one, T-07). Default /*. Env ECT_REQUIRED_PATHS. */
    private List<String> requiredPaths = new ArrayList<>();

    /** Paths where an ECT is verified when present. Default none. The error path (server.error.path) is added. Env ECT_OPTIONAL_PATHS. */
    private List<String> optionalPaths = new ArrayList<>();

    /** Paths the filter does not look at (e.g. /actuator/*). Default none. Env ECT_EXCLUDE_PATHS. */
    private List<String> excludePaths = new ArrayList<>();

    /** JCA provider for signatures: auto (ACCP when healthy, else the JDK's), jdk or accp. Default auto. Env ECT_CRYPTO. */
    private String crypto;

    /**
     * Log level of the ect command line tool. Not used by the starter: set logging.level.dev.ect instead.
     * Env ECT_LOG_LEVEL.
     */
    private String logLevel;

    /** Minimum assurance level, L1, L2 or L3 (V-03; L3 needs a ledger). Default L2. Env ECT_MIN_LEVEL. */
    private String minLevel;

    /** Audit ledger file (created if absent; V-15, L3). Default none. Env ECT_LEDGER_FILE. */
    private String ledgerFile;

    /** Shared PostgreSQL ledger URL (jdbc:postgresql:...), needs ect-jdbc. Default none. Env ECT_JDBC_URL. */
    private String jdbcUrl;

    /** Shared replay store URL (redis://, rediss://, ...; P-04), needs ect-redis. Default in-process. Env ECT_REDIS_URL. */
    private String redisUrl;

    /** Size of the in-process replay store (0 = 100000; full: 503 replay_store_full). Env ECT_JTI_REPLAY_CACHE_SIZE. */
    private String replayCacheSize;

    /** Minimum lifetime of a replay entry in minutes (P-01). Default 60. Env ECT_JTI_REPLAY_TTL_MIN. */
    private String replayTtlMinutes;

    /** Accepted alg values (H-03): ES256, ES384, ES512, EdDSA, PS256. Default ES256. Env ECT_ALGORITHMS. */
    private List<String> algorithms = new ArrayList<>();

    /** T-03 size gate in bytes. Default 8192. Env ECT_MAX_TOKEN_BYTES. */
    private String maxTokenBytes;

    /** C-08: most pred entries. Default 100. Env ECT_MAX_PRED. */
    private String maxPred;

    /** V-11: oldest accepted iat in minutes. Default 15. Env ECT_IAT_MAX_AGE_MINUTES. */
    private String iatMaxAgeMinutes;

    /** V-11: furthest accepted future iat in seconds, also the clock skew. Default 30. Env ECT_IAT_MAX_FUTURE_SEC. */
    private String iatMaxFutureSeconds;

    /** Lifetime of minted ECTs in minutes. Default 10. Env ECT_DEFAULT_EXPIRY_MIN. */
    private String defaultExpiryMinutes;

    /** G-05 bound on the ancestor walk. Default 10000. Env ECT_MAX_ANCESTORS. */
    private String maxAncestors;

    /** V-13 deadline of the whole DAG check in ms (then 503 ledger_unavailable). Default 2000. Env ECT_DAG_TIMEOUT_MS. */
    private String dagTimeoutMs;

    /** G-02 ALLOW policy (partial DAG). Default false. Env ECT_ALLOW_UNRESOLVED. */
    private String allowUnresolved;

    /** C-11 mapping of -00 claim names. Default false. Env ECT_LEGACY_CLAIMS. */
    private String legacyClaims;

    /** Private JWK file of this service: signs response ECTs (T-08) and outbound ECTs. Default none. Env ECT_RESPONSE_KEY_FILE. */
    private String responseKeyFile;

    /** iss of response and outbound ECTs. Default ect.verifier-id. Env ECT_RESPONSE_ISSUER. */
    private String responseIssuer;

    /** Also append each response ECT to the ledger before sending it (needs a ledger). Default false. Env ECT_RECORD_RESPONSE_ECTS. */
    private String recordResponseEcts;

    /** How the servlet filter is registered. */
    private final Filter filter = new Filter();

    /** Which HTTP clients mint ECTs. */
    private final Client client = new Client();

    /** The application's DataSource as the ledger. */
    private final DatasourceLedger datasourceLedger = new DatasourceLedger();

    /**
     * The configuration options as ect-core's assembler reads them: property name to raw text, only the
     * properties that are set (lists joined), so that unset ones fall back to the {@code ECT_*} variable
     * and then to the default.
     */
    public Map<String, String> toPropertyMap() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "ect.verifier-id", verifierId);
        put(m, "ect.trust", String.join("\n", trust));
        put(m, "ect.jwks-max-stale-seconds", jwksMaxStaleSeconds);
        put(m, "ect.jwks-allow-insecure-http", jwksAllowInsecureHttp);
        put(m, "ect.required-paths", String.join(",", requiredPaths));
        put(m, "ect.optional-paths", String.join(",", optionalPaths));
        put(m, "ect.exclude-paths", String.join(",", excludePaths));
        put(m, "ect.crypto", crypto);
        put(m, "ect.log-level", logLevel);
        put(m, "ect.min-level", minLevel);
        put(m, "ect.ledger-file", ledgerFile);
        put(m, "ect.jdbc-url", jdbcUrl);
        put(m, "ect.redis-url", redisUrl);
        put(m, "ect.replay-cache-size", replayCacheSize);
        put(m, "ect.replay-ttl-minutes", replayTtlMinutes);
        put(m, "ect.algorithms", String.join(",", algorithms));
        put(m, "ect.max-token-bytes", maxTokenBytes);
        put(m, "ect.max-pred", maxPred);
        put(m, "ect.iat-max-age-minutes", iatMaxAgeMinutes);
        put(m, "ect.iat-max-future-seconds", iatMaxFutureSeconds);
        put(m, "ect.default-expiry-minutes", defaultExpiryMinutes);
        put(m, "ect.max-ancestors", maxAncestors);
        put(m, "ect.dag-timeout-ms", dagTimeoutMs);
        put(m, "ect.allow-unresolved", allowUnresolved);
        put(m, "ect.legacy-claims", legacyClaims);
        put(m, "ect.response-key-file", responseKeyFile);
        put(m, "ect.response-issuer", responseIssuer);
        put(m, "ect.record-response-ects", recordResponseEcts);
        return m;
    }

    private static void put(Map<String, String> m, String name, String value) {
        if (value != null && !value.isBlank()) {
            m.put(name, value);
        }
    }

    /** {@code ect.filter.*}: how the servlet filter is registered. */
    public static class Filter {
        /** Register the ECT servlet filter. Default true. */
        private boolean enabled = true;

        /**
         * The filter's order among the servlet filters. Default -90: right after Spring Security's filter
         * chain (-100), so that only authenticated requests are verified, recorded and appended to the
         * ledger; set it below -100 to verify ECTs before Spring Security.
         */
        private int order = -90;

        /**
         * Add the error path (server.error.path, default /error) to the optional paths, so Spring's
         * error dispatch renders the error page for requests without an ECT. Default true.
         */
        private boolean errorPathOptional = true;

        /** The URL patterns the filter is mapped to. Default /*. */
        private List<String> urlPatterns = new ArrayList<>(List.of("/*"));

        /** Default order of the filter: after Spring Security's (-100). */
        public static final int DEFAULT_ORDER = -90;

        public boolean isEnabled() { return enabled; }

        public void setEnabled(boolean enabled) { this.enabled = enabled; }

        public int getOrder() { return order; }

        public void setOrder(int order) { this.order = order; }

        public boolean isErrorPathOptional() { return errorPathOptional; }

        public void setErrorPathOptional(boolean errorPathOptional) { this.errorPathOptional = errorPathOptional; }

        public List<String> getUrlPatterns() { return urlPatterns; }

        public void setUrlPatterns(List<String> urlPatterns) { this.urlPatterns = urlPatterns; }
    }

    /** {@code ect.client.*}: ECTs on outbound calls. */
    public static class Client {
        /**
         * Add the ECT interceptor to every RestClient.Builder and RestTemplateBuilder bean, and wrap an
         * OkHttpClient bean. Needs a signing key (ect.response-key-file). Default true.
         */
        private boolean enabled = true;

        /**
         * The receivers' workload ids (aud, M-06) by target: host:port or host (any port) to id, e.g.
         * ect.client.audiences[orders.internal\:8443]=spiffe://example.com/orders. host:port wins.
         */
        private Map<String, String> audiences = new LinkedHashMap<>();

        /**
         * A target with no audience: fail (the call fails before anything is sent, M-06) or skip (sent
         * without an ECT, for third-party APIs). Default fail.
         */
        private String unknownAudience = "fail";

        /** Verify ECTs in responses (T-08, F-03) with this service's verifier. Default true. */
        private boolean verifyResponses = true;

        public boolean isEnabled() { return enabled; }

        public void setEnabled(boolean enabled) { this.enabled = enabled; }

        public Map<String, String> getAudiences() { return audiences; }

        public void setAudiences(Map<String, String> audiences) { this.audiences = audiences; }

        public String getUnknownAudience() { return unknownAudience; }

        public void setUnknownAudience(String unknownAudience) { this.unknownAudience = unknownAudience; }

        public boolean isVerifyResponses() { return verifyResponses; }

        public void setVerifyResponses(boolean verifyResponses) { this.verifyResponses = verifyResponses; }
    }

    /** {@code ect.datasource-ledger.*}: the application's PostgreSQL DataSource as the ledger. */
    public static class DatasourceLedger {
        /**
         * Keep the ledger in the database of the application's DataSource (PostgreSQL, needs ect-jdbc).
         * The ledger opens its own small pool to that database with the DataSource's URL and
         * credentials. Exclusive with ect.jdbc-url and ect.ledger-file. Default false.
         */
        private boolean enabled;

        /** The schema of the ledger's tables (created when missing). Default ect. */
        private String schema = "ect";

        public boolean isEnabled() { return enabled; }

        public void setEnabled(boolean enabled) { this.enabled = enabled; }

        public String getSchema() { return schema; }

        public void setSchema(String schema) { this.schema = schema; }
    }

    public String getVerifierId() { return verifierId; }

    public void setVerifierId(String verifierId) { this.verifierId = verifierId; }

    public List<String> getTrust() { return trust; }

    public void setTrust(List<String> trust) { this.trust = trust; }

    public String getJwksMaxStaleSeconds() { return jwksMaxStaleSeconds; }

    public void setJwksMaxStaleSeconds(String v) { this.jwksMaxStaleSeconds = v; }

    public String getJwksAllowInsecureHttp() { return jwksAllowInsecureHttp; }

    public void setJwksAllowInsecureHttp(String v) { this.jwksAllowInsecureHttp = v; }

    public List<String> getRequiredPaths() { return requiredPaths; }

    public void setRequiredPaths(List<String> v) { this.requiredPaths = v; }

    public List<String> getOptionalPaths() { return optionalPaths; }

    public void setOptionalPaths(List<String> v) { this.optionalPaths = v; }

    public List<String> getExcludePaths() { return excludePaths; }

    public void setExcludePaths(List<String> v) { this.excludePaths = v; }

    public String getCrypto() { return crypto; }

    public void setCrypto(String v) { this.crypto = v; }

    public String getLogLevel() { return logLevel; }

    public void setLogLevel(String v) { this.logLevel = v; }

    public String getMinLevel() { return minLevel; }

    public void setMinLevel(String v) { this.minLevel = v; }

    public String getLedgerFile() { return ledgerFile; }

    public void setLedgerFile(String v) { this.ledgerFile = v; }

    public String getJdbcUrl() { return jdbcUrl; }

    public void setJdbcUrl(String v) { this.jdbcUrl = v; }

    public String getRedisUrl() { return redisUrl; }

    public void setRedisUrl(String v) { this.redisUrl = v; }

    public String getReplayCacheSize() { return replayCacheSize; }

    public void setReplayCacheSize(String v) { this.replayCacheSize = v; }

    public String getReplayTtlMinutes() { return replayTtlMinutes; }

    public void setReplayTtlMinutes(String v) { this.replayTtlMinutes = v; }

    public List<String> getAlgorithms() { return algorithms; }

    public void setAlgorithms(List<String> v) { this.algorithms = v; }

    public String getMaxTokenBytes() { return maxTokenBytes; }

    public void setMaxTokenBytes(String v) { this.maxTokenBytes = v; }

    public String getMaxPred() { return maxPred; }

    public void setMaxPred(String v) { this.maxPred = v; }

    public String getIatMaxAgeMinutes() { return iatMaxAgeMinutes; }

    public void setIatMaxAgeMinutes(String v) { this.iatMaxAgeMinutes = v; }

    public String getIatMaxFutureSeconds() { return iatMaxFutureSeconds; }

    public void setIatMaxFutureSeconds(String v) { this.iatMaxFutureSeconds = v; }

    public String getDefaultExpiryMinutes() { return defaultExpiryMinutes; }

    public void setDefaultExpiryMinutes(String v) { this.defaultExpiryMinutes = v; }

    public String getMaxAncestors() { return maxAncestors; }

    public void setMaxAncestors(String v) { this.maxAncestors = v; }

    public String getDagTimeoutMs() { return dagTimeoutMs; }

    public void setDagTimeoutMs(String v) { this.dagTimeoutMs = v; }

    public String getAllowUnresolved() { return allowUnresolved; }

    public void setAllowUnresolved(String v) { this.allowUnresolved = v; }

    public String getLegacyClaims() { return legacyClaims; }

    public void setLegacyClaims(String v) { this.legacyClaims = v; }

    public String getResponseKeyFile() { return responseKeyFile; }

    public void setResponseKeyFile(String v) { this.responseKeyFile = v; }

    public String getResponseIssuer() { return responseIssuer; }

    public void setResponseIssuer(String v) { this.responseIssuer = v; }

    public String getRecordResponseEcts() { return recordResponseEcts; }

    public void setRecordResponseEcts(String v) { this.recordResponseEcts = v; }

    public Filter getFilter() { return filter; }

    public Client getClient() { return client; }

    public DatasourceLedger getDatasourceLedger() { return datasourceLedger; }
}
