package dev.ect.servlet;

import dev.ect.core.EctLevel;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.SecurityEvent;
import dev.ect.core.VerificationEvent;
import dev.ect.core.VerificationListener;
import dev.ect.core.dag.DagRule;
import dev.ect.core.dag.EctStore;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.JwksUrlKeySource;
import dev.ect.core.keys.KeySource;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.replay.ReplayStore;
import dev.ect.servlet.internal.ConfigSources;
import dev.ect.servlet.internal.LedgerFiles;
import dev.ect.servlet.internal.Param;
import dev.ect.servlet.internal.PathPattern;
import dev.ect.servlet.internal.StorePlugins;
import dev.ect.servlet.internal.TrustSet;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The complete, immutable configuration of one {@link EctFilter}: the one source of truth for
 * the three ways of configuring it.
 *
 * <ol>
 *   <li><b>Programmatic</b>: the {@link Builder} setters;
 *   <li><b>{@code web.xml}</b>: init-params ({@link Builder#initParameters(Map)}; the no-argument
 *       {@link EctFilter} passes its {@code <init-param>}s);
 *   <li><b>Environment</b>: the {@code ECT_*} variables of profile section 9
 *       ({@link EctSettings#fromEnvironment(Map)}) and the filter's own ({@code ECT_VERIFIER_ID},
 *       {@code ECT_TRUST}, ...), read from {@link Builder#environment(Map)} (default
 *       {@link System#getenv()}).
 * </ol>
 *
 * <p><b>Precedence</b>, per option: builder &gt; init-param &gt; environment &gt; default. A blank
 * init-param or variable counts as unset. Invalid values fail in {@link Builder#build()} (and so
 * at filter init) with an {@link IllegalArgumentException} naming the init-param or variable;
 * an init-param starting with {@code ect.} that the filter does not know fails too (typos).
 *
 * <table>
 * <caption>Options</caption>
 * <tr><th>builder</th><th>init-param</th><th>environment</th><th>default</th></tr>
 * <tr><td>{@link Builder#verifierId}</td><td>{@code ect.verifier-id}</td><td>{@code ECT_VERIFIER_ID}</td><td>required</td></tr>
 * <tr><td>{@link Builder#trustJwksFile}, {@link Builder#trustJwksUrl}, {@link Builder#trustJwks}, {@link Builder#keySource}</td>
 *     <td>{@code ect.trust}</td><td>{@code ECT_TRUST}</td><td>required unless min level L1</td></tr>
 * <tr><td>{@link Builder#jwksMaxStale}</td><td>{@code ect.jwks-max-stale-seconds}</td><td>{@code ECT_JWKS_MAX_STALE_SEC}</td><td>600 (10 min, K-04)</td></tr>
 * <tr><td>{@link Builder#allowInsecureJwksHttp}</td><td>{@code ect.jwks-allow-insecure-http}</td><td>{@code ECT_JWKS_ALLOW_INSECURE_HTTP}</td><td>{@code false} (K-03)</td></tr>
 * <tr><td>{@link Builder#requiredPaths}</td><td>{@code ect.required-paths}</td><td>{@code ECT_REQUIRED_PATHS}</td><td>{@code /*}</td></tr>
 * <tr><td>{@link Builder#optionalPaths}</td><td>{@code ect.optional-paths}</td><td>{@code ECT_OPTIONAL_PATHS}</td><td>none</td></tr>
 * <tr><td>{@link Builder#excludePaths}</td><td>{@code ect.exclude-paths}</td><td>{@code ECT_EXCLUDE_PATHS}</td><td>none</td></tr>
 * <tr><td>{@link Builder#ledger}</td><td>{@code ect.ledger-file} / {@code ect.jdbc-url}</td><td>{@code ECT_LEDGER_FILE} / {@code ECT_JDBC_URL}</td><td>none (L2)</td></tr>
 * <tr><td>{@link Builder#replayStore}</td><td>{@code ect.redis-url}</td><td>{@code ECT_REDIS_URL}</td><td>in-process Caffeine</td></tr>
 * <tr><td>{@link Builder#responseSigner}</td><td>{@code ect.response-key-file}</td><td>{@code ECT_RESPONSE_KEY_FILE}</td><td>none (no response ECTs)</td></tr>
 * <tr><td>{@link Builder#responseIssuer}</td><td>{@code ect.response-issuer}</td><td>{@code ECT_RESPONSE_ISSUER}</td><td>the verifier id</td></tr>
 * <tr><td>{@link Builder#recordResponseEcts}</td><td>{@code ect.record-response-ects}</td><td>{@code ECT_RECORD_RESPONSE_ECTS}</td><td>{@code false}</td></tr>
 * <tr><td>{@link Builder#settings}</td><td>{@code ect.min-level}, {@code ect.algorithms}, {@code ect.replay-cache-size}, ... (see README)</td>
 *     <td>{@code ECT_MIN_LEVEL}, {@code ECT_ALGORITHMS}, {@code ECT_JTI_REPLAY_CACHE_SIZE}, ...</td><td>{@link EctSettings#defaults()}</td></tr>
 * </table>
 *
 * <p><b>Paths</b> are matched against the path within the application (servlet path + path info,
 * as decoded and normalized by the container). Patterns: {@code /*} (all), {@code /api/*} (the
 * prefix {@code /api} and everything below it), {@code *.css} (suffix of the last segment,
 * case-sensitive), or an exact path such as {@code /health}; lists are separated by commas or
 * whitespace. The first that applies wins: excluded, then optional, then required; a path matched
 * by none is not covered (treated like an excluded one). See {@link #pathPolicy(String)}. A suffix
 * exclusion never opens a required path (T-10): it does not apply under a required prefix or exact
 * path, and with {@code /*} required the filter applies it only to dispatches the container maps to
 * an extension-mapped or the default servlet. Overlaps are logged (WARN) when the config is built.
 *
 * <p><b>Response ECTs and the ledger.</b> Each ECT is appended to a ledger once, by its
 * <em>receiver</em>, the verifier that accepts it: an inbound ECT by this filter's verifier (V-15),
 * a response ECT (T-08) by the calling agent when it verifies the answer (ect-okhttp-interceptor's
 * response verifier). So by default the filter does <b>not</b> record the response ECTs it mints.
 * Recording them here breaks the common deployment where several agents share one ledger (a
 * {@code FileLedger}, a JDBC ledger): the caller's verifier checks the answer against that ledger,
 * finds the identical ECT already stored, and rejects it as {@code replay} (G-01), failing the
 * call. Turn {@link Builder#recordResponseEcts(boolean) recordResponseEcts} on only for a server
 * whose callers do not record response ECTs (they do not verify them, or keep no ledger) while the
 * configured ledger is one the agents downstream share and the caller does not write: then the
 * caller's next ECT, which names the answer in {@code pred} (F-03), resolves in that ledger only if
 * this filter put it there. With it on, the answer is appended before the header is set, and a
 * failed append leaves the header out.
 *
 * <p>The config owns what it opened from init-params or the environment (a ledger file, a store
 * plug-in's connections) and closes them in {@link #close()}; the filter calls it from
 * {@code destroy()}. Objects handed to the builder are never closed by it.
 */
public final class EctFilterConfig implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EctFilterConfig.class);

    /** How the filter treats a request path; see {@link #pathPolicy(String)}. */
    public enum PathPolicy {
        /** An ECT must be present and valid; a missing one is 403 {@code missing_ect} (T-07). */
        REQUIRED,
        /** An ECT is verified when present (a bad one is still rejected); without one the request goes on. */
        OPTIONAL,
        /** The filter does not look at the request at all (not even a bad ECT is rejected). */
        EXCLUDED
    }

    private final EctVerifier verifier;
    private final List<PathPattern> requiredPaths;
    private final List<PathPattern> optionalPaths;
    private final List<PathPattern> excludePaths;
    /**
     * The listener of a filter-built verifier: the filter logs each outcome itself (with the
     * exception's unverified jti/iss), so verifications are not logged twice; security events (G-07)
     * are logged at WARN by the default logging listener, never dropped.
     */
    private static final VerificationListener FILTER_VERIFIER_LISTENER = new VerificationListener() {
        @Override
        public void onVerification(VerificationEvent event) {
            // logged by EctFilter
        }

        @Override
        public void onSecurityEvent(SecurityEvent event) { VerificationListener.logging().onSecurityEvent(event); }
    };

    private final EctFilterListener listener;
    private final EctSigner responseSigner;
    private final String responseIssuer;
    private final Function<HttpServletRequest, String> responseExecAct;
    private final AuditLedger ledger;
    private final boolean recordResponseEcts;
    private final List<AutoCloseable> owned;

    private EctFilterConfig(EctVerifier verifier, List<PathPattern> required, List<PathPattern> optional,
            List<PathPattern> exclude, EctFilterListener listener, EctSigner responseSigner, String responseIssuer,
            Function<HttpServletRequest, String> responseExecAct, AuditLedger ledger, boolean recordResponseEcts,
            List<AutoCloseable> owned) {
        this.verifier = verifier;
        this.requiredPaths = List.copyOf(required);
        this.optionalPaths = List.copyOf(optional);
        this.excludePaths = List.copyOf(exclude);
        this.listener = listener;
        this.responseSigner = responseSigner;
        this.responseIssuer = responseIssuer;
        this.responseExecAct = responseExecAct;
        this.ledger = ledger;
        this.recordResponseEcts = recordResponseEcts;
        this.owned = List.copyOf(owned);
        warnOverlaps();
    }

    /** A new builder. */
    public static Builder builder() { return new Builder(); }

    /**
     * The configuration of a plain WAR: init-params of the filter over the process environment.
     *
     * @throws IllegalArgumentException naming the init-param or variable of an invalid value
     */
    public static EctFilterConfig fromInitParameters(FilterConfig filterConfig) {
        return builder().initParameters(filterConfig).build();
    }

    /** The verifier that runs the procedure of profile section 4 for every covered request. */
    public EctVerifier verifier() { return verifier; }

    /** This server's workload id, matched against {@code aud} (V-12). */
    public String verifierId() { return verifier.verifierId(); }

    /** The limits and windows in force. */
    public EctSettings settings() { return verifier.settings(); }

    /** The required-path patterns (default {@code /*}). */
    public List<String> requiredPaths() { return strings(requiredPaths); }

    /** The optional-path patterns (default none). */
    public List<String> optionalPaths() { return strings(optionalPaths); }

    /** The excluded-path patterns (default none). */
    public List<String> excludePaths() { return strings(excludePaths); }

    /**
     * The policy for a path within the application: {@link PathPolicy#EXCLUDED} when an exclude
     * pattern matches (a suffix pattern such as {@code *.css} only where no required prefix or
     * required exact path matches, T-10), else {@link PathPolicy#OPTIONAL} when an optional pattern matches, else
     * {@link PathPolicy#REQUIRED} when a required pattern matches, else {@link PathPolicy#EXCLUDED}
     * (not covered).
     */
    public PathPolicy pathPolicy(String path) { return pathPolicy(path, true); }

    /**
     * {@link #pathPolicy(String)}, where the filter also knows whether the container maps the
     * dispatch to an extension-mapped or the default servlet ({@code suffixExclusionsApply}); when it
     * does not, suffix exclusions do not apply at all (T-10).
     */
    PathPolicy pathPolicy(String path, boolean suffixExclusionsApply) {
        String p = path == null || path.isEmpty() ? "/" : path;
        for (PathPattern e : excludePaths) {
            if (!e.matches(p)) {
                continue;
            }
            // T-10: a suffix exclusion never opens a path under a required prefix (or a required exact path)
            if (!e.isSuffix() || (suffixExclusionsApply && !requiredByName(p))) {
                return PathPolicy.EXCLUDED;
            }
        }
        if (PathPattern.anyMatches(optionalPaths, p)) {
            return PathPolicy.OPTIONAL;
        }
        if (PathPattern.anyMatches(requiredPaths, p)) {
            return PathPolicy.REQUIRED;
        }
        return PathPolicy.EXCLUDED;
    }

    /** True when a required pattern other than {@code /*} (a prefix such as {@code /api/*}, or an exact path) matches. */
    private boolean requiredByName(String p) {
        for (PathPattern r : requiredPaths) {
            if (!r.pattern().equals("/*") && !r.isSuffix() && r.matches(p)) {
                return true;
            }
        }
        return false;
    }

    /** True when an exclude pattern is a suffix pattern ({@code *.css}). */
    boolean hasSuffixExclusions() {
        for (PathPattern e : excludePaths) {
            if (e.isSuffix()) {
                return true;
            }
        }
        return false;
    }

    /** T-10: says at start-up where a suffix exclusion does not apply (it never opens a required prefix). */
    private void warnOverlaps() {
        for (PathPattern e : excludePaths) {
            if (!e.isSuffix()) {
                continue;
            }
            for (PathPattern r : requiredPaths) {
                if (r.pattern().equals("/*")) {
                    LOG.warn("exclude pattern {} overlaps the required pattern /*: it applies only to requests the container "
                            + "maps to an extension-mapped or the default servlet (static files), never to a path a "
                            + "prefix- or exact-mapped servlet serves (T-10)", e);
                } else if (!r.isSuffix()) {
                    LOG.warn("exclude pattern {} overlaps the required pattern {}: it does not apply under {} (T-10)", e, r, r);
                } else if (r.pattern().endsWith(e.pattern().substring(1)) || e.pattern().endsWith(r.pattern().substring(1))) {
                    LOG.warn("exclude pattern {} overlaps the required pattern {}; the exclusion wins there", e, r);
                }
            }
        }
    }

    /** The per-request listener (default: none). */
    public EctFilterListener listener() { return listener; }

    /** The signer of response ECTs (T-08); empty when response ECTs are off (the default). */
    public Optional<EctSigner> responseSigner() { return Optional.ofNullable(responseSigner); }

    /** The {@code iss} of response ECTs: this server's id (default the verifier id). */
    public String responseIssuer() { return responseIssuer; }

    /** The default {@code exec_act} of a response ECT for a request (default {@code "METHOD /path"}). */
    public Function<HttpServletRequest, String> responseExecAct() { return responseExecAct; }

    /**
     * The audit ledger: accepted ECTs are appended to it by the verifier (V-15, L3), and, only when
     * {@link #recordResponseEcts()}, minted response ECTs by the filter; empty when none is configured.
     */
    public Optional<AuditLedger> ledger() { return Optional.ofNullable(ledger); }

    /**
     * Whether the filter appends the response ECTs it mints to {@link #ledger()} before sending
     * them (default {@code false}: the caller, their receiver, records them; see the class
     * Javadoc). True implies a ledger.
     */
    public boolean recordResponseEcts() { return recordResponseEcts; }

    /** Closes what this config opened from init-params or the environment; never throws. */
    @Override
    public void close() { closeAll(owned); }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable c : resources) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "EctFilterConfig{verifierId=" + verifierId() + ", minLevel=" + settings().minLevel()
                + ", required=" + requiredPaths + ", optional=" + optionalPaths + ", exclude=" + excludePaths
                + ", ledger=" + (ledger == null ? "none" : ledger.getClass().getSimpleName())
                + ", responseEcts=" + (responseSigner != null) + ", recordResponseEcts=" + recordResponseEcts + "}";
    }

    private static List<String> strings(List<PathPattern> ps) {
        List<String> out = new ArrayList<>();
        ps.forEach(p -> out.add(p.pattern()));
        return Collections.unmodifiableList(out);
    }

    /** The default {@code exec_act} resolver: {@code "GET /context/path"}, at most 256 characters (C-07). */
    static String defaultExecAct(HttpServletRequest request) {
        return request.getMethod() + " " + request.getContextPath() + EctFilter.pathWithinApplication(request);
    }

    /**
     * Builder. Each setter fails fast on null and on being called twice
     * ({@link IllegalStateException}); {@link #build()} merges the setters with the init-params and
     * the environment (setters win) and validates everything.
     */
    public static final class Builder {
        private String verifierId;
        private KeySource keySource;
        private final TrustSet trust = new TrustSet();
        private Duration jwksMaxStale;
        private Boolean allowInsecureJwksHttp;
        private EctSettings settings;
        private Clock clock;
        private ReplayStore replayStore;
        private EctStore ectStore;
        private AuditLedger ledger;
        private final List<DagRule> dagRules = new ArrayList<>();
        private List<PathPattern> requiredPaths;
        private List<PathPattern> optionalPaths;
        private List<PathPattern> excludePaths;
        private EctFilterListener listener;
        private EctSigner responseSigner;
        private String responseIssuer;
        private Function<HttpServletRequest, String> responseExecAct;
        private Boolean recordResponseEcts;
        private EctVerifier verifier;
        private Map<String, String> initParams = Map.of();
        private boolean initParamsSet;
        private Map<String, String> environment;

        private Builder() {}

        /** Required (here, {@code ect.verifier-id} or {@code ECT_VERIFIER_ID}): this server's workload id (V-12). */
        public Builder verifierId(String id) {
            Objects.requireNonNull(id, "verifierId cannot be null");
            if (id.isBlank()) {
                throw new IllegalArgumentException("verifierId must not be empty");
            }
            verifierId = once(verifierId, id, "verifierId");
            return this;
        }

        /** A key source of your own (V-07), asked before any {@code trust*} entries. */
        public Builder keySource(KeySource ks) {
            keySource = once(keySource, Objects.requireNonNull(ks, "keySource cannot be null"), "keySource");
            return this;
        }

        /** Trusts an issuer's keys given as a JWKS document (JSON text). */
        public Builder trustJwks(String issuer, String jwksJson) { trust.jwks(issuer, jwksJson); return this; }

        /** Trusts an issuer's keys from a JWKS file, read once in {@link #build()}. */
        public Builder trustJwksFile(String issuer, Path file) { trust.jwksFile(issuer, file); return this; }

        /**
         * Trusts an issuer's keys from a JWKS URL, fetched and cached ({@code JwksUrlKeySource}
         * defaults, with {@link #jwksMaxStale} and {@link #allowInsecureJwksHttp}). The URL must be
         * {@code https} (K-03).
         */
        public Builder trustJwksUrl(String issuer, URI jwksUrl) { trust.jwksUrl(issuer, jwksUrl); return this; }

        /**
         * K-04: how long past its ttl the key set of a trusted JWKS URL that cannot be refreshed is
         * still used; after that its tokens get 503 {@code key_source_unavailable}. Default from
         * {@code ect.jwks-max-stale-seconds} / {@code ECT_JWKS_MAX_STALE_SEC} (whole seconds), else
         * {@link JwksUrlKeySource#DEFAULT_MAX_STALE} (10 min). Applies to {@code trustJwksUrl} and
         * {@code ect.trust} URLs, not to a {@link #keySource} of your own.
         */
        public Builder jwksMaxStale(Duration d) {
            Objects.requireNonNull(d, "jwksMaxStale cannot be null");
            if (d.isNegative()) {
                throw new IllegalArgumentException("jwksMaxStale must be >= 0");
            }
            jwksMaxStale = once(jwksMaxStale, d, "jwksMaxStale");
            return this;
        }

        /**
         * K-03: allows {@code http://} trusted JWKS URLs, for development only (anyone on the path
         * can replace the keys); logged at WARN at start-up. Default from
         * {@code ect.jwks-allow-insecure-http} / {@code ECT_JWKS_ALLOW_INSECURE_HTTP}, else
         * {@code false}: an {@code http} URL fails {@link #build()}.
         */
        public Builder allowInsecureJwksHttp(boolean allow) {
            allowInsecureJwksHttp = once(allowInsecureJwksHttp, allow, "allowInsecureJwksHttp");
            return this;
        }

        /** All verification limits at once; replaces every {@code ECT_*}/{@code ect.*} setting. Default from init-params/environment, else {@link EctSettings#defaults()}. */
        public Builder settings(EctSettings s) {
            settings = once(settings, Objects.requireNonNull(s, "settings cannot be null"), "settings");
            return this;
        }

        /** The clock of time checks, the replay store and response ECTs; default system UTC. */
        public Builder clock(Clock c) {
            clock = once(clock, Objects.requireNonNull(c, "clock cannot be null"), "clock");
            return this;
        }

        /** The replay store (V-14); default from {@code ect.redis-url}/{@code ECT_REDIS_URL}, else in-process Caffeine. */
        public Builder replayStore(ReplayStore rs) {
            replayStore = once(replayStore, Objects.requireNonNull(rs, "replayStore cannot be null"), "replayStore");
            return this;
        }

        /** Where DAG predecessors are looked up (V-13); default the ledger when there is one, else nothing. */
        public Builder ectStore(EctStore store) {
            ectStore = once(ectStore, Objects.requireNonNull(store, "ectStore cannot be null"), "ectStore");
            return this;
        }

        /**
         * The audit ledger (V-15, L3; also the ECT store of the DAG checks, and where response ECTs
         * are recorded if {@link #recordResponseEcts(boolean)} is on); default from
         * {@code ect.ledger-file} or {@code ect.jdbc-url} (or their variables), else none.
         */
        public Builder ledger(AuditLedger l) {
            ledger = once(ledger, Objects.requireNonNull(l, "ledger cannot be null"), "ledger");
            return this;
        }

        /** Adds a G-06 policy rule over predecessors. */
        public Builder dagRule(DagRule rule) {
            dagRules.add(Objects.requireNonNull(rule, "dagRule cannot be null"));
            return this;
        }

        /** Paths that must carry an ECT (T-07); default {@code /*}. */
        public Builder requiredPaths(String... patterns) {
            requiredPaths = once(requiredPaths, patterns(patterns), "requiredPaths");
            return this;
        }

        /** Paths where an ECT is verified when present but may be missing; default none. */
        public Builder optionalPaths(String... patterns) {
            optionalPaths = once(optionalPaths, patterns(patterns), "optionalPaths");
            return this;
        }

        /** Paths the filter ignores entirely (health checks, static files); default none. */
        public Builder excludePaths(String... patterns) {
            excludePaths = once(excludePaths, patterns(patterns), "excludePaths");
            return this;
        }

        /** Per-request outcome hook for metrics; default none. */
        public Builder listener(EctFilterListener l) {
            listener = once(listener, Objects.requireNonNull(l, "listener cannot be null"), "listener");
            return this;
        }

        /**
         * Turns response ECTs on (T-08): this signer mints, for each request with an accepted ECT,
         * an ECT for the task this server performed, sent in the response's {@code Execution-Context}
         * header. Default from {@code ect.response-key-file} (a private JWK), else off.
         */
        public Builder responseSigner(EctSigner signer) {
            responseSigner = once(responseSigner, Objects.requireNonNull(signer, "responseSigner cannot be null"), "responseSigner");
            return this;
        }

        /** The {@code iss} of response ECTs; default the verifier id (the name callers address this server by). */
        public Builder responseIssuer(String iss) {
            Objects.requireNonNull(iss, "responseIssuer cannot be null");
            responseIssuer = once(responseIssuer, iss, "responseIssuer");
            return this;
        }

        /**
         * The default {@code exec_act} of a response ECT, computed from the request; default
         * {@code "METHOD /context/path"}. A handler overrides it per request with
         * {@code TaskContext.current().get().setExecAct(..)}. Truncated to 256 characters (C-07).
         */
        public Builder responseExecAct(Function<? super HttpServletRequest, String> resolver) {
            Objects.requireNonNull(resolver, "responseExecAct cannot be null");
            responseExecAct = once(responseExecAct, resolver::apply, "responseExecAct");
            return this;
        }

        /**
         * Whether the filter appends each response ECT it mints to the ledger before sending it;
         * default from {@code ect.record-response-ects} / {@code ECT_RECORD_RESPONSE_ECTS}
         * ({@code true}/{@code false}), else {@code false}.
         *
         * <p>Off by default because the receiver of an ECT records it: a calling agent that
         * verifies the answer (ect-okhttp-interceptor's response verifier with a ledger) appends it
         * itself, and if it shares this server's ledger it would find the answer already stored and
         * reject it as {@code replay} (G-01). Turn it on for a server whose callers do not record
         * response ECTs, when the ledger is shared by the agents downstream but not written by the
         * caller: the caller's next ECT names the answer in {@code pred} (F-03), and it resolves
         * there only if this filter recorded it. With it on, a failed append leaves the response's
         * header out (logged; the response itself is sent). Needs a ledger ({@link #build()} fails
         * otherwise); without a response signer there is nothing to record.
         */
        public Builder recordResponseEcts(boolean record) {
            recordResponseEcts = once(recordResponseEcts, record, "recordResponseEcts");
            return this;
        }

        /**
         * A verifier of your own, used as it is: the filter then reads nothing that configures
         * verification (verifier id, trust, settings, stores) from init-params or the environment,
         * and those builder options must not be set. {@link #ledger(AuditLedger)} may still be set
         * for {@link #recordResponseEcts(boolean)} (it should be the verifier's ledger).
         */
        public Builder verifier(EctVerifier v) {
            verifier = once(verifier, Objects.requireNonNull(v, "verifier cannot be null"), "verifier");
            return this;
        }

        /** Init-params (the {@code web.xml} {@code <init-param>}s); below the setters, above the environment. */
        public Builder initParameters(Map<String, String> params) {
            Objects.requireNonNull(params, "params cannot be null");
            if (initParamsSet) {
                throw new IllegalStateException("initParameters was already set");
            }
            initParamsSet = true;
            initParams = new LinkedHashMap<>(params);
            return this;
        }

        /** The init-params of a filter's {@link FilterConfig}. */
        public Builder initParameters(FilterConfig fc) {
            Objects.requireNonNull(fc, "filterConfig cannot be null");
            Map<String, String> m = new LinkedHashMap<>();
            for (String name : Collections.list(fc.getInitParameterNames())) {
                m.put(name, fc.getInitParameter(name));
            }
            return initParameters(m);
        }

        /**
         * The environment to read {@code ECT_*} variables from; default {@link System#getenv()}.
         * Pass {@code Map.of()} to ignore the environment (tests, embedded use).
         */
        public Builder environment(Map<String, String> env) {
            Objects.requireNonNull(env, "environment cannot be null");
            environment = once(environment, Map.copyOf(env), "environment");
            return this;
        }

        /**
         * Validates and merges everything.
         *
         * @throws IllegalArgumentException naming the init-param or environment variable of an
         *     invalid value, or the missing option
         * @throws IllegalStateException for conflicting builder options
         */
        public EctFilterConfig build() {
            ConfigSources src = new ConfigSources(initParams, environment != null ? environment : System.getenv());
            src.checkNoUnknownInitParams();
            Clock c = clock != null ? clock : Clock.systemUTC();
            List<AutoCloseable> owned = new ArrayList<>();
            try {
                AuditLedger l = ledger;
                EctVerifier v;
                if (verifier != null) {
                    if (verifierId != null || keySource != null || !trust.isEmpty() || settings != null || clock != null
                            || replayStore != null || ectStore != null || !dagRules.isEmpty() || jwksMaxStale != null
                            || allowInsecureJwksHttp != null) {
                        throw new IllegalStateException("verifier(...) configures verification itself: do not also set "
                                + "verifierId, keySource, trust*, jwks*, settings, clock, replayStore, ectStore or dagRule");
                    }
                    v = verifier;
                } else {
                    if (l == null) {
                        l = ledgerFromSources(src, c, owned);
                    }
                    v = buildVerifier(src, c, l, owned);
                }
                List<PathPattern> req = requiredPaths != null ? requiredPaths : paths(src, Param.REQUIRED_PATHS, List.of(new PathPattern("/*")));
                List<PathPattern> opt = optionalPaths != null ? optionalPaths : paths(src, Param.OPTIONAL_PATHS, List.of());
                List<PathPattern> exc = excludePaths != null ? excludePaths : paths(src, Param.EXCLUDE_PATHS, List.of());
                EctSigner signer = responseSigner != null ? responseSigner : signerFromSources(src, c, v.settings());
                String respIss = responseIssuer != null ? responseIssuer
                        : src.get(Param.RESPONSE_ISSUER).map(ConfigSources.Value::value).orElse(v.verifierId());
                boolean record = recordResponseEcts(src, l);
                return new EctFilterConfig(v, req, opt, exc, listener != null ? listener : EctFilterListener.noop(),
                        signer, respIss, responseExecAct != null ? responseExecAct : EctFilterConfig::defaultExecAct,
                        l, record, owned);
            } catch (RuntimeException e) {
                closeAll(owned);
                throw e;
            }
        }

        private EctVerifier buildVerifier(ConfigSources src, Clock c, AuditLedger l, List<AutoCloseable> owned) {
            String id = verifierId;
            if (id == null) {
                id = src.get(Param.VERIFIER_ID).map(ConfigSources.Value::value).orElseThrow(() -> new IllegalArgumentException(
                        "the verifier id is required: set init-param " + Param.VERIFIER_ID.initParam() + ", environment variable "
                                + Param.VERIFIER_ID.env() + " or verifierId(...)"));
            }
            EctSettings s = settings != null ? settings : src.settings();
            KeySource ks = keySource(src, c);
            if (ks == null && s.minLevel() != EctLevel.L1) {
                throw new IllegalArgumentException("no trusted issuers: set init-param " + Param.TRUST.initParam()
                        + ", environment variable " + Param.TRUST.env() + ", or trustJwks*/keySource(...)");
            }
            if (s.minLevel() == EctLevel.L3 && l == null) {
                throw new IllegalArgumentException("minimum level L3 needs a ledger: set " + Param.LEDGER_FILE.initParam() + " ("
                        + Param.LEDGER_FILE.env() + "), " + Param.JDBC_URL.initParam() + " (" + Param.JDBC_URL.env()
                        + ") or ledger(...)");
            }
            EctVerifier.Builder b = EctVerifier.builder().verifierId(id).settings(s).clock(c)
                    .listener(FILTER_VERIFIER_LISTENER);
            if (ks != null) {
                b.keySource(ks);
            }
            ReplayStore rs = replayStore != null ? replayStore : StorePlugins.replayStore(src, c, owned);
            if (rs != null) {
                b.replayStore(rs);
            }
            if (ectStore != null) {
                b.ectStore(ectStore);
            }
            if (l != null) {
                b.ledger(l);
            }
            dagRules.forEach(b::dagRule);
            return b.build();
        }

        private KeySource keySource(ConfigSources src, Clock c) {
            if (keySource != null || !trust.isEmpty()) {
                KeySource fromTrust;
                try {
                    fromTrust = trust.isEmpty() ? null : trust.build(c, maxStale(src), allowHttp(src));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("trusted keys: " + e.getMessage(), e);
                }
                if (keySource == null) {
                    return fromTrust;
                }
                return fromTrust == null ? keySource : KeySource.firstOf(keySource, fromTrust);
            }
            Optional<ConfigSources.Value> t = src.get(Param.TRUST);
            if (t.isEmpty()) {
                return null;
            }
            Duration stale = maxStale(src);
            boolean http = allowHttp(src);
            try {
                return TrustSet.parse(t.get()).build(c, stale, http);
            } catch (IllegalArgumentException e) {
                throw e.getMessage() != null && e.getMessage().startsWith(t.get().source())
                        ? e : t.get().invalid(e.getMessage(), e);
            } catch (RuntimeException e) {
                throw t.get().invalid(e.getMessage(), e);
            }
        }

        /** K-04: builder, else init-param / environment (whole seconds >= 0), else the default. */
        private Duration maxStale(ConfigSources src) {
            if (jwksMaxStale != null) {
                return jwksMaxStale;
            }
            Optional<ConfigSources.Value> v = src.get(Param.JWKS_MAX_STALE_SECONDS);
            if (v.isEmpty()) {
                return JwksUrlKeySource.DEFAULT_MAX_STALE;
            }
            long seconds;
            try {
                seconds = Long.parseLong(v.get().value());
            } catch (NumberFormatException e) {
                throw v.get().invalid("expected whole seconds >= 0", e);
            }
            if (seconds < 0) {
                throw v.get().invalid("expected whole seconds >= 0", null);
            }
            return Duration.ofSeconds(seconds);
        }

        /** K-03: builder, else init-param / environment, else false. */
        private boolean allowHttp(ConfigSources src) {
            return allowInsecureJwksHttp != null ? allowInsecureJwksHttp : src.flag(Param.JWKS_ALLOW_INSECURE_HTTP).orElse(false);
        }

        private boolean recordResponseEcts(ConfigSources src, AuditLedger l) {
            String where;
            boolean record;
            if (recordResponseEcts != null) {
                record = recordResponseEcts;
                where = "recordResponseEcts(true)";
            } else {
                record = src.flag(Param.RECORD_RESPONSE_ECTS).orElse(false);
                where = record ? src.get(Param.RECORD_RESPONSE_ECTS).orElseThrow().source() : null;
            }
            if (record && l == null) {
                throw new IllegalArgumentException(where + " records response ECTs in the ledger, but there is none: set "
                        + Param.LEDGER_FILE.initParam() + " (" + Param.LEDGER_FILE.env() + "), " + Param.JDBC_URL.initParam()
                        + " (" + Param.JDBC_URL.env() + ") or ledger(...)");
            }
            return record;
        }

        private static AuditLedger ledgerFromSources(ConfigSources src, Clock c, List<AutoCloseable> owned) {
            Optional<ConfigSources.Value> file = src.get(Param.LEDGER_FILE);
            AuditLedger fromUrl = StorePlugins.ledger(src, c, owned);
            if (file.isPresent() && fromUrl != null) {
                throw new IllegalArgumentException("both " + file.get().source() + " and " + src.get(Param.JDBC_URL).get().source()
                        + " configure a ledger; set only one");
            }
            if (file.isEmpty()) {
                return fromUrl;
            }
            try {
                AuditLedger l = LedgerFiles.open(Path.of(file.get().value()));
                if (l instanceof AutoCloseable ac) {
                    owned.add(ac);
                }
                return l;
            } catch (RuntimeException e) {
                throw file.get().invalid(e.getMessage(), e);
            }
        }

        private static EctSigner signerFromSources(ConfigSources src, Clock c, EctSettings s) {
            Optional<ConfigSources.Value> key = src.get(Param.RESPONSE_KEY_FILE);
            if (key.isEmpty()) {
                return null;
            }
            try {
                EctKeyPair kp = EctKeys.fromPrivateJwk(Files.readString(Path.of(key.get().value()), StandardCharsets.UTF_8));
                return EctSigner.builder(kp).clock(c).settings(s).build();
            } catch (IOException e) {
                throw key.get().invalid("cannot read the private JWK: " + e, e);
            } catch (RuntimeException e) {
                throw key.get().invalid(e.getMessage(), e);
            }
        }

        private static List<PathPattern> paths(ConfigSources src, Param p, List<PathPattern> dflt) {
            Optional<ConfigSources.Value> v = src.get(p);
            if (v.isEmpty()) {
                return dflt;
            }
            try {
                return PathPattern.parseList(v.get().value());
            } catch (IllegalArgumentException e) {
                throw v.get().invalid(e.getMessage(), e);
            }
        }

        private static List<PathPattern> patterns(String... patterns) {
            Objects.requireNonNull(patterns, "patterns cannot be null");
            List<PathPattern> out = new ArrayList<>();
            for (String p : patterns) {
                out.add(new PathPattern(Objects.requireNonNull(p, "pattern cannot be null")));
            }
            return out;
        }

        private static <T> T once(T current, T value, String name) {
            if (current != null) {
                throw new IllegalStateException(name + " was already set");
            }
            return value;
        }
    }
}
