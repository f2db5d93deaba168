package dev.ect.httpclient.internal;

import dev.ect.core.Ect;
import dev.ect.core.EctError;
import dev.ect.core.EctException;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctText;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.VerifiedEct;
import dev.ect.httpclient.EctHttp;
import dev.ect.httpclient.EctHttp.ExistingHeader;
import dev.ect.httpclient.EctHttp.MissingContext;
import dev.ect.httpclient.EctHttp.UnknownAudience;
import dev.ect.httpclient.EctMintingException;
import dev.ect.httpclient.EctRequestOptions;
import dev.ect.httpclient.EctResponseRejectedException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Redirect;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.net.http.HttpResponse.ResponseInfo;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link dev.ect.httpclient.EctHttpClient} does for each exchange: capture the task context
 * (F-02), mint one ECT per hop (M-01..M-07), follow redirects itself (see {@link Redirects}),
 * verify response ECTs in the body handler, before the application's handler sees the body
 * (T-08), and fold the final answer into the frontier (F-03). Thread-safe; one per integration.
 */
public final class Engine {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final EctConfig config;

    public Engine(EctConfig config) { this.config = Objects.requireNonNull(config, "config cannot be null"); }

    /** One hop: the request as sent, the ECT minted for it (null: none), and what its response said. */
    private static final class Hop {
        final HttpRequest request;
        final Ect sent;
        final boolean keepHeader; // the application's own Execution-Context: copy it to redirect hops
        volatile String responseJti;
        volatile EctResponseRejectedException rejection;
        volatile HttpRequest next;

        Hop(HttpRequest request, Ect sent, boolean keepHeader) {
            this.request = request;
            this.sent = sent;
            this.keepHeader = keepHeader;
        }
    }

    /** The blocking exchange: every hop on the calling thread's {@code delegate.send}. */
    public <T> HttpResponse<T> send(HttpClient delegate, Redirect policy, HttpRequest request, BodyHandler<T> handler,
            EctRequestOptions options) throws IOException, InterruptedException {
        check(request, handler, options);
        CallState st = new CallState(config.missingContext(), options);
        HttpRequest next = request;
        HttpResponse<T> previous = null;
        for (int followed = 0; ; followed++) {
            Hop hop = prepare(next, st);
            HttpResponse<T> response = delegate.send(hop.request, handler(hop, st, handler, policy, followed));
            HttpResponse<T> r = previous == null ? response : new FollowedResponse<>(response, previous);
            next = after(hop, st, response.statusCode());
            if (next == null) {
                return r;
            }
            previous = r;
        }
    }

    /**
     * The asynchronous exchange: the first hop is minted on the calling thread, later hops on the
     * client's threads; the returned future completes with the captured context current (F-05).
     * Cancelling it cancels the hop in flight.
     */
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpClient delegate, Redirect policy, HttpRequest request,
            BodyHandler<T> handler, PushPromiseHandler<T> push, EctRequestOptions options) {
        check(request, handler, options);
        CallState st = new CallState(config.missingContext(), options);
        Executor base = delegate.executor().orElseGet(() -> new CompletableFuture<Void>().defaultExecutor());
        ContextFuture<HttpResponse<T>> result = ContextFuture.of(st.captured(), base);
        AtomicReference<CompletableFuture<?>> inFlight = new AtomicReference<>();
        result.whenComplete((r, e) -> {
            CompletableFuture<?> f = inFlight.get();
            if (result.isCancelled() && f != null) {
                f.cancel(true);
            }
        });
        hopAsync(delegate, policy, request, handler, push, st, result, inFlight, null, 0);
        return result;
    }

    private <T> void hopAsync(HttpClient delegate, Redirect policy, HttpRequest request, BodyHandler<T> handler,
            PushPromiseHandler<T> push, CallState st, ContextFuture<HttpResponse<T>> result,
            AtomicReference<CompletableFuture<?>> inFlight, HttpResponse<T> previous, int followed) {
        if (result.isDone()) {
            return; // cancelled by the application
        }
        Hop hop;
        CompletableFuture<HttpResponse<T>> f;
        try {
            hop = prepare(request, st);
            f = push == null ? delegate.sendAsync(hop.request, handler(hop, st, handler, policy, followed))
                    : delegate.sendAsync(hop.request, handler(hop, st, handler, policy, followed), push);
        } catch (EctMintingException e) {
            result.fail(e); // like every other failure of the exchange: through the future
            return;
        } catch (RuntimeException e) {
            if (followed == 0) {
                throw e; // an invalid request, as the JDK client reports it
            }
            result.fail(e);
            return;
        }
        inFlight.set(f);
        f.whenComplete((response, error) -> {
            if (error != null) {
                result.fail(unwrap(error));
                return;
            }
            HttpResponse<T> r = previous == null ? response : new FollowedResponse<>(response, previous);
            HttpRequest next;
            try {
                next = after(hop, st, response.statusCode());
            } catch (EctResponseRejectedException e) {
                result.fail(e);
                return;
            }
            if (next == null) {
                result.succeed(r);
            } else {
                hopAsync(delegate, policy, next, handler, push, st, result, inFlight, r, followed + 1);
            }
        });
    }

    private static void check(HttpRequest request, BodyHandler<?> handler, EctRequestOptions options) {
        Objects.requireNonNull(request, "request cannot be null");
        Objects.requireNonNull(handler, "responseBodyHandler cannot be null");
        Objects.requireNonNull(options, "options cannot be null");
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The request to send for one hop, with a freshly minted ECT when one is due (M-01). */
    private Hop prepare(HttpRequest request, CallState st) throws EctMintingException {
        EctRequestOptions opts = st.options();
        if (opts.disabled()) {
            return new Hop(request, null, true);
        }
        boolean existing = request.headers().firstValue(EctHttp.HEADER).isPresent();
        if (existing && config.existingHeader() == ExistingHeader.PASS_THROUGH) {
            // the application manages this request's ECT itself: no minting, no response handling
            LOG.debug("request {} already has an Execution-Context header: passed through", describe(request));
            return new Hop(request, null, true);
        }
        if (st.missingContext()) {
            if (config.missingContext() == MissingContext.SKIP) {
                return new Hop(withoutEct(request, existing), null, false);
            }
            throw new EctMintingException("no task context was current when the call to " + describe(request)
                    + " was made (missingContext FAIL)", null, "M-04", null);
        }
        List<String> aud = opts.aud() != null ? opts.aud() : resolveAudience(request);
        if (aud.isEmpty()) {
            if (config.unknownAudience() == UnknownAudience.SKIP) {
                LOG.debug("no audience known for {}: sent without an ECT", describe(request));
                return new Hop(withoutEct(request, existing), null, false);
            }
            throw new EctMintingException("no audience (receiver workload id) is known for " + hostPort(request.uri())
                    + ": add it to the AudienceResolver (M-06)", null, "M-06", null);
        }
        SignedEct minted = mint(request, st, opts, aud);
        st.recordMinted(minted);
        Ect ect = minted.ect();
        if (LOG.isDebugEnabled()) {
            LOG.debug("minted ECT jti={} wid={} aud={} pred={} for {}", ect.jti(), ect.wid(), ect.aud(), ect.pred(), describe(request));
        }
        HttpRequest sent = HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase(EctHttp.HEADER))
                .header(EctHttp.HEADER, minted.compact())
                .build();
        return new Hop(sent, ect, false);
    }

    private static HttpRequest withoutEct(HttpRequest request, boolean existing) {
        return existing ? HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase(EctHttp.HEADER)).build() : request;
    }

    /** Wraps the application's handler: verifies the response ECT first; discards the bodies of refused and redirect responses. */
    private <T> BodyHandler<T> handler(Hop hop, CallState st, BodyHandler<T> user, Redirect policy, int followed) {
        return info -> {
            if (hop.sent != null) {
                try {
                    hop.responseJti = verifyResponse(info, hop, st);
                } catch (EctResponseRejectedException e) {
                    hop.rejection = e;
                    return BodySubscribers.replacing(null); // the application never sees a refused answer's body
                }
            }
            HttpRequest next = Redirects.next(policy, hop.request, info, followed, config.maxRedirects(), hop.keepHeader);
            if (next != null) {
                hop.next = next;
                return BodySubscribers.replacing(null);
            }
            return user.apply(info);
        };
    }

    /** After a hop's response: the refusal, or the next hop (null: this was the final answer, now folded into the frontier). */
    private static HttpRequest after(Hop hop, CallState st, int status) throws EctResponseRejectedException {
        if (hop.rejection != null) {
            throw hop.rejection; // the frontier does not move
        }
        if (hop.sent != null) {
            st.recordAnswer(hop.sent, hop.responseJti, status);
        }
        if (hop.next == null) {
            st.applyLastAnswer(); // F-03: only the answer the application receives counts
        }
        return hop.next;
    }

    private List<String> resolveAudience(HttpRequest request) throws EctMintingException {
        try {
            List<String> aud = config.audience().resolve(request.uri());
            return aud == null ? List.of() : aud;
        } catch (RuntimeException e) {
            throw new EctMintingException("the AudienceResolver failed for " + hostPort(request.uri()) + ": " + e, null, "M-06", e);
        }
    }

    private SignedEct mint(HttpRequest request, CallState st, EctRequestOptions opts, List<String> aud) throws EctMintingException {
        SignedEct minted;
        try {
            String act = opts.execAct() != null ? opts.execAct() : config.execAct().resolve(request);
            Ect.Builder b = Ect.builder()
                    .iss(config.selfId())
                    .aud(aud)
                    .execAct(act)
                    .pred(opts.pred() != null ? opts.pred() : st.frontier()) // M-04, F-02
                    .wid(opts.wid() != null ? opts.wid() : st.wid()) // M-05
                    .inpHash(opts.inpHash())
                    .outHash(opts.outHash())
                    .ext(opts.ext());
            minted = config.signer().mint(b.build()); // M-01 jti, M-02 iat/exp from the signer's clock, M-03 header, M-07
        } catch (EctRejectedException e) {
            throw new EctMintingException("cannot mint an ECT for " + describe(request) + ": " + e.getMessage(),
                    e.reason(), e.error().ruleId(), e);
        } catch (RuntimeException e) {
            throw new EctMintingException("cannot mint an ECT for " + describe(request) + ": " + e, null, null, e);
        }
        int size = minted.compact().length(); // compact JWS is ASCII: chars = bytes
        if (size > config.maxTokenBytes()) { // T-03
            throw new EctMintingException("the ECT minted for " + describe(request) + " (jti " + minted.ect().jti() + ") is "
                    + size + " bytes, over the header budget of " + config.maxTokenBytes() + " bytes (T-03)",
                    ReasonCode.TOKEN_TOO_LARGE, "T-03", null);
        }
        return minted;
    }

    /** T-08 / F-03: the verified response ECT's jti, or null when the response carries none (or is not checked). */
    private String verifyResponse(ResponseInfo info, Hop hop, CallState st) throws EctResponseRejectedException {
        List<String> values = info.headers().allValues(EctHttp.HEADER);
        if (values.isEmpty()) {
            return null;
        }
        Ect sent = hop.sent;
        EctVerifier verifier = config.responseVerifier();
        if (verifier == null) {
            LOG.debug("response to ECT jti={} carries an ECT, but no response verifier is configured: ignored", sent.jti());
            return null;
        }
        String from = hostPort(hop.request.uri());
        if (values.size() > 1 || values.get(0).indexOf(',') >= 0) { // T-02
            throw new EctResponseRejectedException("the response to " + describe(hop.request) + " (ECT jti " + sent.jti()
                    + ") has more than one Execution-Context value: multiple_ects", ReasonCode.MULTIPLE_ECTS, "T-02", null);
        }
        // the filter's rule (SP/HTAB only). The JDK's HTTP/1.1 parser already strips control characters
        // around a header value before we see it (seen with a trailing U+0001), so here this only keeps
        // one rule in the code; a control character inside the value stays malformed either way
        String token = EctText.trimOws(values.get(0));
        try {
            return MintedEcts.with(st, active -> {
                // pure checks first, then the link to our request, and only then the side effects
                // (replay record, ledger append) of verify(): an unlinked ECT consumes nothing
                Ect answer = verifier.check(token).ect();
                // F-03: R's own jti differs from every task id this client minted (this exchange's
                // hops, and whatever the context recorded): else R would stand in for O
                if (st.mintedTaskId(answer.jti())) {
                    throw new EctRejectedException(EctError.of(ReasonCode.INVALID_CLAIM, "F-03",
                            "the response ECT reuses the task id " + answer.jti() + " that this client minted"));
                }
                // T-08/F-03: R's pred names O; or, when the server made calls of its own before
                // answering (F-04: its frontier then holds those answers), O is an ancestor of R
                // through pred links that the DAG check resolved
                if (!active.descends(answer, sent.jti())) {
                    throw new EctRejectedException(EctError.of(ReasonCode.INVALID_CLAIM, "T-08",
                            "the response ECT " + answer.jti() + " neither names the request's task " + sent.jti()
                                    + " in pred nor descends from it"));
                }
                return verifier.verify(token).ect().jti();
            });
        } catch (EctException e) {
            LOG.info("response ECT rejected for request ECT jti={} from {}: reason={}", sent.jti(), from, e.reason().code());
            throw new EctResponseRejectedException("the response ECT from " + from + " (answering ECT jti " + sent.jti()
                    + ") was rejected: " + e.getMessage(), e.reason(), e.error().ruleId(), e);
        } catch (RuntimeException e) {
            throw new EctResponseRejectedException("verifying the response ECT from " + from + " failed: " + e, null, "T-08", e);
        }
    }

    /** Method and URI without the query (which may carry secrets), for messages and logs. */
    static String describe(HttpRequest r) {
        URI u = r.uri();
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return r.method() + " " + u.getScheme() + "://" + hostPort(u) + path;
    }

    static String hostPort(URI u) {
        return u.getHost() + ":" + dev.ect.httpclient.AudienceResolver.port(u);
    }
}
