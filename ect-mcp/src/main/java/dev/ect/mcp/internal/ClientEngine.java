package dev.ect.mcp.internal;

import dev.ect.core.Ect;
import dev.ect.core.EctException;
import dev.ect.core.EctHashes;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSigner;
import dev.ect.core.EctText;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.EctValidator;
import dev.ect.core.ValidationResult;
import dev.ect.core.VerificationScope;
import dev.ect.core.client.internal.MintedTaskIds;
import dev.ect.core.internal.Uuids;
import dev.ect.core.context.TaskContext;
import dev.ect.mcp.EctMcp;
import dev.ect.core.client.MissingContext;
import dev.ect.mcp.EctMcpException;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one {@code dev.ect.mcp.EctMcpClient}: mints in the SDK's request customizer (where the
 * body and the caller's transport context are at hand), remembers which task context each minted
 * token belongs to, and, when the response's headers arrive (before the SDK reads a byte of the
 * body), verifies the response ECT and moves that context's frontier (F-03).
 */
public final class ClientEngine {
    private static final Logger LOG = LoggerFactory.getLogger("dev.ect.mcp.EctMcpClient");
    public static final String HEADER = "Execution-Context";

    /** A minted request: the context it was minted in and the token sent. */
    public record Pending(TaskContext context, SignedEct token, long createdNanos) {
        /** The ECT sent. */
        public Ect sent() { return token.ect(); }
    }

    private final EctSigner signer;
    private final String selfId;
    private final List<String> audience;
    private final Set<String> methods;
    private final EctVerifier responseVerifier;
    private final MissingContext missingContext;
    private final McpJsonMapper mapper;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger puts = new AtomicInteger();

    public ClientEngine(EctSigner signer, String selfId, List<String> audience, Set<String> methods,
            EctVerifier responseVerifier, MissingContext missingContext, McpJsonMapper mapper) {
        this.signer = signer;
        this.selfId = selfId;
        this.audience = audience;
        this.methods = methods;
        this.responseVerifier = responseVerifier;
        this.missingContext = missingContext;
        this.mapper = mapper;
    }

    /** The SDK's request customizer: mints one ECT for an MCP request whose method needs one. */
    public void customize(HttpRequest.Builder builder, String method, URI uri, String body, McpTransportContext tc) {
        if (!"POST".equals(method)) {
            return;
        }
        McpRequestInfo info = McpRequestInfo.parse(mapper, body);
        if (info == null || !info.request() || !methods.contains(info.method())) {
            return;
        }
        TaskContext ctx = EctMcp.taskContext(tc).orElse(null);
        if (ctx == null) {
            switch (missingContext) {
                case SKIP -> {
                    return;
                }
                case FAIL -> throw new EctMcpException("no task context reached the MCP request " + LogSafeText.of(info.method())
                        + ": give the McpClient EctMcpClient.contextProvider() and call it with a current TaskContext (M-04)",
                        null, "M-04", null);
                default -> ctx = TaskContext.root();
            }
        }
        String act = EctMcp.execAct(info.method(), info.name());
        SignedEct minted;
        try {
            minted = signer.mint(Ect.builder()
                    .iss(selfId)
                    .aud(audience)
                    .execAct(act)
                    .pred(ctx.frontier())                                          // M-04, F-02
                    .wid(ctx.wid())                                                // M-05
                    .inpHash(EctHashes.sha256(body.getBytes(StandardCharsets.UTF_8))) // the bytes the SDK sends
                    .build());
        } catch (EctRejectedException e) {
            throw new EctMcpException("cannot mint an ECT for " + act + ": " + e.getMessage(), e.reason(), e.error().ruleId(), e);
        }
        MintedTaskIds.record(ctx, minted.ect().jti()); // F-03: no response ECT may take this task id
        builder.setHeader(HEADER, minted.compact());
        remember(minted.compact(), new Pending(ctx, minted, System.nanoTime()));
        if (LOG.isDebugEnabled()) {
            LOG.debug("minted ECT jti={} wid={} exec_act={} pred={} for {}", minted.ect().jti(), minted.ect().wid(), act,
                    minted.ect().pred(), uri.getHost() + ":" + uri.getPort());
        }
    }

    private void remember(String token, Pending p) {
        pending.put(token, p);
        if (puts.incrementAndGet() % 256 == 0 && pending.size() > 1024) {
            // requests the SDK minted for but never sent (a failed connect): forget them after 15 min
            long old = System.nanoTime() - 15L * 60 * 1_000_000_000L;
            pending.values().removeIf(x -> x.createdNanos() - old < 0);
        }
    }

    /** The pending state of a request about to be sent (removed: one response per request), or null. */
    public Pending take(HttpRequest request) {
        String token = request.headers().firstValue(HEADER).orElse(null);
        return token == null ? null : pending.remove(token);
    }

    /** Number of requests minted for whose response has not been seen (tests). */
    public int pendingCount() { return pending.size(); }

    /**
     * The response headers of a request we minted for: verifies its response ECT (T-08) and moves
     * the frontier (F-03). Throws {@link EctMcpException} for a refused response ECT: the frontier
     * is then left as it was.
     */
    public void onResponse(Pending p, ResponseInfo info) {
        if (info.statusCode() >= 400) {
            String refused = info.headers().firstValue(EctMcp.ERROR_HEADER).orElse(null);
            if (refused != null) {
                // the server refused this request's ECT: fail the exchange with the reason it named,
                // before the SDK turns the status into an exception that does not carry it
                String code = LogSafeText.of(refused);
                ReasonCode rc = known(code);
                throw new EctMcpException("the MCP server refused the ECT of this request (jti " + p.sent().jti() + "): "
                        + code + " (HTTP " + info.statusCode() + ")", rc, code, null, info.statusCode(), null);
            }
        }
        List<String> values = info.headers().allValues(HEADER);
        Ect sent = p.sent();
        TaskContext ctx = p.context();
        if (values.isEmpty() || responseVerifier == null) {
            if (!values.isEmpty()) {
                LOG.debug("response to ECT jti={} carries an ECT, but no response verifier is configured: ignored", sent.jti());
            }
            if (info.statusCode() < 400) {
                ctx.onAnswered(sent, null); // F-03: no (trusted) answer: the request's own task joins the frontier
            }
            return;
        }
        if (values.size() > 1 || values.get(0).indexOf(',') >= 0) {
            throw new EctMcpException("the response to ECT jti " + sent.jti() + " has more than one Execution-Context value",
                    ReasonCode.MULTIPLE_ECTS, "T-02", null);
        }
        String token = EctText.trimOws(values.get(0));
        String answerJti;
        try {
            // one verification: the request's own token visible to the DAG check (F-03, through
            // EctMcpClient.mintedEctStore), the answer's links checked by a validator before the side
            // effects (replay record, ledger append)
            answerJti = responseVerifier.verify(token, new VerificationScope(answers(ctx, sent), List.of(p.token()))).ect().jti();
        } catch (EctException e) {
            LOG.info("response ECT rejected for request ECT jti={}: reason={}", sent.jti(), e.reason().code());
            throw new EctMcpException("the tool server's response ECT (answering ECT jti " + sent.jti() + ") was rejected: "
                    + e.getMessage(), e.reason(), e.error().ruleId(), e);
        }
        ctx.onAnswered(sent, answerJti); // F-03, before the SDK sees the answer
        LOG.debug("response ECT jti={} answers jti={}", answerJti, sent.jti());
    }

    /**
     * The validator of a response ECT answering {@code sent}: its jti is not a task id this client
     * minted (F-03), and {@code sent}'s task is its ancestor through {@code pred} links (T-08, F-04:
     * a DAG query, one walk on the verifier's store).
     */
    private static EctValidator answers(TaskContext ctx, Ect sent) {
        return (answer, dag) -> {
            if (Uuids.same(answer.jti(), sent.jti()) || MintedTaskIds.contains(ctx, answer.jti())) {
                return ValidationResult.invalid(ReasonCode.INVALID_CLAIM, "F-03",
                        "the response ECT reuses the task id " + answer.jti() + " that this client minted");
            }
            if (!dag.descendsFrom(sent.jti())) {
                return ValidationResult.invalid(ReasonCode.INVALID_CLAIM, "T-08", "the response ECT " + answer.jti()
                        + " neither names the request's task " + sent.jti() + " in pred nor descends from it");
            }
            return ValidationResult.valid();
        };
    }

    private static ReasonCode known(String code) {
        try {
            return ReasonCode.fromCode(code);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** LogSafe for text from the wire. */
    static final class LogSafeText {
        static String of(String s) { return dev.ect.core.LogSafe.escape(s); }

        private LogSafeText() {}
    }
}
