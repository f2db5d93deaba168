package dev.ect.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.Ect;
import dev.ect.core.EctSigner;
import dev.ect.core.EctValidator;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.ValidationResult;
import dev.ect.core.VerificationEvent;
import dev.ect.core.VerificationScope;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.core.replay.ReplayStore;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The per-request validator scope ({@link EctFilterConfig.Builder#requestScope}) over real HTTP in
 * a real container: the scope the function builds from the request runs inside the filter's one
 * verification, after the signature and DAG rules (V-01..V-13) and before the replay record (V-14)
 * and the ledger append (V-15). The deployment here ties an ECT to its request: its
 * {@code exec_act} must be {@code "GET <request URI>"}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RequestScopeContainerSuite {
    static final String A = "spiffe://example.com/agent/a";
    static final String SERVER = "spiffe://example.com/server";

    private final EctKeyPair keyA = EctKeys.generate("a-1");
    private final EctSigner a = EctSigner.builder(keyA).build();
    private final EctSigner forger = EctSigner.builder(EctKeys.generate("a-1")).build(); // A's kid, another key
    private final StaticKeySource trust = StaticKeySource.builder().key(A, keyA).build();

    private final Counting replay = new Counting();
    private final Counting replayOfSecond = new Counting();
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final InMemoryLedger ledgerOfSecond = new InMemoryLedger();
    private final List<VerificationEvent> verifications = new CopyOnWriteArrayList<>();
    /** The requests the scope function was applied to (their URIs), and how often its validator ran. */
    private final List<String> scopedRequests = new CopyOnWriteArrayList<>();
    private final AtomicInteger validations = new AtomicInteger();
    private final AtomicInteger served = new AtomicInteger();
    private TestContainer container;
    private HttpClient http;

    /** How to start the container under test. */
    protected abstract TestContainer.Factory containerFactory();

    /** A real replay store that counts every call made to it. */
    static final class Counting implements ReplayStore {
        final CaffeineReplayStore inner = new CaffeineReplayStore(1000);
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public boolean checkAndRecord(String iss, String wid, String jti, Instant keepUntil) {
            calls.incrementAndGet();
            return inner.checkAndRecord(iss, wid, jti, keepUntil);
        }

        @Override
        public void forget(String iss, String wid, String jti) {
            calls.incrementAndGet();
            inner.forget(iss, wid, jti);
        }
    }

    /** The scope of this deployment: the ECT's exec_act must name this request. */
    private VerificationScope describesRequest(HttpServletRequest req) {
        String expected = "GET " + req.getRequestURI();
        scopedRequests.add(req.getRequestURI());
        EctValidator v = (Ect ect, dev.ect.core.dag.DagView dag) -> {
            validations.incrementAndGet();
            return expected.equals(ect.execAct()) ? ValidationResult.valid()
                    : ValidationResult.invalid(ReasonCode.INVALID_CLAIM, "C-07", "exec_act does not describe this request (expected "
                            + expected + ")");
        };
        return VerificationScope.of(v);
    }

    private EctFilter filter(EctVerifier verifier, Function<HttpServletRequest, VerificationScope> scope, String... optional) {
        EctFilterConfig.Builder b = EctFilterConfig.builder().environment(Map.of()).verifier(verifier);
        if (scope != null) {
            b.requestScope(scope);
        }
        if (optional.length > 0) {
            b.optionalPaths(optional);
        }
        return new EctFilter(b.build());
    }

    @BeforeAll
    void start() throws Exception {
        EctVerifier verifier = EctVerifier.builder().verifierId(SERVER).keySource(trust).replayStore(replay).ledger(ledger)
                .listener(verifications::add).build();
        EctVerifier second = EctVerifier.builder().verifierId(SERVER).keySource(trust).replayStore(replayOfSecond)
                .ledger(ledgerOfSecond).build();
        EctFilter bound = filter(verifier, this::describesRequest, "/bound/optional");
        EctFilter throwing = filter(verifier, req -> {
            throw new IllegalStateException("scope failed");
        });
        EctFilter nulls = filter(verifier, req -> null);
        EctFilter first = filter(verifier, null);
        EctFilter scopedSecond = filter(second, this::describesRequest);
        ServletContainerInitializer app = (Set<Class<?>> classes, ServletContext ctx) -> {
            EnumSet<DispatcherType> request = EnumSet.of(DispatcherType.REQUEST);
            ctx.addFilter("bound", bound).addMappingForUrlPatterns(request, true, "/bound/*");
            ctx.addFilter("throwing", throwing).addMappingForUrlPatterns(request, true, "/throwing/*");
            ctx.addFilter("null", nulls).addMappingForUrlPatterns(request, true, "/null/*");
            // T-09: two instances on one request, the second with a request scope
            ctx.addFilter("first", first).addMappingForUrlPatterns(request, true, "/twice/*");
            ctx.addFilter("second", scopedSecond).addMappingForUrlPatterns(request, true, "/twice/*");
            ctx.addServlet("ok", new Ok()).addMapping("/*");
        };
        container = containerFactory().start(app, Map.of());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @BeforeEach
    void reset() {
        verifications.clear();
        scopedRequests.clear();
        validations.set(0);
        served.set(0);
    }

    @AfterAll
    void stop() {
        if (container != null) {
            container.close();
        }
    }

    /** Answers 200 "ok" to whatever the filters let through. */
    final class Ok extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            served.incrementAndGet();
            resp.setContentType("text/plain");
            resp.getWriter().write("ok");
        }
    }

    private String token(EctSigner signer, String execAct) {
        Instant now = Instant.now();
        return signer.sign(Ect.builder().iss(A).aud(SERVER).iat(now).exp(now.plus(Duration.ofMinutes(5))).execAct(execAct)
                .pred(List.of()).build());
    }

    private HttpResponse<String> get(String path, String ect) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + container.port() + path))
                .timeout(Duration.ofSeconds(20)).GET();
        if (ect != null) {
            r.header(EctFilter.HEADER, ect);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String reason(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        return (String) JsonUtil.parseJson(r.body()).get("ect_error");
    }

    @Test
    @DisplayName("C-07, V-14, V-15: a valid ECT the request scope refuses is 403 with the validator's reason code; no replay record, no ledger entry, the servlet never ran")
    void aValidEctThatDoesNotDescribeItsRequestIsRefusedBeforeTheSideEffects() throws Exception {
        int replayCalls = replay.calls.get();
        long entries = ledger.size();
        String token = token(a, "GET /bound/read");
        HttpResponse<String> r = get("/bound/delete", token);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(reason(r)).isEqualTo("invalid_claim");
        assertThat(r.body()).contains("expected GET /bound/delete").doesNotContain(token);
        assertThat(scopedRequests).containsExactly("/bound/delete");
        assertThat(validations).hasValue(1);
        // one verification, refused inside it: the verifier's listener saw the scope's reason
        assertThat(verifications).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo("invalid_claim"));
        assertThat(replay.calls).hasValue(replayCalls);
        assertThat(ledger.size()).isEqualTo(entries);
        assertThat(served).hasValue(0);
        // not consumed: the same token is accepted on the request it describes
        assertThat(get("/bound/read", token).statusCode()).isEqualTo(200);
        assertThat(replay.calls).hasValue(replayCalls + 1);
        assertThat(ledger.size()).isEqualTo(entries + 1);
    }

    @Test
    @DisplayName("V-08: a forged token that also fails the request scope is invalid_signature; the scope's validator never sees its claims")
    void aForgedTokenIsInvalidSignatureWhateverItClaims() throws Exception {
        int replayCalls = replay.calls.get();
        long entries = ledger.size();
        HttpResponse<String> r = get("/bound/delete", token(forger, "GET /bound/read"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(reason(r)).isEqualTo("invalid_signature");
        assertThat(validations).hasValue(0);
        assertThat(verifications).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo("invalid_signature"));
        assertThat(replay.calls).hasValue(replayCalls);
        assertThat(ledger.size()).isEqualTo(entries);
        assertThat(served).hasValue(0);
    }

    @Test
    @DisplayName("V-14: an ECT that describes its request is accepted once, the scope built from that request; the same token again is replay")
    void anEctThatDescribesItsRequestIsAcceptedOnce() throws Exception {
        long entries = ledger.size();
        String token = token(a, "GET /bound/items");
        HttpResponse<String> ok = get("/bound/items", token);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("ok");
        assertThat(ledger.size()).isEqualTo(entries + 1);
        HttpResponse<String> again = get("/bound/items", token);
        assertThat(again.statusCode()).isEqualTo(403);
        assertThat(reason(again)).isEqualTo("replay");
        assertThat(served).hasValue(1);
        assertThat(scopedRequests).containsExactly("/bound/items", "/bound/items");
        assertThat(verifications).extracting(VerificationEvent::outcome).containsExactly("ok", "replay");
        assertThat(ledger.size()).isEqualTo(entries + 1);
    }

    @Test
    @DisplayName("T-07: without an ECT there is nothing to verify: the request scope is not applied (required path: missing_ect; optional path: served)")
    void theScopeIsAppliedOnlyToAnEctToVerify() throws Exception {
        HttpResponse<String> missing = get("/bound/items", null);
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(reason(missing)).isEqualTo("missing_ect");
        assertThat(get("/bound/optional", null).statusCode()).isEqualTo(200);
        assertThat(scopedRequests).isEmpty();
        assertThat(verifications).isEmpty();
    }

    @Test
    @DisplayName("T-06: a request scope that throws, or returns null, is 503 verification_unavailable, never an accept; nothing recorded")
    void aFailingRequestScopeFailsClosed() throws Exception {
        int replayCalls = replay.calls.get();
        long entries = ledger.size();
        for (String path : List.of("/throwing/x", "/null/x")) {
            HttpResponse<String> r = get(path, token(a, "GET " + path));
            assertThat(r.statusCode()).as(path).isEqualTo(503);
            assertThat(reason(r)).isEqualTo(EctFilter.VERIFICATION_UNAVAILABLE);
            assertThat(r.body()).doesNotContain("scope failed");
        }
        assertThat(served).hasValue(0);
        assertThat(verifications).isEmpty(); // the verifier was never asked
        assertThat(replay.calls).hasValue(replayCalls);
        assertThat(ledger.size()).isEqualTo(entries);
    }

    @Test
    @DisplayName("T-09: a second filter instance runs its own request scope on an ECT the first accepted (verifyAgain with the scope), before its own records")
    void aSecondInstanceRunsItsRequestScopeOnAnAcceptedEct() throws Exception {
        int calls = replayOfSecond.calls.get();
        HttpResponse<String> refused = get("/twice/delete", token(a, "GET /twice/read"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(reason(refused)).isEqualTo("invalid_claim");
        assertThat(scopedRequests).containsExactly("/twice/delete");
        assertThat(verifications).extracting(VerificationEvent::outcome).containsExactly("ok"); // the first instance accepted it
        assertThat(replayOfSecond.calls).hasValue(calls);
        assertThat(ledgerOfSecond.size()).isZero();
        assertThat(served).hasValue(0);
        HttpResponse<String> ok = get("/twice/read", token(a, "GET /twice/read"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(replayOfSecond.calls).hasValue(calls + 1);
        assertThat(ledgerOfSecond.size()).isEqualTo(1);
        assertThat(served).hasValue(1);
    }
}
