package dev.ect.httpclient;

import dev.ect.core.client.EctResponseRejectedException;
import dev.ect.core.client.AudienceResolver;
import static dev.ect.httpclient.Agents.A;
import static dev.ect.httpclient.Agents.B;
import static dev.ect.httpclient.Agents.C;
import static dev.ect.httpclient.Agents.CLOCK;
import static dev.ect.httpclient.Agents.SIGNER_B;
import static dev.ect.httpclient.Agents.hostPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.context.TaskContext;
import dev.ect.core.dag.EctStore;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.replay.ReplayStore;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Response ECTs (T-08) and the frontier they drive (F-03), for send and sendAsync. */
@SuppressWarnings("try") // scopes are opened for their effect: the variable is unused by design
class ResponseEctTest {
    private static final String BEFORE = UUID.randomUUID().toString();
    private final MockWebServer server = new MockWebServer();
    private final HttpClient base = Agents.base();

    @BeforeEach
    void start() throws IOException {
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static EctVerifier.Builder responseVerifier() {
        return EctVerifier.builder().verifierId(A).keySource(Agents.KEYS).clock(CLOCK);
    }

    private EctHttpClient client(EctVerifier verifier) {
        EctHttp.Builder b = EctHttp.builder(Agents.SIGNER_A, A).audience(AudienceResolver.byHost(Map.of(hostPort(server), B)));
        if (verifier != null) {
            b.responseVerifier(verifier);
        }
        return b.build().wrap(base);
    }

    private EctHttpClient client() {
        return client(responseVerifier().ectStore(EctHttp.mintedEctStore()).build());
    }

    private Agents.PeerB peer(Function<Ect, MockResponse> respond) {
        Agents.PeerB p = respond == null ? Agents.PeerB.answering() : new Agents.PeerB(respond);
        server.setDispatcher(p);
        return p;
    }

    private String call(EctHttpClient client, String path) throws IOException, InterruptedException {
        return client.send(Agents.get(server, path), BodyHandlers.ofString()).body();
    }

    private static MockResponse withEct(String token) {
        return new MockResponse.Builder().addHeader(EctHttp.HEADER, token).body("ok").build();
    }

    // ---- F-03 frontier math ----

    @Test
    @DisplayName("F-03, T-08: sequential calls form a chain through verified response ECTs")
    void sequentialCallsFormAChainThroughResponseEcts() throws Exception {
        Agents.PeerB peer = peer(null);
        EctHttpClient client = client();
        TaskContext ctx = TaskContext.root();
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            call(client, "/1");
            String r1 = peer.answered.get(0).ect().jti();
            assertThat(ctx.frontier()).containsExactly(r1); // F-03: R replaces O.pred
            call(client, "/2");
            assertThat(peer.received.get(1).ect().pred()).containsExactly(r1); // M-04
            assertThat(ctx.frontier()).containsExactly(peer.answered.get(1).ect().jti());
        }
        assertThat(peer.received.get(0).ect().pred()).isEmpty();
        assertThat(peer.received).allSatisfy(v -> assertThat(v.ect().wid()).isEqualTo(ctx.wid()));
    }

    @Test
    @DisplayName("F-03: without a response ECT the sent task joins the frontier")
    void withoutAResponseEctTheSentTaskJoinsTheFrontier() throws Exception {
        Agents.PeerB peer = peer(in -> new MockResponse.Builder().body("plain").build());
        EctHttpClient client = client();
        TaskContext ctx = TaskContext.root();
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            call(client, "/1");
            String o1 = peer.received.get(0).ect().jti();
            assertThat(ctx.frontier()).containsExactly(o1);
            call(client, "/2");
            assertThat(peer.received.get(1).ect().pred()).containsExactly(o1);
        }
    }

    @Test
    @DisplayName("F-02, F-03, M-04 (profile section 11): two sendAsync from one frontier, both answered, fan in to the third call's pred")
    void twoAsyncCallsFromOneFrontierFanInToTheNextCall() throws Exception {
        Agents.PeerB peer = peer(null);
        EctHttpClient client = client();
        TaskContext ctx = TaskContext.root();
        String inbound = UUID.randomUUID().toString();
        ctx.resetFrontier(List.of(inbound)); // the orchestrator's inbound task A
        CompletableFuture<HttpResponse<String>> toB;
        CompletableFuture<HttpResponse<String>> toC;
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            toB = client.sendAsync(Agents.get(server, "/b"), BodyHandlers.ofString());
            toC = client.sendAsync(Agents.get(server, "/c"), BodyHandlers.ofString());
        }
        CompletableFuture.allOf(toB, toC).get(20, TimeUnit.SECONDS);
        assertThat(toB.get().statusCode()).isEqualTo(200);
        assertThat(toC.get().statusCode()).isEqualTo(200);
        assertThat(peer.received).hasSize(2).allSatisfy(v -> assertThat(v.ect().pred()).containsExactly(inbound));
        List<String> answers = peer.answered.stream().map(a -> a.ect().jti()).toList();
        assertThat(ctx.frontier()).containsExactlyInAnyOrderElementsOf(answers); // b and c
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            call(client, "/d");
        }
        assertThat(peer.received.get(2).ect().pred()).containsExactlyInAnyOrderElementsOf(answers); // D: pred [b, c]
        assertThat(ctx.frontier()).containsExactly(peer.answered.get(2).ect().jti());
    }

    @Test
    @DisplayName("F-03 [P]: an error answer without a response ECT leaves the frontier alone")
    void anErrorAnswerWithoutAResponseEctLeavesTheFrontierAlone() throws Exception {
        peer(in -> new MockResponse.Builder().code(403).addHeader("Content-Type", "application/problem+json")
                .body("{\"ect_error\":\"dag_unknown_predecessor\"}").build());
        TaskContext ctx = TaskContext.root();
        ctx.resetFrontier(List.of(BEFORE));
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            call(client(), "/refused");
        }
        assertThat(ctx.frontier()).containsExactly(BEFORE);
    }

    @Test
    @DisplayName("F-03: an error answer with a valid response ECT still counts")
    void anErrorAnswerWithAValidResponseEctStillCounts() throws Exception {
        AtomicReference<String> answer = new AtomicReference<>();
        peer(in -> {
            SignedEct r = SIGNER_B.mint(Agents.responseFor(in).build());
            answer.set(r.ect().jti());
            return new MockResponse.Builder().code(500).addHeader(EctHttp.HEADER, r.compact()).build();
        });
        TaskContext ctx = TaskContext.root();
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            call(client(), "/500");
        }
        assertThat(ctx.frontier()).containsExactly(answer.get());
    }

    @Test
    @DisplayName("T-08: without a response verifier, response ECTs are ignored (not trusted)")
    void withoutAResponseVerifierResponseEctsAreIgnored() throws Exception {
        Agents.PeerB peer = peer(null);
        TaskContext ctx = TaskContext.root();
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            call(client(null), "/1");
        }
        assertThat(ctx.frontier()).containsExactly(peer.received.get(0).ect().jti());
    }

    // ---- T-08: a bad response ECT fails the call with an IOException naming the reason ----

    /** A body handler that records whether the application ever saw the body. */
    private static final class Watching {
        final AtomicInteger applied = new AtomicInteger();
        final BodyHandler<String> handler = info -> {
            applied.incrementAndGet();
            return BodyHandlers.ofString().apply(info);
        };
    }

    private void assertRejected(EctHttpClient client, ReasonCode reason) throws Exception {
        TaskContext ctx = TaskContext.root();
        ctx.resetFrontier(List.of(BEFORE));
        Watching sync = new Watching();
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            assertThatThrownBy(() -> client.send(Agents.get(server, "/bad"), sync.handler))
                    .isInstanceOfSatisfying(EctResponseRejectedException.class, e -> {
                        assertThat(e.reason()).isEqualTo(reason);
                        assertThat(e.getMessage()).contains(reason.code());
                    });
        }
        // async: the future completes exceptionally with the same exception type and reason
        Watching async = new Watching();
        CompletableFuture<HttpResponse<String>> f;
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            f = client.sendAsync(Agents.get(server, "/bad"), async.handler);
        }
        assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(EctResponseRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
        assertThat(ctx.frontier()).containsExactly(BEFORE); // a failed call does not move the frontier
        assertThat(sync.applied).hasValue(0); // the refused answer's body never reached the application
        assertThat(async.applied).hasValue(0);
    }

    @Test
    @DisplayName("T-08: a malformed response ECT fails the call: malformed_token")
    void aMalformedResponseEctFailsTheCall() throws Exception {
        peer(in -> withEct("not-a-token"));
        assertRejected(client(), ReasonCode.MALFORMED_TOKEN);
    }

    @Test
    @DisplayName("T-08: a forged response ECT (right kid, another key) is refused: invalid_signature, sync and async")
    void aForgedResponseEctIsRefused() throws Exception {
        EctSigner impostor = EctSigner.builder(EctKeys.generate("b-1")).clock(CLOCK).build();
        peer(in -> withEct(impostor.sign(Agents.responseFor(in).build())));
        assertRejected(client(), ReasonCode.INVALID_SIGNATURE);
    }

    @Test
    @DisplayName("T-08: a response ECT for another audience fails the call: audience_mismatch")
    void aResponseEctForAnotherAudienceFailsTheCall() throws Exception {
        peer(in -> withEct(SIGNER_B.sign(Agents.responseFor(in).aud(C).build())));
        assertRejected(client(), ReasonCode.AUDIENCE_MISMATCH);
    }

    @Test
    @DisplayName("T-08: an expired response ECT fails the call: expired")
    void anExpiredResponseEctFailsTheCall() throws Exception {
        EctSigner old = EctSigner.builder(Agents.KEY_B).clock(Clock.offset(CLOCK, Duration.ofHours(-2))).build();
        peer(in -> withEct(old.sign(Agents.responseFor(in).build())));
        assertRejected(client(), ReasonCode.EXPIRED);
    }

    @Test
    @DisplayName("T-02, T-08: two response ECTs fail the call: multiple_ects")
    void twoResponseEctsFailTheCall() throws Exception {
        peer(in -> new MockResponse.Builder().addHeader(EctHttp.HEADER, SIGNER_B.sign(Agents.responseFor(in).build()))
                .addHeader(EctHttp.HEADER, SIGNER_B.sign(Agents.responseFor(in).build())).build());
        assertRejected(client(), ReasonCode.MULTIPLE_ECTS);
    }

    @Test
    @DisplayName("T-08, F-03: a response ECT that does not name the request's task is refused before consuming its jti: invalid_claim")
    void aResponseEctThatDoesNotNameTheRequestsTaskIsRefused() throws Exception {
        AtomicInteger recorded = new AtomicInteger();
        ReplayStore counting = (iss, wid, jti, keepUntil) -> {
            recorded.incrementAndGet();
            return true;
        };
        peer(in -> withEct(SIGNER_B.sign(Agents.responseFor(in).pred(UUID.randomUUID().toString()).build())));
        EctVerifier v = responseVerifier().ectStore(EctHttp.mintedEctStore()).settings(EctSettings.builder().allowUnresolvedPredecessors(true).build())
                .replayStore(counting).build();
        assertRejected(client(v), ReasonCode.INVALID_CLAIM);
        assertThat(recorded).hasValue(0);
    }

    @Test
    @DisplayName("F-03 a response ECT reusing the request's jti with pred [] fails the call and consumes nothing")
    void f03AResponseEctReusingTheRequestsJtiIsRefused() throws Exception {
        // the attack: R.jti = O.jti and pred [], in another workflow. G-01's own lookup of R.jti finds O
        // among the minted tokens; if that lookup counted as "R descends from O", the call would succeed
        // and O's id would re-enter the frontier in place of the server's task
        AtomicInteger recorded = new AtomicInteger();
        ReplayStore counting = (iss, wid, jti, keepUntil) -> {
            recorded.incrementAndGet();
            return true;
        };
        peer(in -> withEct(SIGNER_B.sign(Agents.responseFor(in).jti(in.jti()).pred(List.of())
                .wid(UUID.randomUUID().toString()).build())));
        EctVerifier v = responseVerifier().ectStore(EctHttp.mintedEctStore()).replayStore(counting).build();
        assertRejected(client(v), ReasonCode.INVALID_CLAIM);
        assertThat(recorded).hasValue(0);
    }

    @Test
    @DisplayName("F-03 a response ECT reusing the request's jti in the same workflow fails the call")
    void f03AResponseEctReusingTheRequestsJtiInTheSameWorkflowIsRefused() throws Exception {
        // the same attack in the request's workflow: G-01 is per issuer (iss, wid, jti), so B's reuse of
        // A's task id passes G-01 and only the F-03 check refuses it
        peer(in -> withEct(SIGNER_B.sign(Agents.responseFor(in).jti(in.jti()).pred(List.of()).build())));
        assertRejected(client(), ReasonCode.INVALID_CLAIM);
    }

    @Test
    @DisplayName("F-03, F-04: a response ECT descending from the request through the server's own calls is accepted")
    void aResponseEctThatDescendsFromTheRequestThroughTheServersOwnCallsIsAccepted() throws Exception {
        Map<String, SignedEct> shared = new java.util.concurrent.ConcurrentHashMap<>();
        EctSigner signerC = EctSigner.builder(Agents.KEY_C).clock(CLOCK).build();
        AtomicReference<String> answer = new AtomicReference<>();
        peer(in -> {
            SignedEct toC = SIGNER_B.mint(Ect.builder().iss(B).aud(C).execAct("sub").pred(in.jti()).wid(in.wid()).build());
            SignedEct fromC = signerC.mint(Ect.builder().iss(C).aud(B).execAct("answer").pred(toC.ect().jti()).wid(in.wid()).build());
            shared.put(toC.ect().jti(), toC);
            shared.put(fromC.ect().jti(), fromC);
            SignedEct r = SIGNER_B.mint(Agents.responseFor(in).pred(fromC.ect().jti()).build());
            answer.set(r.ect().jti());
            return withEct(r.compact());
        });
        EctStore ledgerLike = jti -> shared.containsKey(jti) ? List.of(shared.get(jti)) : List.of();
        EctHttpClient client = client(responseVerifier().ectStore(EctHttp.mintedEctStore(ledgerLike)).build());
        TaskContext ctx = TaskContext.root();
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            call(client, "/deep");
        }
        assertThat(ctx.frontier()).containsExactly(answer.get());
    }

    @Test
    @DisplayName("F-03: the response verifier's DAG check resolves the sent ECT from the minted tokens; without them: dag_unknown_predecessor")
    void theDagCheckResolvesTheSentEctFromTheMintedTokens() throws Exception {
        peer(null);
        assertRejected(client(responseVerifier().ectStore(EctStore.empty()).build()), ReasonCode.DAG_UNKNOWN_PREDECESSOR);
        AtomicInteger fallbackLookups = new AtomicInteger();
        EctStore fallback = jti -> {
            fallbackLookups.incrementAndGet();
            return List.of();
        };
        call(client(responseVerifier().ectStore(EctHttp.mintedEctStore(fallback)).build()), "/good");
        assertThat(fallbackLookups.get()).isPositive();
        assertThat(EctHttp.mintedEctStore().findByJti(UUID.randomUUID().toString())).isEmpty();
    }

    @Test
    @DisplayName("T-06, T-08: an unavailable ledger in the response verifier fails the call with ledger_unavailable")
    void anUnavailableLedgerFailsTheCallWithA503Reason() throws Exception {
        AuditLedger down = new AuditLedger() {
            @Override
            public LedgerEntry append(SignedEct token) {
                throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "disk full");
            }

            @Override
            public List<LedgerEntry> entries(long fromSeq, int limit) { return List.of(); }

            @Override
            public List<LedgerEntry> findEntries(String jti) { return List.of(); }

            @Override
            public List<LedgerEntry> entriesOfWorkflow(String wid) { return List.of(); }
        };
        peer(null);
        assertRejected(client(responseVerifier().ectStore(EctHttp.mintedEctStore()).ledger(down).build()), ReasonCode.LEDGER_UNAVAILABLE);
    }

    @Test
    @DisplayName("T-08: a verifier that throws something else still fails the call with an IOException")
    void aVerifierThatThrowsSomethingElseStillFailsTheCall() {
        peer(null);
        EctVerifier broken = new EctVerifier() {
            @Override
            public dev.ect.core.VerifiedEct verify(String token) { throw new IllegalStateException("boom"); }

            @Override
            public dev.ect.core.VerifiedEct check(String token) { throw new IllegalStateException("boom"); }

            @Override
            public String verifierId() { return A; }

            @Override
            public dev.ect.core.EctSettings settings() { return dev.ect.core.EctSettings.defaults(); }
        };
        assertThatThrownBy(() -> call(client(broken), "/x")).isInstanceOfSatisfying(EctResponseRejectedException.class, e -> {
            assertThat(e.reason()).isNull();
            assertThat(e.ruleId()).isEqualTo("T-08");
            assertThat(e.getMessage()).contains("boom");
        });
    }
}
