package dev.ect.servlet;

import dev.ect.core.Ect;
import dev.ect.core.EctError;
import dev.ect.core.EctException;
import dev.ect.core.ReasonCode;
import dev.ect.core.VerificationEvent;
import dev.ect.core.VerifiedEct;
import dev.ect.core.context.TaskContext;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.servlet.EctFilterEvent.Outcome;
import dev.ect.servlet.internal.ContextRequestWrapper;
import dev.ect.servlet.internal.LastVerification;
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
 *       claims, time, audience, DAG, replay, and the ledger append at L3);
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
 * <p>Once per request: FORWARD, INCLUDE, ASYNC and ERROR dispatches of a request the filter has
 * already handled are not verified again; they only re-establish the task context. An ERROR
 * dispatch is never verified. A request already handled by another {@code EctFilter} instance
 * passes through untouched. Map the filter for {@code REQUEST} and {@code ASYNC} at least, and
 * mark it {@code async-supported}.
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
        EctFilterConfig cfg = config();
        long start = System.nanoTime();
        String path = pathWithinApplication(req);
        if (req.getAttribute(STATE_ATTRIBUTE) instanceof RequestState state) {
            if (state.owner() == this) {
                redispatch(cfg, req, res, chain, state, path, start);
            } else { // another EctFilter instance handled this request
                notify(cfg, event(Outcome.SKIPPED, null, 0, null, null, null, req, path, start));
                chain.doFilter(req, res);
            }
            return;
        }
        if (req.getDispatcherType() == DispatcherType.ERROR) {
            notify(cfg, event(Outcome.SKIPPED, null, 0, null, null, null, req, path, start));
            chain.doFilter(req, res);
            return;
        }
        EctFilterConfig.PathPolicy policy = cfg.pathPolicy(path);
        if (policy == EctFilterConfig.PathPolicy.EXCLUDED) {
            notify(cfg, event(Outcome.SKIPPED, null, 0, null, null, null, req, path, start));
            chain.doFilter(req, res);
            return;
        }
        List<String> values = headerValues(req);
        if (values.isEmpty()) {
            if (policy == EctFilterConfig.PathPolicy.REQUIRED) {
                reject(cfg, req, res, path, start, EctError.of(ReasonCode.MISSING_ECT, "T-07",
                        "an Execution-Context header is required for this path"), null);
                return;
            }
            req.setAttribute(STATE_ATTRIBUTE, RequestState.none(this));
            LOG.debug("no ECT on optional path method={} path={}", req.getMethod(), safe(path));
            notify(cfg, event(Outcome.MISSING, null, 0, null, null, null, req, path, start));
            chain.doFilter(req, res);
            return;
        }
        if (values.size() > 1) {
            reject(cfg, req, res, path, start, EctError.of(ReasonCode.MULTIPLE_ECTS, "T-02",
                    values.size() + " Execution-Context header fields; exactly one is allowed"), null);
            return;
        }
        String token = trimOws(values.get(0));
        int max = cfg.settings().maxTokenBytes();
        if (token.length() > max) {
            reject(cfg, req, res, path, start, EctError.of(ReasonCode.TOKEN_TOO_LARGE, "T-03",
                    "the Execution-Context value is " + token.length() + " bytes, more than " + max), null);
            return;
        }
        if (token.indexOf(',') >= 0) {
            reject(cfg, req, res, path, start, EctError.of(ReasonCode.MULTIPLE_ECTS, "T-02",
                    "a comma-joined Execution-Context value; exactly one ECT is allowed"), null);
            return;
        }
        VerifiedEct verified;
        LastVerification.clear();
        try {
            verified = cfg.verifier().verify(token);
        } catch (EctException e) {
            reject(cfg, req, res, path, start, e.error(), LastVerification.take());
            return;
        } catch (RuntimeException e) {
            LastVerification.clear();
            LOG.warn("ECT not verified method={} path={} reason={} status=503: unexpected {}", req.getMethod(), safe(path),
                    VERIFICATION_UNAVAILABLE, e.getClass().getName(), e);
            notify(cfg, event(Outcome.REJECTED, VERIFICATION_UNAVAILABLE, 503, null, null, null, req, path, start));
            ProblemRenderer.renderUnexpected(res);
            return;
        }
        LastVerification.clear();
        accept(cfg, req, res, chain, verified, path, start);
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
        req.setAttribute(STATE_ATTRIBUTE, new RequestState(verified, ctx, minter, this));
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
        TaskContext ctx = state.context();
        if (ctx == null) {
            chain.doFilter(req, res);
            return;
        }
        ServletResponse out = res;
        ResponseEctWrapper rw = null;
        if (state.minter() != null) {
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

    private void reject(EctFilterConfig cfg, HttpServletRequest req, HttpServletResponse res, String path, long start,
            EctError error, VerificationEvent ve) throws IOException {
        String jti = ve == null ? null : ve.jti();
        String iss = ve == null ? null : ve.iss();
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
