package dev.ect.core.client.internal;

import dev.ect.core.Ect;
import dev.ect.core.EctException;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctText;
import dev.ect.core.EctValidator;
import dev.ect.core.EctVerifier;
import dev.ect.core.LogSafe;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.ValidationResult;
import dev.ect.core.VerificationScope;
import dev.ect.core.client.AudienceResolver;
import dev.ect.core.client.EctClientConfig;
import dev.ect.core.client.EctMintingException;
import dev.ect.core.client.EctRequestOptions;
import dev.ect.core.client.EctResponseRejectedException;
import dev.ect.core.client.ExistingHeader;
import dev.ect.core.client.MissingContext;
import dev.ect.core.client.UnknownAudience;
import dev.ect.core.context.TaskContext;
import dev.ect.core.internal.Uuids;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;

/**
 * The ECT side of one outbound call (with all its attempts or redirect hops), shared by every
 * HTTP client adapter: the task context and frontier captured when the call was made (F-02), one
 * ECT minted per attempt (M-01..M-07, T-03), the check of a response ECT (T-02, T-08, F-03: one
 * {@link EctVerifier#verify(String, VerificationScope)} whose validator asks the DAG check whether
 * the answer descends from the request), and the fold of the final answer into the frontier.
 *
 * <p>Attempts of one call run one after the other, possibly on different threads (asynchronous
 * calls), so the state is thread-safe. For the library's adapters; not a stable API.
 */
public final class ClientCall {
    /** The HTTP header field carrying an ECT (T-01). */
    public static final String HEADER = "Execution-Context";

    private final EctClientConfig config;
    private final Logger log;
    private final TaskContext captured; // current when the call was made, or null
    private final TaskContext context; // the context the call works for (a fresh root under ROOT_TASK), or null
    private final List<String> frontier;
    private final boolean missingContext;
    private final List<SignedEct> minted = new CopyOnWriteArrayList<>();
    private final AtomicReference<Answer> lastAnswer = new AtomicReference<>();
    private volatile boolean answersFoldedByCaller;

    /** One attempt's outcome: the ECT sent, the verified response ECT's jti (or null), the status. */
    private record Answer(Ect sent, String responseJti, int status) {}

    private ClientCall(EctClientConfig config, Logger log, TaskContext current) {
        this.config = Objects.requireNonNull(config, "config cannot be null");
        this.log = Objects.requireNonNull(log, "log cannot be null");
        this.captured = current;
        if (current != null) {
            context = current;
            frontier = current.frontier(); // a snapshot (F-02): later changes do not affect this call
            missingContext = false;
        } else if (config.missingContext() == MissingContext.ROOT_TASK) {
            context = TaskContext.root(); // M-05: a root task with a fresh workflow id, per call
            frontier = List.of();
            missingContext = false;
        } else {
            context = null;
            frontier = List.of();
            missingContext = true;
        }
    }

    /**
     * A call made now, on this thread: captures the current task context and its frontier (F-02).
     *
     * @param log where this call logs (the adapter's logger, so log names stay the adapter's)
     */
    public static ClientCall capture(EctClientConfig config, Logger log) {
        return new ClientCall(config, log, TaskContext.current().orElse(null));
    }

    /** The context current when the call was made, or null (F-05: asynchronous completions restore it). */
    public TaskContext captured() { return captured; }

    /** True when {@code compact} is a token this call minted for an earlier attempt (a redirect follow-up carries it). */
    public boolean isOwnToken(String compact) {
        for (SignedEct s : minted) {
            if (s.compact().equals(compact)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Decides what one attempt sends, minting its ECT when one is due (M-01: every attempt its own
     * {@code jti}; M-06: the {@code aud} of the host this attempt goes to).
     *
     * @param options the call's options; null for {@link EctRequestOptions#defaults()}
     * @throws EctMintingException when no ECT can be minted and the policy is to fail
     */
    public Attempt prepare(OutboundRequest request, EctRequestOptions options) throws EctMintingException {
        EctRequestOptions opts = options != null ? options : EctRequestOptions.defaults();
        if (opts.disabled()) {
            return Attempt.PASS;
        }
        List<String> existing = request.ectHeaderValues();
        boolean foreign = !existing.isEmpty() && !(existing.size() == 1 && isOwnToken(existing.get(0)));
        if (foreign && config.existingHeader() == ExistingHeader.PASS_THROUGH) {
            // the application manages this request's ECT itself: no minting, no response handling
            log.debug("request {} already has an Execution-Context header: passed through", describe(request));
            return Attempt.PASS;
        }
        if (missingContext) {
            if (config.missingContext() == MissingContext.SKIP) {
                return Attempt.WITHOUT;
            }
            throw new EctMintingException("no task context was current when the call to " + describe(request)
                    + " was created (missingContext FAIL)", null, "M-04", null);
        }
        List<String> aud = opts.aud() != null ? opts.aud() : resolveAudience(request);
        if (aud.isEmpty()) {
            if (config.unknownAudience() == UnknownAudience.SKIP) {
                log.debug("no audience known for {}: sent without an ECT", describe(request));
                return Attempt.WITHOUT;
            }
            throw new EctMintingException("no audience (receiver workload id) is known for " + hostPort(request.uri())
                    + ": add it to the AudienceResolver (M-06)", null, "M-06", null);
        }
        SignedEct s = mint(request, opts, aud);
        minted.add(s);
        Ect ect = s.ect();
        if (log.isDebugEnabled()) {
            log.debug("minted ECT jti={} wid={} aud={} pred={} for {}", ect.jti(), ect.wid(), ect.aud(), ect.pred(), describe(request));
        }
        return new Attempt(Attempt.Action.SEND_WITH_ECT, s.compact(), ect);
    }

    private List<String> resolveAudience(OutboundRequest request) throws EctMintingException {
        try {
            List<String> aud = request.audience(config.audience());
            return aud == null ? List.of() : aud;
        } catch (RuntimeException e) {
            throw new EctMintingException("the AudienceResolver failed for " + hostPort(request.uri()) + ": " + e, null, "M-06", e);
        }
    }

    private SignedEct mint(OutboundRequest request, EctRequestOptions opts, List<String> aud) throws EctMintingException {
        SignedEct s;
        try {
            String act = opts.execAct() != null ? opts.execAct() : request.defaultExecAct();
            Ect.Builder b = Ect.builder()
                    .iss(config.selfId())
                    .aud(aud)
                    .execAct(act)
                    .pred(opts.pred() != null ? opts.pred() : frontier) // M-04, F-02
                    .wid(opts.wid() != null ? opts.wid() : context.wid()) // M-05
                    .inpHash(opts.inpHash() != null ? opts.inpHash() : opts.inpHashFromBody() ? request.bodyHash() : null)
                    .outHash(opts.outHash())
                    .ext(opts.ext());
            s = config.signer().mint(b.build()); // M-01 jti, M-02 iat/exp from the signer's clock, M-03 header, M-07
        } catch (EctRejectedException e) {
            throw new EctMintingException("cannot mint an ECT for " + describe(request) + ": " + e.getMessage(),
                    e.reason(), e.error().ruleId(), e);
        } catch (IOException | RuntimeException e) {
            throw new EctMintingException("cannot mint an ECT for " + describe(request) + ": " + e, null, null, e);
        }
        int size = s.compact().length(); // compact JWS is ASCII: chars = bytes
        if (size > config.maxTokenBytes()) { // T-03
            throw new EctMintingException("the ECT minted for " + describe(request) + " (jti " + s.ect().jti() + ") is "
                    + size + " bytes, over the header budget of " + config.maxTokenBytes() + " bytes (T-03)",
                    ReasonCode.TOKEN_TOO_LARGE, "T-03", null);
        }
        return s;
    }

    /**
     * T-08 / F-03: checks the response ECT of one attempt, once: more than one value is
     * {@code multiple_ects} (T-02); the value loses RFC 9110 optional whitespace only
     * ({@link EctText#trimOws}); then one {@link EctVerifier#verify(String, VerificationScope)}
     * with this call's minted tokens visible to the DAG check and a validator requiring that the
     * answer's {@code jti} is none of the task ids this client minted (F-03) and that it descends
     * from the attempt's ECT (T-08, F-04: a DAG query), run before the side effects.
     *
     * @param attempt what {@link #prepare} decided for this attempt
     * @param request the attempt's request (for messages)
     * @param values the response's {@code Execution-Context} values
     * @return the verified answer's {@code jti}; null when there is none, no ECT was minted for
     *     the attempt, or no response verifier is configured (the answer is then ignored)
     * @throws EctResponseRejectedException when the response ECT is refused (the frontier does not move)
     */
    public String checkResponse(Attempt attempt, OutboundRequest request, List<String> values) throws EctResponseRejectedException {
        if (!attempt.minted() || values.isEmpty()) {
            return null;
        }
        Ect sent = attempt.sent();
        EctVerifier verifier = config.responseVerifier();
        if (verifier == null) {
            log.debug("response to ECT jti={} carries an ECT, but no response verifier is configured: ignored", sent.jti());
            return null;
        }
        String from = hostPort(request.uri());
        if (values.size() > 1 || values.get(0).indexOf(',') >= 0) { // T-02
            throw new EctResponseRejectedException("the response to " + describe(request) + " (ECT jti " + sent.jti()
                    + ") has more than one Execution-Context value: multiple_ects", ReasonCode.MULTIPLE_ECTS, "T-02", null);
        }
        String token = EctText.trimOws(values.get(0)); // the filter's rule: SP/HTAB only, a control char stays malformed
        try {
            return verifier.verify(token, new VerificationScope(answers(sent.jti()), ownEcts())).ect().jti();
        } catch (EctException e) {
            e.initUnverifiedIdsFrom(token); // a verifier of the application's own may not have attached them
            log.info("response ECT rejected for request ECT jti={} from {}: reason={} response_jti={} response_iss={}", sent.jti(),
                    from, e.reason().code(), e.logSafeJti(), e.logSafeIss());
            throw new EctResponseRejectedException("the response ECT from " + from + " (answering ECT jti " + sent.jti()
                    + ") was rejected: " + LogSafe.escape(e.getMessage(), 1000),
                    e.reason(), e.error().ruleId(), e); // T-11: the message ends up in the application's logs
        } catch (RuntimeException e) {
            throw new EctResponseRejectedException("verifying the response ECT from " + from + " failed: "
                    + LogSafe.escape(e.toString(), 1000), null, "T-08", e);
        }
    }

    /**
     * The validator of a response ECT answering the request {@code requestJti}: its own jti is not
     * one this client minted (F-03: else it would stand in for the request's task in the
     * frontier), and the request's task is its ancestor through {@code pred} links (T-08, F-03;
     * F-04: a server that made calls of its own before answering has their answers in its
     * frontier): a query of the DAG check's result, not of which lookups happened.
     */
    private EctValidator answers(String requestJti) {
        return (answer, dag) -> {
            if (mintedTaskId(answer.jti())) {
                return ValidationResult.invalid(ReasonCode.INVALID_CLAIM, "F-03",
                        "the response ECT reuses the task id " + answer.jti() + " that this client minted");
            }
            if (!dag.descendsFrom(requestJti)) {
                return ValidationResult.invalid(ReasonCode.INVALID_CLAIM, "T-08", "the response ECT " + answer.jti()
                        + " neither names the request's task " + requestJti + " in pred nor descends from it");
            }
            return ValidationResult.valid();
        };
    }

    /** The tokens this call minted, for its response's DAG check (F-03: the client resolves O from its own tokens). */
    private List<SignedEct> ownEcts() { return List.copyOf(minted); }

    /**
     * F-03: true when {@code jti} is a task id this client minted: one of this call's attempts,
     * or an ECT the task context recorded as minted (ids compared in canonical lower case, P-01).
     */
    boolean mintedTaskId(String jti) {
        for (SignedEct s : minted) {
            if (Uuids.same(s.ect().jti(), jti)) {
                return true;
            }
        }
        return context != null && MintedTaskIds.contains(context, jti);
    }

    /** Records one attempt's outcome (overwriting the previous attempt's); nothing for an attempt without a minted ECT. */
    public void recordAnswer(Attempt attempt, String responseJti, int status) {
        if (attempt.minted()) {
            lastAnswer.set(new Answer(attempt.sent(), responseJti, status));
        }
    }

    /**
     * The adapter folds the final answer itself ({@link #applyLastAnswer()} once per call, after
     * the last attempt: OkHttp's application interceptor); without this, an adapter may fold each
     * attempt's answer.
     */
    public void foldAnswersByCaller() { answersFoldedByCaller = true; }

    /** True after {@link #foldAnswersByCaller()}. */
    public boolean answersFoldedByCaller() { return answersFoldedByCaller; }

    /**
     * F-03: folds the last attempt's answer into the context's frontier, once. A verified response
     * ECT replaces the sent ECT's pred; without one, the sent ECT itself does, but only for a
     * response below 400: an error answer (including a receiver refusing the ECT with 403) does
     * not make the request's task a dependency of later work.
     */
    public void applyLastAnswer() {
        Answer a = lastAnswer.getAndSet(null);
        if (a == null || context == null) {
            return;
        }
        if (a.responseJti() != null) {
            context.onAnswered(a.sent(), a.responseJti());
        } else if (a.status() < 400) {
            context.onAnswered(a.sent(), null);
        }
    }

    /** Method and URI without the query (which may carry secrets), for messages and logs. */
    public static String describe(OutboundRequest r) {
        URI u = r.uri();
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return r.method() + " " + u.getScheme() + "://" + hostPort(u) + path;
    }

    /** {@code host:port} of {@code u} (the scheme's default port when it has none; IPv6 in brackets), for messages and logs. */
    public static String hostPort(URI u) {
        String host = u.getHost();
        if (host != null && host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return host + ":" + AudienceResolver.port(u);
    }
}
