package dev.ect.servlet;

import dev.ect.core.Ect;
import dev.ect.core.EctError;
import dev.ect.core.EctException;
import dev.ect.core.ReasonCode;
import dev.ect.core.VerificationScope;
import dev.ect.core.VerifiedEct;
import dev.ect.core.context.TaskContext;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.servlet.EctFilterEvent.Outcome;
import dev.ect.servlet.internal.ContextRequestWrapper;
import dev.ect.servlet.internal.ProblemRenderer;
import dev.ect.servlet.internal.RequestState;
import dev.ect.servlet.internal.ResponseEctMinter;
import dev.ect.servlet.internal.ResponseEctWrapper;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inbound ECT verification for Jakarta Servlet 6 containers (profile sections 3-6 and 8), with
 * optional response ECTs (T-08).
 *
 * <p>For each request it covers (see {@link EctFilterConfig#pathPolicy(String)}):
 *
 * <ul>
 *   <li>reads the {@value #HEADER} header: more than one field, or a comma-joined value, is 403
 *       {@code multiple_ects} (T-02); a value longer than the maximum is 403 {@code token_too_large}
 *       before any parsing (T-03); none is 403 {@code missing_ect} on a required path (T-07) and
 *       goes on without an ECT on an optional one;
 *   <li>verifies it with the configured {@link dev.ect.core.EctVerifier} (section 4: signature,
 *       claims, time, audience, DAG, replay, and the ledger append at L3), with the request's own
 *       checks when a request scope is configured ({@link EctFilterConfig.Builder#requestScope}: run
 *       in that one verification, after the DAG rules and before the replay record);
 *   <li>on failure answers 403 (the token's fault, T-04) or 503 (a dependency failed, T-06) with an
 *       RFC 9457 {@code application/problem+json} body carrying {@code ect_error} (T-05); the servlet
 *       is not invoked, and the token is neither echoed nor logged. An unexpected exception inside
 *       verification is a 503 {@code verification_unavailable}, never a 500 and never an accept;
 *   <li>on success stores the {@link VerifiedEct} as the request attribute
 *       {@value #VERIFIED_ECT_ATTRIBUTE} (read it with {@link #verifiedEct(ServletRequest)}), and
 *       runs the rest of the chain with {@link TaskContext#forInbound(Ect)} current (F-01), also
 *       in {@code AsyncContext.start(..)} tasks and async dispatches (F-05); the context is the
 *       attribute {@value #TASK_CONTEXT_ATTRIBUTE}. Hand work to your own thread pools through
 *       {@link TaskContext#wrap(java.util.concurrent.Executor)};
 *   <li>with a response signer configured, adds a response ECT for the task this server performed
 *       to the response's {@value #HEADER} header before the response commits (T-08, F-04). It
 *       is not appended to the ledger (the caller, its receiver, records it) unless
 *       {@link EctFilterConfig#recordResponseEcts()} is on.
 * </ul>
 *
 * <p><b>Dispatches (T-10).</b> Every dispatch is checked against the path it reaches: a FORWARD,
 * INCLUDE, ASYNC or ERROR dispatch to a required path of a request without an accepted ECT is 403
 * {@code missing_ect}, and the target does not run. An ECT this instance accepted is not verified
 * again on a later dispatch (it only re-establishes the task context); an ERROR dispatch never
 * verifies a header. An INCLUDE cannot set the status, so a refused include is answered by the
 * including dispatch once the including servlet returns (reset to the 403, unless already
 * committed). Map error pages to optional or excluded paths. Map the filter for {@code REQUEST} and
 * {@code ASYNC} at least (all dispatcher types to enforce T-10 on forwards, includes and error
 * pages), and mark it {@code async-supported}.
 *
 * <p><b>Several instances on one request (T-09).</b> Each instance enforces its own paths,
 * verifier id, trust and minimum level: a required path without an ECT is refused whatever an
 * earlier instance decided, and an ECT an earlier instance accepted is verified again with
 * {@link dev.ect.core.EctVerifier#verifyAgain} (side effects once per store). Only the first
 * instance that accepted the ECT mints the response ECT.
 *
 * <p><b>{@code sendError}</b> answers carry the response ECT (the handler's own answer for its
 * task); an exception thrown by the servlet (the container's error response) carries none.
 *
 * <p>Configuration: {@code new EctFilter(config)} for programmatic registration, or the
 * no-argument constructor (for {@code web.xml}), which builds an {@link EctFilterConfig} from its
 * init-params and the environment in {@link #init(FilterConfig)}. Invalid configuration fails
 * {@code init} with a {@link ServletException} naming the parameter.
 */
public class EctFilter implements Filter {
    /** The HTTP header of ECTs (T-01). */
    public static final String HEADER = "Execution-Context";
    /** Request attribute holding the accepted {@link VerifiedEct}. */
    public static final String VERIFIED_ECT_ATTRIBUTE = "dev.ect.servlet.VerifiedEct";
    /** Request attribute holding the request's {@link TaskContext}. */
    public static final String TASK_CONTEXT_ATTRIBUTE = "dev.ect.servlet.TaskContext";
    /**
     * The {@code ect_error} of a 503 for an unexpected failure inside verification (not one of
     * profile section 7's codes, which name the dependency that failed).
     */
    public static final String VERIFICATION_UNAVAILABLE = ProblemRenderer.VERIFICATION_UNAVAILABLE;

    private static final String STATE_ATTRIBUTE = "dev.ect.servlet.internal.RequestState";
    private static final String REFUSED_INCLUDE_ATTRIBUTE = "dev.ect.servlet.internal.RefusedInclude";
    private static final Logger LOG = LoggerFactory.getLogger(EctFilter.class);

    private final EctFilterConfig given;
    private volatile EctFilterConfig config;

    /** For {@code web.xml}: configured from init-params and the environment in {@link #init}. */
    public EctFilter() { this.given = null; }

    /** Programmatic: uses this configuration (init-params are then ignored). */
    public EctFilter(EctFilterConfig config) { this.given = Objects.requireNonNull(config, "config cannot be null"); }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        if (given != null) {
            config = given;
            if (Collections.list(filterConfig.getInitParameterNames()).stream().anyMatch(n -> n.startsWith("ect."))) {
                LOG.warn("EctFilter {} was given a programmatic configuration; its ect.* init-params are ignored",
                        filterConfig.getFilterName());
            }
        } else {
            try {
                config = EctFilterConfig.fromInitParameters(filterConfig);
            } catch (RuntimeException e) {
                throw new ServletException("EctFilter " + filterConfig.getFilterName() + ": invalid configuration: "
                        + e.getMessage(), e);
            }
        }
        LOG.info("EctFilter {} ready: {}", filterConfig.getFilterName(), config);
    }

    @Override
    public void destroy() {
        EctFilterConfig c = config;
        if (c != null) {
            c.close();
        }
    }

    /** The configuration in force (after {@link #init}). */
    public EctFilterConfig config() {
        EctFilterConfig c = config != null ? config : given;
        if (c == null) {
            throw new IllegalStateException("EctFilter is not initialized");
        }
        return c;
    }

    /** The accepted ECT of this request, if the filter accepted one. */
    public static Optional<VerifiedEct> verifiedEct(ServletRequest request) {
        return request.getAttribute(VERIFIED_ECT_ATTRIBUTE) instanceof VerifiedEct v ? Optional.of(v) : Optional.empty();
    }

    /** The accepted ECT's claims, if the filter accepted one. */
    public static Optional<Ect> ect(ServletRequest request) { return verifiedEct(request).map(VerifiedEct::ect); }

    /** The task context of this request (present when an ECT was accepted). */
    public static Optional<TaskContext> taskContext(ServletRequest request) {
        return request.getAttribute(TASK_CONTEXT_ATTRIBUTE) instanceof TaskContext c ? Optional.of(c) : Optional.empty();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest req) || !(response instanceof HttpServletResponse res)) {
            chain.doFilter(request, response);
            return;
        }
        decide(req, res, chain);
        Object refused = req.getDispatcherType() == DispatcherType.INCLUDE ? null : req.getAttribute(REFUSED_INCLUDE_ATTRIBUTE);
        if (refused != null) {
            // T-10: an INCLUDE was refused; an included resource cannot set the status, so the
            // request's own dispatch answers for it, once the including servlet has returned
            req.removeAttribute(REFUSED_INCLUDE_ATTRIBUTE);
            if (res.isCommitted()) {
                LOG.warn("an INCLUDE was refused (reason={}) after the response was committed; the included part is missing",
                        refused instanceof EctError e ? e.code() : refused);
            } else {
                res.reset();
                // past a response-ECT wrapper: a refusal carries no response ECT (the body commits it)
                ResponseEctWrapper rw = ResponseEctWrapper.find(res);
                HttpServletResponse target = rw != null ? (HttpServletResponse) rw.getResponse() : res;
                if (refused instanceof EctError e) {
                    ProblemRenderer.render(target, e);
                } else {
                    ProblemRenderer.renderUnexpected(target);
                }
            }
        }
    }

    private void decide(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        EctFilterConfig cfg = config();
        long start = System.nanoTime();
        String path = pathWithinApplication(req);
        EctFilterConfig.PathPolicy policy = cfg.pathPolicy(path, suffixExclusionsApply(cfg, req));
        if (req.getAttribute(STATE_ATTRIBUTE) instanceof RequestState state) {
            decided(cfg, req, res, chain, state, policy, path, start);
            return;
        }
        if (req.getDispatcherType() == DispatcherType.ERROR) {
            // an ERROR dispatch is never verified; without an ECT accepted earlier it does not reach a required path (T-10)
            if (policy == EctFilterConfig.PathPolicy.REQUIRED) {
                refuse(cfg, req, res, path, start, EctError.of(ReasonCode.MISSING_ECT, "T-10",
                        "an Execution-Context header is required for this path"), null, null);
                return;
            }
            notify(cfg, event(Outcome.SKIPPED, null, 0, null, null, null, req, path, start));
            chain.doFilter(req, res);
            return;
        }
        if (policy == EctFilterConfig.PathPolicy.EXCLUDED) {
            notify(cfg, event(Outcome.SKIPPED, null, 0, null, null, null, req, path, start));
            chain.doFilter(req, res);
            return;
        }
        List<String> values = headerValues(req);
        if (values.isEmpty()) {
            if (policy == EctFilterConfig.PathPolicy.REQUIRED) {
                refuse(cfg, req, res, path, start, EctError.of(ReasonCode.MISSING_ECT,
                        req.getDispatcherType() == DispatcherType.REQUEST ? "T-07" : "T-10",
                        "an Execution-Context header is required for this path"), null, null);
                return;
            }
            req.setAttribute(STATE_ATTRIBUTE, RequestState.none(this));
            LOG.debug("no ECT on optional path method={} path={}", req.getMethod(), safe(path));
            notify(cfg, event(Outcome.MISSING, null, 0, null, null, null, req, path, start));
            chain.doFilter(req, res);
            return;
        }
        if (values.size() > 1) {
            refuse(cfg, req, res, path, start, EctError.of(ReasonCode.MULTIPLE_ECTS, "T-02",
                    values.size() + " Execution-Context header fields; exactly one is allowed"), null, null);
            return;
        }
        String token = trimOws(values.get(0));
        int max = cfg.settings().maxTokenBytes();
        if (token.length() > max) {
            refuse(cfg, req, res, path, start, EctError.of(ReasonCode.TOKEN_TOO_LARGE, "T-03",
                    "the Execution-Context value is " + token.length() + " bytes, more than " + max), null, null);
            return;
        }
        if (token.indexOf(',') >= 0) {
            refuse(cfg, req, res, path, start, EctError.of(ReasonCode.MULTIPLE_ECTS, "T-02",
                    "a comma-joined Execution-Context value; exactly one ECT is allowed"), null, null);
            return;
        }
        VerifiedEct verified = verifyOrRefuse(cfg, req, res, path, start, token, () -> {
            VerificationScope scope = requestScope(cfg, req);
            return scope == null ? cfg.verifier().verify(token) : cfg.verifier().verify(token, scope);
        });
        if (verified != null) {
            accept(cfg, req, res, chain, verified, path, start);
        }
    }

    /**
     * Runs a verification; on failure answers the request (403/503, never a 500) and returns null.
     * The jti/iss of a log line come from the exception (unverified, escaped by {@link #safe}); a
     * verifier of the application's own that did not attach them gets them read from the token.
     */
    private VerifiedEct verifyOrRefuse(EctFilterConfig cfg, HttpServletRequest req, HttpServletResponse res, String path,
            long start, String token, java.util.function.Supplier<VerifiedEct> verification) throws IOException {
        try {
            return verification.get();
        } catch (EctException e) {
            e.initUnverifiedIdsFrom(token);
            refuse(cfg, req, res, path, start, e.error(), e.unverifiedJti().orElse(null), e.unverifiedIss().orElse(null));
            return null;
        } catch (RuntimeException e) {
            LOG.warn("ECT not verified method={} path={} reason={} status=503: unexpected {}", req.getMethod(), safe(path),
                    VERIFICATION_UNAVAILABLE, e.getClass().getName(), e);
            notify(cfg, event(Outcome.REJECTED, VERIFICATION_UNAVAILABLE, 503, null, null, null, req, path, start));
            if (req.getDispatcherType() == DispatcherType.INCLUDE) {
                req.setAttribute(REFUSED_INCLUDE_ATTRIBUTE, VERIFICATION_UNAVAILABLE);
            } else {
                ProblemRenderer.renderUnexpected(res);
            }
            return null;
        }
    }

    /**
     * The configured request scope applied to this request ({@link EctFilterConfig.Builder#requestScope});
     * null when none is configured. Runs inside the verification's error handling: a function that
     * throws, or returns null, makes the request a 503 {@code verification_unavailable}, never an accept.
     */
    private static VerificationScope requestScope(EctFilterConfig cfg, HttpServletRequest req) {
        java.util.function.Function<HttpServletRequest, VerificationScope> f = cfg.requestScopeOrNull();
        if (f == null) {
            return null;
        }
        VerificationScope scope = f.apply(req);
        if (scope == null) {
            throw new IllegalStateException("the filter's requestScope returned null");
        }
        return scope;
    }

    /**
     * A dispatch of a request that an {@code EctFilter} (this one or another, T-09) has already
     * decided on. Each instance enforces its own policy for the dispatched path (T-10): without an
     * accepted ECT a required path is refused; an ECT another instance accepted is verified again by
     * this instance's verifier ({@link dev.ect.core.EctVerifier#verifyAgain}), whose side effects go
     * once to each store.
     */
    private void decided(EctFilterConfig cfg, HttpServletRequest req, HttpServletResponse res, FilterChain chain,
            RequestState state, EctFilterConfig.PathPolicy policy, String path, long start)
            throws IOException, ServletException {
        VerifiedEct known = state.verified();
        if (known == null) {
            if (policy == EctFilterConfig.PathPolicy.REQUIRED) {
                boolean sameDispatch = req.getDispatcherType() == DispatcherType.REQUEST;
                refuse(cfg, req, res, path, start, EctError.of(ReasonCode.MISSING_ECT, sameDispatch ? "T-09" : "T-10",
                        "an Execution-Context header is required for this path"), null, null);
                return;
            }
            notify(cfg, event(Outcome.SKIPPED, null, 0, null, null, null, req, path, start));
            chain.doFilter(req, res);
            return;
        }
        if (policy == EctFilterConfig.PathPolicy.EXCLUDED || state.acceptedBy(this)) {
            redispatch(cfg, req, res, chain, state, path, start);
            return;
        }
        // T-09: another instance accepted it; this instance's own verifier decides for this instance
        VerifiedEct again = verifyOrRefuse(cfg, req, res, path, start, known.compact(), () -> {
            VerificationScope scope = requestScope(cfg, req);
            return scope == null ? cfg.verifier().verifyAgain(known.compact(), known)
                    : cfg.verifier().verifyAgain(known.compact(), known, scope);
        });
        if (again == null) {
            return;
        }
        state.acceptAgain(this, again);
        req.setAttribute(VERIFIED_ECT_ATTRIBUTE, again);
        Ect ect = again.ect();
        LOG.debug("ECT accepted again method={} path={} jti={} iss={} level={}", req.getMethod(), safe(path), ect.jti(),
                safe(ect.iss()), again.level());
        notify(cfg, event(Outcome.ACCEPTED, null, 0, ect.jti(), ect.iss(), again, req, path, start));
        redispatchChain(req, res, chain, state);
    }

    /**
     * Whether suffix exclusions ({@code *.css}) may apply to this dispatch (T-10): only when the
     * container maps it to an extension-mapped or the default servlet, i.e. a static resource; a
     * path a prefix- or exact-mapped servlet serves ({@code /api/*} serving {@code /api/secret.css})
     * is not excluded by its suffix.
     */
    private static boolean suffixExclusionsApply(EctFilterConfig cfg, HttpServletRequest req) {
        if (!cfg.hasSuffixExclusions()) {
            return true;
        }
        HttpServletMapping m = req.getDispatcherType() == DispatcherType.INCLUDE
                && req.getAttribute(RequestDispatcher.INCLUDE_MAPPING) instanceof HttpServletMapping im
                ? im : req.getHttpServletMapping();
        if (m == null || m.getMappingMatch() == null) {
            return false; // unknown: fail closed, the path is not excluded by its suffix
        }
        return m.getMappingMatch() == MappingMatch.EXTENSION || m.getMappingMatch() == MappingMatch.DEFAULT;
    }

    private void accept(EctFilterConfig cfg, HttpServletRequest req, HttpServletResponse res, FilterChain chain,
            VerifiedEct verified, String path, long start) throws IOException, ServletException {
        Ect ect = verified.ect();
        TaskContext ctx = TaskContext.forInbound(ect);
        // the receiver records an ECT: the caller records this answer, unless the config opts in here
        AuditLedger recordIn = cfg.recordResponseEcts() ? cfg.ledger().orElse(null) : null;
        ResponseEctMinter minter = cfg.responseSigner()
                .map(s -> new ResponseEctMinter(s, cfg.responseIssuer(), ect, ctx, execAct(cfg, req), recordIn, HEADER))
                .orElse(null);
        req.setAttribute(STATE_ATTRIBUTE, RequestState.accepted(verified, ctx, minter, this));
        req.setAttribute(VERIFIED_ECT_ATTRIBUTE, verified);
        req.setAttribute(TASK_CONTEXT_ATTRIBUTE, ctx);
        LOG.debug("ECT accepted method={} path={} jti={} iss={} level={}", req.getMethod(), safe(path), ect.jti(),
                safe(ect.iss()), verified.level());
        notify(cfg, event(Outcome.ACCEPTED, null, 0, ect.jti(), ect.iss(), verified, req, path, start));
        ResponseEctWrapper rw = minter == null ? null : new ResponseEctWrapper(res, minter, false);
        ServletResponse out = rw != null ? rw : res;
        runChain(chain, new ContextRequestWrapper(req, out, ctx), out, ctx, rw, req);
    }

    /** A later dispatch of a request this filter already handled: no second verification. */
    private void redispatch(EctFilterConfig cfg, HttpServletRequest req, HttpServletResponse res, FilterChain chain,
            RequestState state, String path, long start) throws IOException, ServletException {
        Ect ect = state.verified() == null ? null : state.verified().ect();
        notify(cfg, event(Outcome.SKIPPED, null, 0, ect == null ? null : ect.jti(), ect == null ? null : ect.iss(), null,
                req, path, start));
        redispatchChain(req, res, chain, state);
    }

    /** Runs the chain of a later dispatch in the request's task context (the minter's owner finishes the response). */
    private void redispatchChain(HttpServletRequest req, HttpServletResponse res, FilterChain chain, RequestState state)
            throws IOException, ServletException {
        TaskContext ctx = state.context();
        if (ctx == null) {
            chain.doFilter(req, res);
            return;
        }
        ServletResponse out = res;
        ResponseEctWrapper rw = null;
        if (state.minter() != null && state.minterOwner() == this) {
            rw = ResponseEctWrapper.find(res);
            if (rw == null && req.getDispatcherType() == DispatcherType.ASYNC) {
                rw = new ResponseEctWrapper(res, state.minter(), true);
                out = rw;
            }
            if (req.getDispatcherType() != DispatcherType.ASYNC && req.getDispatcherType() != DispatcherType.FORWARD) {
                rw = null; // INCLUDE and ERROR: the outer dispatch finishes the response
            }
        }
        ServletRequest in = isWrapped(req) ? req : new ContextRequestWrapper(req, out, ctx);
        runChain(chain, in, out, ctx, rw, req);
    }

    private static void runChain(FilterChain chain, ServletRequest in, ServletResponse out, TaskContext ctx,
            ResponseEctWrapper rw, HttpServletRequest original) throws IOException, ServletException {
        TaskContext.Scope scope = ctx.makeCurrent();
        try {
            chain.doFilter(in, out);
        } finally {
            scope.close(); // restores whatever was current before (F-05)
        }
        // reached only when the chain returned normally: a thrown exception becomes the container's
        // error response, which carries no response ECT. After a FORWARD the response is complete
        // (the container closes it), so it is finished here too.
        if (rw != null) {
            if (original.isAsyncStarted()) {
                rw.stopBuffering();
            } else {
                rw.finish();
            }
        }
    }

    private static boolean isWrapped(ServletRequest req) {
        return req instanceof ContextRequestWrapper
                || (req instanceof ServletRequestWrapper w && w.isWrapperFor(ContextRequestWrapper.class));
    }

    private static String execAct(EctFilterConfig cfg, HttpServletRequest req) {
        try {
            return cfg.responseExecAct().apply(req);
        } catch (RuntimeException e) {
            LOG.warn("the response exec_act resolver failed ({}); using the default", e.toString());
            return EctFilterConfig.defaultExecAct(req);
        }
    }

    /**
     * Answers a refused dispatch: 403/503 with the problem body. An INCLUDE cannot set the status
     * (the container ignores it), so its refusal is left for the including dispatch to answer
     * (see {@link #doFilter}); the included resource does not run either way.
     */
    private void refuse(EctFilterConfig cfg, HttpServletRequest req, HttpServletResponse res, String path, long start,
            EctError error, String jti, String iss) throws IOException {
        int status = error.reason().httpStatus();
        if (status == 503) {
            LOG.warn("ECT not verified method={} path={} jti={} iss={} reason={} status=503: {}", req.getMethod(), safe(path),
                    safe(jti), safe(iss), error.code(), safe(error.detail()));
        } else {
            LOG.info("ECT rejected method={} path={} jti={} iss={} reason={} status={}", req.getMethod(), safe(path),
                    safe(jti), safe(iss), error.code(), status);
        }
        // the listener first: once the body is written the client may already have the answer
        notify(cfg, event(Outcome.REJECTED, error.code(), status, jti, iss, null, req, path, start));
        if (req.getDispatcherType() == DispatcherType.INCLUDE) {
            req.setAttribute(REFUSED_INCLUDE_ATTRIBUTE, error);
            return;
        }
        ProblemRenderer.render(res, error);
    }

    private static EctFilterEvent event(Outcome outcome, String code, int status, String jti, String iss,
            VerifiedEct verified, HttpServletRequest req, String path, long start) {
        return new EctFilterEvent(outcome, code, status, jti, iss, verified == null ? null : verified.level(),
                req.getMethod(), path, req.getDispatcherType(), Duration.ofNanos(System.nanoTime() - start));
    }

    private static void notify(EctFilterConfig cfg, EctFilterEvent e) {
        try {
            cfg.listener().onEvent(e);
        } catch (RuntimeException ex) {
            LOG.warn("EctFilterListener failed: {}", ex.toString());
        }
    }

    private static List<String> headerValues(HttpServletRequest req) {
        Enumeration<String> e = req.getHeaders(HEADER);
        if (e == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(1);
        while (e.hasMoreElements()) {
            out.add(e.nextElement());
        }
        return out;
    }

    /**
     * The path the path patterns are matched against: servlet path + path info (for an INCLUDE,
     * those of the included resource), as decoded and normalized by the container; {@code "/"}
     * when both are empty.
     */
    static String pathWithinApplication(HttpServletRequest req) {
        String sp = req.getServletPath();
        String pi = req.getPathInfo();
        if (req.getDispatcherType() == DispatcherType.INCLUDE
                && req.getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH) instanceof String isp) {
            sp = isp;
            pi = req.getAttribute(RequestDispatcher.INCLUDE_PATH_INFO) instanceof String ipi ? ipi : null;
        }
        String p = (sp == null ? "" : sp) + (pi == null ? "" : pi);
        return p.isEmpty() ? "/" : p;
    }

    /**
     * Removes optional whitespace (RFC 9110 OWS: SP and HTAB) around a field value. Not
     * {@link String#trim()}, which also strips NUL and the other control characters: a value with
     * those around a token is malformed, not the token.
     */
    static String trimOws(String v) {
        return dev.ect.core.EctText.trimOws(v); // one rule for request and response headers
    }

    /**
     * Request-derived text for a log line (T-11): {@link dev.ect.core.LogSafe#escape}, so control
     * and format characters (C0, DEL, C1, U+2028/U+2029, bidi and zero-width characters) and the
     * backslash are escaped as <code>&#92;uXXXX</code> / <code>&#92;&#92;</code>; at most 200 characters of input.
     */
    static String safe(String s) {
        return dev.ect.core.LogSafe.escape(s);
    }
}
