package dev.ect.servlet;

import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.SecurityEvent;
import dev.ect.core.VerificationScope;
import dev.ect.core.VerificationEvent;
import dev.ect.core.VerificationListener;
import dev.ect.core.config.EctConfig;
import dev.ect.core.config.EctConfigException;
import dev.ect.core.config.EctConfigSource;
import dev.ect.core.config.EctOption;
import dev.ect.core.config.EctRuntime;
import dev.ect.core.internal.SetOnce;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.servlet.internal.PathPattern;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
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
 * The complete, immutable configuration of one {@link EctFilter}: its own options (which paths it
 * covers, response ECTs, the per-request listener) and the verifier it runs.
 *
 * <p>The verifier comes from one of three places:
 * <ol>
 *   <li>{@link Builder#verifier(EctVerifier)}: a verifier of your own, used as it is;
 *   <li>{@link Builder#runtime(EctRuntime)}: what {@link EctConfig#open(Clock)} made (its verifier,
 *       and by default its ledger and response signer); the caller closes it;
 *   <li>neither: the filter reads the whole configuration itself, {@code web.xml} init-params
 *       ({@link Builder#initParameters(Map)}; the no-argument {@link EctFilter} passes its
 *       {@code <init-param>}s) over the environment ({@link Builder#environment(Map)}, default
 *       {@link System#getenv()}), through the one assembler of ect-core, {@link EctConfig}, and
 *       closes what it opened in {@link #close()}.
 * </ol>
 *
 * <p>Every option, its init-param ({@code ect.x}), its variable ({@code ECT_X}) and its default:
 * {@code docs/CONFIGURATION.md} ({@link EctOption}). The filter's own options are read from the
 * init-params and the environment in every case; a builder setter wins over both, an init-param
 * over the environment, and a blank value counts as unset. Invalid values fail in
 * {@link Builder#build()} (and so at filter init) with an {@link EctConfigException} naming the
 * init-param or variable; an init-param starting with {@code ect.} that is no option fails too
 * (typos).
 *
 * <table>
 * <caption>The filter's own options</caption>
 * <tr><th>builder</th><th>init-param</th><th>environment</th><th>default</th></tr>
 * <tr><td>{@link Builder#requiredPaths}</td><td>{@code ect.required-paths}</td><td>{@code ECT_REQUIRED_PATHS}</td><td>{@code /*}</td></tr>
 * <tr><td>{@link Builder#optionalPaths}</td><td>{@code ect.optional-paths}</td><td>{@code ECT_OPTIONAL_PATHS}</td><td>none</td></tr>
 * <tr><td>{@link Builder#excludePaths}</td><td>{@code ect.exclude-paths}</td><td>{@code ECT_EXCLUDE_PATHS}</td><td>none</td></tr>
 * <tr><td>{@link Builder#responseSigner}</td><td>{@code ect.response-key-file}</td><td>{@code ECT_RESPONSE_KEY_FILE}</td><td>none (no response ECTs)</td></tr>
 * <tr><td>{@link Builder#responseIssuer}</td><td>{@code ect.response-issuer}</td><td>{@code ECT_RESPONSE_ISSUER}</td><td>the verifier id</td></tr>
 * <tr><td>{@link Builder#recordResponseEcts}</td><td>{@code ect.record-response-ects}</td><td>{@code ECT_RECORD_RESPONSE_ECTS}</td><td>{@code false}</td></tr>
 * <tr><td>{@link Builder#listener}</td><td></td><td></td><td>none</td></tr>
 * <tr><td>{@link Builder#requestScope}</td><td></td><td></td><td>none</td></tr>
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
 * <p>The config owns what it opened from init-params or the environment (the {@link EctRuntime}: a
 * ledger file, a store plug-in's connections) and closes it in {@link #close()}; the filter calls it
 * from {@code destroy()}. Objects handed to the builder are never closed by it.
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

    /**
     * The listener for a verifier the filter runs, for {@link Builder#verifier(EctVerifier)} and
     * {@link EctConfig#open(Clock, java.util.function.Consumer)}: it leaves the one log line per
     * verification to the filter (which logs each outcome with the token's unverified jti and iss)
     * and logs security events (G-07) at WARN like the default logging listener. The filter installs
     * it on the verifiers it opens itself.
     */
    public static VerificationListener verifierListener() { return FILTER_VERIFIER_LISTENER; }

    private final EctFilterListener listener;
    private final EctSigner responseSigner;
    private final String responseIssuer;
    private final Function<HttpServletRequest, String> responseExecAct;
    private final AuditLedger ledger;
    private final boolean recordResponseEcts;
    private final Function<HttpServletRequest, VerificationScope> requestScope;
    private final List<AutoCloseable> owned;

    private EctFilterConfig(EctVerifier verifier, List<PathPattern> required, List<PathPattern> optional,
            List<PathPattern> exclude, EctFilterListener listener, EctSigner responseSigner, String responseIssuer,
            Function<HttpServletRequest, String> responseExecAct, AuditLedger ledger, boolean recordResponseEcts,
            Function<HttpServletRequest, VerificationScope> requestScope, List<AutoCloseable> owned) {
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
        this.requestScope = requestScope;
        this.owned = List.copyOf(owned);
        warnOverlaps();
    }

    /** A copy of {@code c} with another request scope (shares its verifier and what it opened). */
    private EctFilterConfig(EctFilterConfig c, Function<HttpServletRequest, VerificationScope> requestScope) {
        this.verifier = c.verifier;
        this.requiredPaths = c.requiredPaths;
        this.optionalPaths = c.optionalPaths;
        this.excludePaths = c.excludePaths;
        this.listener = c.listener;
        this.responseSigner = c.responseSigner;
        this.responseIssuer = c.responseIssuer;
        this.responseExecAct = c.responseExecAct;
        this.ledger = c.ledger;
        this.recordResponseEcts = c.recordResponseEcts;
        this.requestScope = requestScope;
        this.owned = c.owned;
    }

    /** A new builder. */
    public static Builder builder() { return new Builder(); }

    /**
     * The configuration of a plain WAR: init-params of the filter over the process environment,
     * through {@link EctConfig}.
     *
     * @throws EctConfigException naming the init-param or variable of an invalid value
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

    /**
     * What the verification of a request's ECT adds for that request ({@link Builder#requestScope});
     * empty when none is configured (the default).
     */
    public Optional<Function<HttpServletRequest, VerificationScope>> requestScope() { return Optional.ofNullable(requestScope); }

    /** {@link #requestScope()} for the filter's request path: null when none. */
    Function<HttpServletRequest, VerificationScope> requestScopeOrNull() { return requestScope; }

    /**
     * This configuration with {@code scope} added to its request scope: for each request, the
     * validator of {@code scope} runs after that of the configured request scope (if any; the first
     * refusal decides), and the own ECTs of both reach the DAG check. For an integration that is
     * handed a built configuration and must add a check of its own to every verification (ect-mcp
     * binds a {@code tools/call} ECT to its tool and body this way). The result shares this
     * configuration's verifier and what it opened: {@link #close()} one of them, not both.
     *
     * @throws NullPointerException for a null {@code scope}
     */
    public EctFilterConfig andRequestScope(Function<? super HttpServletRequest, VerificationScope> scope) {
        Objects.requireNonNull(scope, "requestScope cannot be null");
        Function<HttpServletRequest, VerificationScope> first = requestScope;
        if (first == null) {
            return new EctFilterConfig(this, scope::apply);
        }
        return new EctFilterConfig(this, request -> {
            VerificationScope a = first.apply(request);
            VerificationScope b = scope.apply(request);
            if (a == null || b == null) {
                return null; // the filter refuses a request whose scope is null (503), whichever returned it
            }
            List<dev.ect.core.SignedEct> own = new ArrayList<>(a.ownEcts());
            own.addAll(b.ownEcts());
            return new VerificationScope(a.validator().and(b.validator()), own);
        });
    }

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
                + ", responseEcts=" + (responseSigner != null) + ", recordResponseEcts=" + recordResponseEcts
                + (requestScope != null ? ", requestScope=set" : "") + "}";
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
        private List<PathPattern> requiredPaths;
        private List<PathPattern> optionalPaths;
        private List<PathPattern> excludePaths;
        private EctFilterListener listener;
        private EctSigner responseSigner;
        private String responseIssuer;
        private Function<HttpServletRequest, String> responseExecAct;
        private Boolean recordResponseEcts;
        private Function<HttpServletRequest, VerificationScope> requestScope;
        private EctVerifier verifier;
        private EctRuntime runtime;
        private AuditLedger ledger;
        private Map<String, String> initParams;
        private Map<String, String> environment;

        private Builder() {}

        /** Paths that must carry an ECT (T-07); default from {@code ect.required-paths} / {@code ECT_REQUIRED_PATHS}, else {@code /*}. */
        public Builder requiredPaths(String... patterns) {
            requiredPaths = SetOnce.set(requiredPaths, patterns(patterns), "requiredPaths");
            return this;
        }

        /** Paths where an ECT is verified when present but may be missing; default from {@code ect.optional-paths}, else none. */
        public Builder optionalPaths(String... patterns) {
            optionalPaths = SetOnce.set(optionalPaths, patterns(patterns), "optionalPaths");
            return this;
        }

        /** Paths the filter ignores entirely (health checks, static files); default from {@code ect.exclude-paths}, else none. */
        public Builder excludePaths(String... patterns) {
            excludePaths = SetOnce.set(excludePaths, patterns(patterns), "excludePaths");
            return this;
        }

        /** Per-request outcome hook for metrics; default none. */
        public Builder listener(EctFilterListener l) {
            listener = SetOnce.set(listener, l, "listener");
            return this;
        }

        /**
         * Turns response ECTs on (T-08): this signer mints, for each request with an accepted ECT,
         * an ECT for the task this server performed, sent in the response's {@code Execution-Context}
         * header. Default: the runtime's signer, else from {@code ect.response-key-file} /
         * {@code ECT_RESPONSE_KEY_FILE} (a private JWK), else off.
         */
        public Builder responseSigner(EctSigner signer) {
            responseSigner = SetOnce.set(responseSigner, signer, "responseSigner");
            return this;
        }

        /** The {@code iss} of response ECTs; default from {@code ect.response-issuer}, else the verifier id (the name callers address this server by). */
        public Builder responseIssuer(String iss) {
            responseIssuer = SetOnce.set(responseIssuer, iss, "responseIssuer");
            return this;
        }

        /**
         * The default {@code exec_act} of a response ECT, computed from the request; default
         * {@code "METHOD /context/path"}. A handler overrides it per request with
         * {@code TaskContext.current().get().setExecAct(..)}. Truncated to 256 characters (C-07).
         */
        public Builder responseExecAct(Function<? super HttpServletRequest, String> resolver) {
            Objects.requireNonNull(resolver, "responseExecAct cannot be null");
            responseExecAct = SetOnce.set(responseExecAct, resolver::apply, "responseExecAct");
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
            recordResponseEcts = SetOnce.set(recordResponseEcts, record, "recordResponseEcts");
            return this;
        }

        /**
         * A check that depends on the request, run inside the one verification of its ECT: for every
         * request whose ECT this filter verifies, {@code scope} is applied to the request and the
         * verifier runs {@link EctVerifier#verify(String, VerificationScope)} (on a request another
         * filter instance accepted first, T-09, {@link EctVerifier#verifyAgain(String,
         * dev.ect.core.VerifiedEct, VerificationScope)}). So the scope's {@link
         * dev.ect.core.EctValidator} sees claims whose signature, time, audience and DAG rules have
         * already passed (V-01..V-13; a forged token is {@code invalid_signature} whatever it
         * claims), and a token it refuses leaves no replay record (V-14) and no ledger entry (V-15);
         * its refusal is the 403 problem with its own reason code. Default none (plain
         * {@link EctVerifier#verify(String)}).
         *
         * <p>Use it to tie an ECT to what it was sent with ({@code exec_act} naming the operation,
         * {@code inp_hash} the body): build the validator from the request and compare it with the
         * verified {@link dev.ect.core.Ect}. The function runs on the container's thread before the
         * servlet, only when there is an ECT to verify; it must not consume the request body unless
         * the request it is given buffers it (ect-mcp's filter hands the filter a request that
         * replays its body). It must not return null: a null scope, or an exception thrown by the
         * function, is answered 503 {@code verification_unavailable} (never an accept);
         * return {@code VerificationScope.of(EctValidator.none())} for "nothing to add". With a
         * verifier of your own that does not override the scoped methods, the interface defaults
         * check the token twice (see {@link EctVerifier#verify(String, VerificationScope)}).
         */
        public Builder requestScope(Function<? super HttpServletRequest, VerificationScope> scope) {
            Objects.requireNonNull(scope, "requestScope cannot be null");
            requestScope = SetOnce.set(requestScope, scope::apply, "requestScope");
            return this;
        }

        /**
         * A verifier of your own, used as it is: the filter then opens nothing that configures
         * verification (verifier id, trust, settings, stores). {@link #ledger(AuditLedger)} may be set
         * for {@link #recordResponseEcts(boolean)} (it should be the verifier's ledger). Not with
         * {@link #runtime(EctRuntime)}.
         */
        public Builder verifier(EctVerifier v) {
            verifier = SetOnce.set(verifier, v, "verifier");
            return this;
        }

        /**
         * The verifier, ledger and response signer of an {@link EctRuntime} (from
         * {@link EctConfig#open(Clock)}); the caller keeps it and closes it after the filter.
         * {@link #ledger(AuditLedger)} and {@link #responseSigner(EctSigner)} override its ledger and
         * signer. Not with {@link #verifier(EctVerifier)}.
         */
        public Builder runtime(EctRuntime rt) {
            runtime = SetOnce.set(runtime, rt, "runtime");
            return this;
        }

        /**
         * The ledger response ECTs are recorded in when {@link #recordResponseEcts(boolean)} is on,
         * and what {@link EctFilterConfig#ledger()} returns; default the runtime's (the one the
         * verifier appends to). With {@link #verifier(EctVerifier)} pass the verifier's ledger.
         */
        public Builder ledger(AuditLedger l) {
            ledger = SetOnce.set(ledger, l, "ledger");
            return this;
        }

        /** Init-params (the {@code web.xml} {@code <init-param>}s); below the setters, above the environment. */
        public Builder initParameters(Map<String, String> params) {
            Objects.requireNonNull(params, "params cannot be null");
            initParams = SetOnce.set(initParams, new LinkedHashMap<>(params), "initParameters");
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
            environment = SetOnce.set(environment, Map.copyOf(env), "environment");
            return this;
        }

        /**
         * Validates and merges everything; without {@link #verifier} or {@link #runtime}, opens the
         * verifier's configuration from the init-params and the environment.
         *
         * @throws EctConfigException naming the init-param or environment variable of an invalid
         *     value, or the missing option
         * @throws IllegalStateException for conflicting builder options
         */
        public EctFilterConfig build() {
            if (verifier != null && runtime != null) {
                throw new IllegalStateException("set verifier(...) or runtime(...), not both");
            }
            EctConfigSource src = EctConfigSource.properties("init-param", initParams != null ? initParams : Map.of())
                    .or(EctConfigSource.environment(environment != null ? environment : System.getenv()));
            EctConfig config = EctConfig.from(src);
            List<AutoCloseable> owned = new ArrayList<>();
            try {
                EctRuntime rt = runtime;
                if (verifier == null && rt == null) {
                    rt = config.open(Clock.systemUTC(), b -> b.listener(FILTER_VERIFIER_LISTENER));
                    owned.add(rt);
                }
                EctVerifier v = rt != null ? rt.verifier() : verifier;
                AuditLedger l = ledger != null ? ledger : rt != null ? rt.ledger().orElse(null) : null;
                List<PathPattern> req = requiredPaths != null ? requiredPaths
                        : paths(config, EctOption.REQUIRED_PATHS, config.requiredPaths(), List.of(new PathPattern("/*")));
                List<PathPattern> opt = optionalPaths != null ? optionalPaths
                        : paths(config, EctOption.OPTIONAL_PATHS, config.optionalPaths(), List.of());
                List<PathPattern> exc = excludePaths != null ? excludePaths
                        : paths(config, EctOption.EXCLUDE_PATHS, config.excludePaths(), List.of());
                EctSigner signer = responseSigner != null ? responseSigner
                        : rt != null ? rt.signer().orElse(null)
                        : config.signer(Clock.systemUTC(), v.settings()).orElse(null);
                String respIss = responseIssuer != null ? responseIssuer : config.responseIssuer().orElse(v.verifierId());
                boolean record = recordResponseEcts(config, l);
                return new EctFilterConfig(v, req, opt, exc, listener != null ? listener : EctFilterListener.noop(),
                        signer, respIss, responseExecAct != null ? responseExecAct : EctFilterConfig::defaultExecAct,
                        l, record, requestScope, owned);
            } catch (RuntimeException e) {
                closeAll(owned);
                throw e;
            }
        }

        private boolean recordResponseEcts(EctConfig config, AuditLedger l) {
            boolean record = recordResponseEcts != null ? recordResponseEcts : config.recordResponseEcts();
            if (record && l == null) {
                String where = recordResponseEcts != null ? "recordResponseEcts(true)" : config.describe(EctOption.RECORD_RESPONSE_ECTS);
                throw new EctConfigException(EctOption.RECORD_RESPONSE_ECTS, where + " records response ECTs in the ledger, "
                        + "but there is none: set " + config.describe(EctOption.LEDGER_FILE) + ", "
                        + config.describe(EctOption.JDBC_URL) + " or ledger(...)");
            }
            return record;
        }

        private static List<PathPattern> paths(EctConfig config, EctOption o, Optional<List<String>> value, List<PathPattern> dflt) {
            if (value.isEmpty()) {
                return dflt;
            }
            try {
                List<PathPattern> out = new ArrayList<>();
                for (String p : value.get()) {
                    out.add(new PathPattern(p));
                }
                return out;
            } catch (IllegalArgumentException e) {
                throw config.invalid(o, e.getMessage(), e);
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
    }
}
