package dev.ect.okhttp.internal;

import dev.ect.core.Ect;
import dev.ect.core.EctError;
import dev.ect.core.EctException;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctText;
import dev.ect.core.EctVerifier;
import dev.ect.core.LogSafe;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.okhttp.BodyHashes;
import dev.ect.okhttp.EctMintingException;
import dev.ect.okhttp.EctOkHttp;
import dev.ect.okhttp.EctOkHttp.ExistingHeader;
import dev.ect.okhttp.EctOkHttp.MissingContext;
import dev.ect.okhttp.EctOkHttp.UnknownAudience;
import dev.ect.okhttp.EctRequestOptions;
import dev.ect.okhttp.EctResponseRejectedException;
import java.io.IOException;
import java.util.List;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network interceptor: mints one ECT per network attempt (M-01: a retry or a redirect hop
 * gets a fresh {@code jti}; M-06: {@code aud} of the host actually called), and verifies the
 * response's ECT when there is one (T-08). Throws only {@link IOException}s.
 */
public final class EctNetworkInterceptor implements Interceptor {
    private static final Logger LOG = LoggerFactory.getLogger(EctNetworkInterceptor.class);

    private final EctConfig config;
    private final ContextCaptor captor;

    public EctNetworkInterceptor(EctConfig config, ContextCaptor captor) {
        this.config = config;
        this.captor = captor;
    }

    /** The call's ECT state, created by the first ECT interceptor that sees the call. */
    static CallState state(Call call, ContextCaptor captor, MissingContext policy) {
        return call.tag(CallState.class, () -> new CallState(captor.captureFor(call), policy));
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        EctRequestOptions opts = request.tag(EctRequestOptions.class);
        if (opts != null && opts.disabled()) {
            return chain.proceed(request);
        }
        CallState st = state(chain.call(), captor, config.missingContext());
        List<String> existing = request.headers(EctOkHttp.HEADER);
        boolean foreign = !existing.isEmpty() && !(existing.size() == 1 && st.isOwnToken(existing.get(0)));
        if (foreign && config.existingHeader() == ExistingHeader.PASS_THROUGH) {
            // the application manages this request's ECT itself: no minting, no response handling
            LOG.debug("request {} already has an Execution-Context header: passed through", describe(request));
            return chain.proceed(request);
        }
        if (st.missingContext()) {
            if (config.missingContext() == MissingContext.SKIP) {
                return chain.proceed(request);
            }
            throw new EctMintingException("no task context was current when the call to " + describe(request)
                    + " was created (missingContext FAIL)", null, "M-04", null);
        }
        List<String> aud = opts != null && opts.aud() != null ? opts.aud() : resolveAudience(request);
        if (aud.isEmpty()) {
            if (config.unknownAudience() == UnknownAudience.SKIP) {
                LOG.debug("no audience known for {}: sent without an ECT", describe(request));
                return chain.proceed(request);
            }
            throw new EctMintingException("no audience (receiver workload id) is known for " + hostPort(request.url())
                    + ": add it to the AudienceResolver (M-06)", null, "M-06", null);
        }
        SignedEct sent = mint(request, st, opts, aud);
        st.recordMinted(sent);
        Ect ect = sent.ect();
        if (LOG.isDebugEnabled()) {
            LOG.debug("minted ECT jti={} wid={} aud={} pred={} for {}", ect.jti(), ect.wid(), ect.aud(), ect.pred(), describe(request));
        }
        Response response = chain.proceed(request.newBuilder().header(EctOkHttp.HEADER, sent.compact()).build());
        String responseJti;
        try {
            responseJti = verifyResponse(response, ect, st);
        } catch (IOException e) {
            response.close();
            throw e;
        }
        st.recordAnswer(ect, responseJti, response.code());
        if (!st.finalAnswerHandledOutside()) {
            st.applyLastAnswer(); // no application interceptor installed: each attempt's answer counts
        }
        return response;
    }

    private List<String> resolveAudience(Request request) throws EctMintingException {
        try {
            List<String> aud = config.audience().resolve(request.url());
            return aud == null ? List.of() : aud;
        } catch (RuntimeException e) {
            throw new EctMintingException("the AudienceResolver failed for " + hostPort(request.url()) + ": " + e, null, "M-06", e);
        }
    }

    private SignedEct mint(Request request, CallState st, EctRequestOptions opts, List<String> aud) throws IOException {
        SignedEct sent;
        try {
            String act = opts != null && opts.execAct() != null ? opts.execAct() : config.execAct().resolve(request);
            Ect.Builder b = Ect.builder()
                    .iss(config.selfId())
                    .aud(aud)
                    .execAct(act)
                    .pred(opts != null && opts.pred() != null ? opts.pred() : st.frontier()) // M-04, F-02
                    .wid(opts != null && opts.wid() != null ? opts.wid() : st.wid()); // M-05
            if (opts != null) {
                if (opts.inpHash() != null) {
                    b.inpHash(opts.inpHash());
                } else if (opts.inpHashFromBody()) {
                    b.inpHash(BodyHashes.sha256(request.body()));
                }
                b.outHash(opts.outHash()).ext(opts.ext());
            }
            sent = config.signer().mint(b.build()); // M-01 jti, M-02 iat/exp from the signer's clock, M-03 header, M-07
        } catch (EctRejectedException e) {
            throw new EctMintingException("cannot mint an ECT for " + describe(request) + ": " + e.getMessage(),
                    e.reason(), e.error().ruleId(), e);
        } catch (RuntimeException e) {
            throw new EctMintingException("cannot mint an ECT for " + describe(request) + ": " + e, null, null, e);
        }
        int size = sent.compact().length(); // compact JWS is ASCII: chars = bytes
        if (size > config.maxTokenBytes()) { // T-03
            throw new EctMintingException("the ECT minted for " + describe(request) + " (jti " + sent.ect().jti() + ") is "
                    + size + " bytes, over the header budget of " + config.maxTokenBytes() + " bytes (T-03)",
                    ReasonCode.TOKEN_TOO_LARGE, "T-03", null);
        }
        return sent;
    }

    /** T-08 / F-03: the verified response ECT's jti, or null when the response carries none (or is not checked). */
    private String verifyResponse(Response response, Ect sent, CallState st) throws EctResponseRejectedException {
        List<String> values = response.headers(EctOkHttp.HEADER);
        if (values.isEmpty()) {
            return null;
        }
        EctVerifier verifier = config.responseVerifier();
        if (verifier == null) {
            LOG.debug("response to ECT jti={} carries an ECT, but no response verifier is configured: ignored", sent.jti());
            return null;
        }
        if (values.size() > 1 || values.get(0).indexOf(',') >= 0) { // T-02
            throw new EctResponseRejectedException("the response to " + describe(response.request()) + " (ECT jti " + sent.jti()
                    + ") has more than one Execution-Context value: multiple_ects", ReasonCode.MULTIPLE_ECTS, "T-02", null);
        }
        String token = EctText.trimOws(values.get(0)); // the filter's rule: SP/HTAB only, a control char stays malformed
        try {
            return MintedEcts.with(st, active -> {
                // pure checks first, then the link to our request, and only then the side effects
                // (replay record, ledger append) of verify(): an unlinked ECT consumes nothing
                Ect answer = verifier.check(token).ect();
                // F-03: R's own jti differs from every task id this client minted (this call's
                // attempts, and whatever the context recorded): else R would stand in for O
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
            LOG.info("response ECT rejected for request ECT jti={} from {}: reason={}", sent.jti(), hostPort(response.request().url()),
                    e.reason().code());
            throw new EctResponseRejectedException("the response ECT from " + hostPort(response.request().url())
                    + " (answering ECT jti " + sent.jti() + ") was rejected: " + LogSafe.escape(e.getMessage(), 1000),
                    e.reason(), e.error().ruleId(), e); // T-11: the message ends up in the application's logs
        } catch (RuntimeException e) {
            throw new EctResponseRejectedException("verifying the response ECT from " + hostPort(response.request().url())
                    + " failed: " + LogSafe.escape(e.toString(), 1000), null, "T-08", e);
        }
    }

    /** Method and URL without the query (which may carry secrets), for messages and logs. */
    static String describe(Request r) {
        HttpUrl u = r.url();
        return r.method() + " " + u.scheme() + "://" + hostPort(u) + u.encodedPath();
    }

    static String hostPort(HttpUrl u) {
        String host = u.host().indexOf(':') >= 0 ? "[" + u.host() + "]" : u.host();
        return host + ":" + u.port();
    }
}
