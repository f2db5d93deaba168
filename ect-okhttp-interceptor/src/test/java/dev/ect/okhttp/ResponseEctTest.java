package dev.ect.okhttp;

import dev.ect.core.client.EctResponseRejectedException;
import static dev.ect.okhttp.Agents.A;
import static dev.ect.okhttp.Agents.B;
import static dev.ect.okhttp.Agents.C;
import static dev.ect.okhttp.Agents.CLOCK;
import static dev.ect.okhttp.Agents.SIGNER_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctSettings;
import dev.ect.core.SignedEct;
import dev.ect.core.EctSigner;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.client.internal.MintedTaskIds;
import dev.ect.core.context.TaskContext;
import dev.ect.core.dag.EctStore;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.replay.ReplayStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Response ECTs (T-08) and the frontier they drive (F-03). */
@SuppressWarnings("try") // scopes are opened for their effect: the variable is unused by design
class ResponseEctTest {
    private static final String BEFORE = UUID.randomUUID().toString();
    private final MockWebServer server = new MockWebServer();
    private final OkHttpClient base = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(20)).build();

    @BeforeEach
    void start() throws IOException {
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private AudienceResolver toB() {
        return AudienceResolver.byHost(Map.of(server.getHostName() + ":" + server.getPort(), B));
    }

    private static EctVerifier.Builder responseVerifier() {
        return EctVerifier.builder().verifierId(A).keySource(Agents.KEYS).clock(CLOCK);
    }

    private OkHttpClient client(EctVerifier verifier) {
        EctOkHttp.Builder b = EctOkHttp.builder(Agents.SIGNER_A, A).audience(toB());
        if (verifier != null) {
            b.responseVerifier(verifier);
        }
        return b.build().wrap(base);
    }

    private OkHttpClient client() {
        return client(responseVerifier().ectStore(EctOkHttp.mintedEctStore()).build());
    }

    private Agents.PeerB peer(Function<Ect, MockResponse> respond) {
        Agents.PeerB p = respond == null ? Agents.PeerB.answering() : new Agents.PeerB(respond);
        server.setDispatcher(p);
        return p;
    }

    private Request get(String path) {
        return new Request.Builder().url(server.url(path)).build();
    }

    private static void call(OkHttpClient client, Request r) throws IOException {
        try (Response resp = client.newCall(r).execute()) {
            resp.body().string();
        }
    }

    private static MockResponse withEct(String token) {
        return new MockResponse.Builder().addHeader(EctOkHttp.HEADER, token).body("ok").build();
    }

    // ---- F-03 frontier math ----

    @Test
    void sequentialCallsFormAChainThroughResponseEcts() throws Exception {
        Agents.PeerB peer = peer(null);
        OkHttpClient client = client();
        TaskContext ctx = TaskContext.root();
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            call(client, get("/1"));
            String r1 = peer.answered.get(0).ect().jti();
            assertThat(ctx.frontier()).containsExactly(r1); // F-03: R replaces O.pred
            call(client, get("/2"));
            assertThat(peer.received.get(1).ect().pred()).containsExactly(r1);
            assertThat(ctx.frontier()).containsExactly(peer.answered.get(1).ect().jti());
        }
        assertThat(peer.received.get(0).ect().pred()).isEmpty();
        assertThat(peer.received).allSatisfy(v -> assertThat(v.ect().wid()).isEqualTo(ctx.wid()));
    }

    @Test
    void withoutAResponseEctTheSentTaskJoinsTheFrontier() throws Exception {
        Agents.PeerB peer = peer(in -> new MockResponse.Builder().body("plain").build());
        OkHttpClient client = client();
        TaskContext ctx = TaskContext.root();
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            call(client, get("/1"));
            String o1 = peer.received.get(0).ect().jti();
            assertThat(ctx.frontier()).containsExactly(o1); // F-03: O takes R's place
            call(client, get("/2"));
            assertThat(peer.received.get(1).ect().pred()).containsExactly(o1);
        }
    }

    @Test
    void parallelCallsFromOneFrontierFanIn() throws Exception {
        // profile section 11 example: calls to B and C from frontier {A} answered b, c; the next call has pred [b, c]
        Agents.PeerB peer = peer(null);
        OkHttpClient client = client();
        TaskContext ctx = TaskContext.root();
        String inbound = UUID.randomUUID().toString();
        ctx.resetFrontier(List.of(inbound));
        EctOkHttpTest.Outcome first;
        EctOkHttpTest.Outcome second;
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            first = EctOkHttpTest.enqueue(client.newCall(get("/b")));
            second = EctOkHttpTest.enqueue(client.newCall(get("/c")));
        }
        first.await();
        second.await();
        assertThat(first.code).isEqualTo(200);
        assertThat(second.code).isEqualTo(200);
        assertThat(peer.received).allSatisfy(v -> assertThat(v.ect().pred()).containsExactly(inbound));
        List<String> answers = peer.answered.stream().map(a -> a.ect().jti()).toList();
        assertThat(ctx.frontier()).containsExactlyInAnyOrderElementsOf(answers);
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            call(client, get("/d"));
        }
        assertThat(peer.received.get(2).ect().pred()).containsExactlyInAnyOrderElementsOf(answers);
    }

    @Test
    void anErrorAnswerWithoutAResponseEctLeavesTheFrontierAlone() throws Exception {
        // [P] refinement of F-03: a refused (403) or failed (5xx) request is not a dependency of later work
        peer(in -> new MockResponse.Builder().code(403).addHeader("Content-Type", "application/problem+json")
                .body("{\"ect_error\":\"dag_unknown_predecessor\"}").build());
        OkHttpClient client = client();
        TaskContext ctx = TaskContext.root();
        ctx.resetFrontier(List.of(BEFORE));
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            call(client, get("/refused"));
        }
        assertThat(ctx.frontier()).containsExactly(BEFORE);
    }

    @Test
    void anErrorAnswerWithAValidResponseEctStillCounts() throws Exception {
        AtomicReference<String> answer = new AtomicReference<>();
        peer(in -> {
            var r = SIGNER_B.mint(Agents.responseFor(in).build());
            answer.set(r.ect().jti());
            return new MockResponse.Builder().code(500).addHeader(EctOkHttp.HEADER, r.compact()).build();
        });
        OkHttpClient client = client();
        TaskContext ctx = TaskContext.root();
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            call(client, get("/500"));
        }
        assertThat(ctx.frontier()).containsExactly(answer.get());
    }

    @Test
    void withoutAResponseVerifierResponseEctsAreIgnored() throws Exception {
        Agents.PeerB peer = peer(null);
        OkHttpClient client = client(null);
        TaskContext ctx = TaskContext.root();
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            call(client, get("/1"));
        }
        assertThat(ctx.frontier()).containsExactly(peer.received.get(0).ect().jti());
    }

    // ---- T-08: a bad response ECT fails the call with an IOException naming the reason ----

    private void assertRejected(OkHttpClient client, ReasonCode reason) {
        assertRejected(client, reason, null);
    }

    private void assertRejected(OkHttpClient client, ReasonCode reason, String ruleId) {
        TaskContext ctx = TaskContext.root();
        ctx.resetFrontier(List.of(BEFORE));
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            assertThatThrownBy(() -> call(client, get("/bad")))
                    .isInstanceOfSatisfying(EctResponseRejectedException.class, e -> {
                        assertThat(e.reason()).isEqualTo(reason);
                        assertThat(e.getMessage()).contains(reason.code());
                        if (ruleId != null) {
                            assertThat(e.ruleId()).isEqualTo(ruleId);
                        }
                    });
        }
        assertThat(ctx.frontier()).containsExactly(BEFORE); // a failed call does not move the frontier
    }

    @Test
    void aMalformedResponseEctFailsTheCall() {
        peer(in -> withEct("not-a-token"));
        assertRejected(client(), ReasonCode.MALFORMED_TOKEN);
    }

    @Test
    void aResponseEctWithAForgedSignatureFailsTheCall() {
        EctSigner impostor = EctSigner.builder(EctKeys.generate("b-1")).clock(CLOCK).build();
        peer(in -> withEct(impostor.sign(Agents.responseFor(in).build())));
        assertRejected(client(), ReasonCode.INVALID_SIGNATURE);
    }

    @Test
    void aResponseEctForAnotherAudienceFailsTheCall() {
        peer(in -> withEct(SIGNER_B.sign(Agents.responseFor(in).aud(C).build())));
        assertRejected(client(), ReasonCode.AUDIENCE_MISMATCH);
    }

    @Test
    void anExpiredResponseEctFailsTheCall() {
        EctSigner old = EctSigner.builder(Agents.KEY_B).clock(Clock.offset(CLOCK, Duration.ofHours(-2))).build();
        peer(in -> withEct(old.sign(Agents.responseFor(in).build())));
        assertRejected(client(), ReasonCode.EXPIRED);
    }

    @Test
    @DisplayName("T-01 a response Execution-Context value with a leading NUL or control character is malformed")
    void t01AResponseValueWithALeadingControlCharacterIsMalformed() {
        // the filter's rule (RFC 9110 OWS: SP and HTAB only) on the response side too; String.trim()
        // used to strip the NUL and accept the token inside
        peer(in -> new MockResponse.Builder().addHeaderLenient(EctOkHttp.HEADER, "\u0000" + SIGNER_B.sign(Agents.responseFor(in).build()))
                .body("ok").build());
        assertRejected(client(), ReasonCode.MALFORMED_TOKEN);
        peer(in -> new MockResponse.Builder().addHeaderLenient(EctOkHttp.HEADER, SIGNER_B.sign(Agents.responseFor(in).build()) + "\u0001")
                .body("ok").build());
        assertRejected(client(), ReasonCode.MALFORMED_TOKEN);
    }

    @Test
    @DisplayName("T-01 SP and HTAB around a response Execution-Context value are trimmed")
    void t01SpacesAndTabsAroundAResponseValueAreTrimmed() throws Exception {
        AtomicReference<String> answer = new AtomicReference<>();
        peer(in -> {
            var r = SIGNER_B.mint(Agents.responseFor(in).build());
            answer.set(r.ect().jti());
            return new MockResponse.Builder().addHeaderLenient(EctOkHttp.HEADER, " \t" + r.compact() + "\t ").body("ok").build();
        });
        TaskContext ctx = TaskContext.root();
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            call(client(), get("/ows"));
        }
        assertThat(ctx.frontier()).containsExactly(answer.get());
    }

    @Test
    void twoResponseEctsFailTheCall() {
        // T-02
        peer(in -> new MockResponse.Builder().addHeader(EctOkHttp.HEADER, SIGNER_B.sign(Agents.responseFor(in).build()))
                .addHeader(EctOkHttp.HEADER, SIGNER_B.sign(Agents.responseFor(in).build())).build());
        assertRejected(client(), ReasonCode.MULTIPLE_ECTS);
    }

    @Test
    void aResponseEctThatDoesNotNameTheRequestsTaskFailsTheCallWithoutConsumingItsJti() {
        // T-08 / F-03: pred must contain O's jti; checked before verify()'s side effects (replay record, ledger)
        AtomicInteger recorded = new AtomicInteger();
        ReplayStore counting = (iss, wid, jti, keepUntil) -> {
            recorded.incrementAndGet();
            return true;
        };
        peer(in -> withEct(SIGNER_B.sign(Agents.responseFor(in).pred(UUID.randomUUID().toString()).build())));
        EctVerifier v = responseVerifier().ectStore(EctOkHttp.mintedEctStore()).settings(EctSettings.builder().allowUnresolvedPredecessors(true).build())
                .replayStore(counting).build();
        assertRejected(client(v), ReasonCode.INVALID_CLAIM);
        assertThat(recorded).hasValue(0);
    }

    @Test
    @DisplayName("F-03 a response ECT reusing the request's jti with pred [] fails the call and consumes nothing")
    void f03AResponseEctReusingTheRequestsJtiIsRefused() {
        // the attack: R.jti = O.jti and pred [], in another workflow so that today's G-01 (per wid)
        // does not stop it. G-01's own lookup of R.jti found O among the minted tokens, which used
        // to count as "R descends from O": the call succeeded and O's id re-entered the frontier
        AtomicInteger recorded = new AtomicInteger();
        ReplayStore counting = (iss, wid, jti, keepUntil) -> {
            recorded.incrementAndGet();
            return true;
        };
        peer(in -> withEct(SIGNER_B.sign(Agents.responseFor(in).jti(in.jti()).pred(List.of())
                .wid(UUID.randomUUID().toString()).build())));
        EctVerifier v = responseVerifier().ectStore(EctOkHttp.mintedEctStore()).replayStore(counting).build();
        assertRejected(client(v), ReasonCode.INVALID_CLAIM, "F-03");
        assertThat(recorded).hasValue(0);
    }

    @Test
    @DisplayName("F-03 a response ECT reusing the request's jti in the same workflow fails the call")
    void f03AResponseEctReusingTheRequestsJtiInTheSameWorkflowIsRefused() {
        // same attack in the request's workflow. G-01 is per issuer (iss, wid, jti), so B's reuse of A's
        // task id passes G-01: it is the F-03 check that must refuse it
        peer(in -> withEct(SIGNER_B.sign(Agents.responseFor(in).jti(in.jti()).pred(List.of()).build())));
        TaskContext ctx = TaskContext.root();
        ctx.resetFrontier(List.of(BEFORE));
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            assertThatThrownBy(() -> call(client(), get("/same"))).isInstanceOfSatisfying(EctResponseRejectedException.class, e -> {
                assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_CLAIM);
                assertThat(e.ruleId()).isEqualTo("F-03");
            });
        }
        assertThat(ctx.frontier()).containsExactly(BEFORE);
    }

    @Test
    @DisplayName("F-03 a response ECT reusing a task id the context recorded as minted fails the call")
    void f03AResponseEctReusingATaskIdTheContextMintedIsRefused() {
        // another task id this client minted (recorded in the task context), in another workflow, pred [O]
        // would pass every DAG rule; F-03 still refuses it
        Ect other = Agents.SIGNER_A.mint(Ect.builder().iss(A).aud(B).execAct("earlier").build()).ect();
        peer(in -> withEct(SIGNER_B.sign(Agents.responseFor(in).jti(other.jti()).build())));
        TaskContext ctx = TaskContext.root();
        MintedTaskIds.record(ctx, other.jti()); // as an integration records what it mints in the context
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            assertThatThrownBy(() -> call(client(), get("/other"))).isInstanceOfSatisfying(EctResponseRejectedException.class, e -> {
                assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_CLAIM);
                assertThat(e.ruleId()).isEqualTo("F-03");
                assertThat(e.getMessage()).contains("invalid_claim").contains(other.jti());
            });
        }
    }

    @Test
    @DisplayName("F-03 a response ECT taking the jti of an earlier attempt of the same call fails the call")
    void f03AResponseEctTakingAnEarlierAttemptsJtiIsRefused() throws Exception {
        // two attempts (an interceptor that proceeds twice); the second answer takes the first attempt's
        // task id and names the second attempt in pred: linked, but its jti is one the client minted
        AtomicReference<String> firstJti = new AtomicReference<>();
        peer(in -> {
            if (firstJti.compareAndSet(null, in.jti())) {
                return new MockResponse.Builder().body("plain").build();
            }
            return withEct(SIGNER_B.sign(Agents.responseFor(in).jti(firstJti.get()).build()));
        });
        OkHttpClient twice = base.newBuilder().addInterceptor(chain -> {
            chain.proceed(chain.request()).close();
            return chain.proceed(chain.request());
        }).build();
        EctVerifier v = responseVerifier().ectStore(EctOkHttp.mintedEctStore()).build();
        OkHttpClient client = EctOkHttp.builder(Agents.SIGNER_A, A).audience(toB()).responseVerifier(v).build().wrap(twice);
        // same workflow, another issuer: G-01 (per issuer) lets it through, F-03 refuses it
        assertThatThrownBy(() -> call(client, get("/twice"))).isInstanceOfSatisfying(EctResponseRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_CLAIM);
            assertThat(e.ruleId()).isEqualTo("F-03");
        });
    }

    @Test
    void aResponseEctThatDescendsFromTheRequestThroughTheServersOwnCallsIsAccepted() throws Exception {
        // F-04: B called C before answering, so B's answer has pred [C's answer], whose ancestry holds our task
        Map<String, SignedEct> shared = new java.util.concurrent.ConcurrentHashMap<>();
        EctSigner signerC = EctSigner.builder(Agents.KEY_C).clock(CLOCK).build();
        AtomicReference<String> answer = new AtomicReference<>();
        peer(in -> {
            SignedEct toC = Agents.SIGNER_B.mint(Ect.builder().iss(B).aud(C).execAct("sub").pred(in.jti()).wid(in.wid()).build());
            SignedEct fromC = signerC.mint(Ect.builder().iss(C).aud(B).execAct("answer").pred(toC.ect().jti()).wid(in.wid()).build());
            shared.put(toC.ect().jti(), toC);
            shared.put(fromC.ect().jti(), fromC);
            var r = SIGNER_B.mint(Agents.responseFor(in).pred(fromC.ect().jti()).build());
            answer.set(r.ect().jti());
            return withEct(r.compact());
        });
        EctStore ledgerLike = jti -> shared.containsKey(jti) ? List.of(shared.get(jti)) : List.of();
        OkHttpClient client = client(responseVerifier().ectStore(EctOkHttp.mintedEctStore(ledgerLike)).build());
        TaskContext ctx = TaskContext.root();
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            call(client, get("/deep"));
        }
        assertThat(ctx.frontier()).containsExactly(answer.get());
    }

    @Test
    void theResponseVerifiersDagCheckResolvesTheSentEctFromTheMintedTokens() throws Exception {
        // F-03: with a store that cannot see the tokens this agent minted, the strict DAG check refuses R
        peer(null);
        assertRejected(client(responseVerifier().ectStore(EctStore.empty()).build()), ReasonCode.DAG_UNKNOWN_PREDECESSOR);
        // the minted store makes the same response verify; a fallback store is consulted for the rest
        AtomicInteger fallbackLookups = new AtomicInteger();
        EctStore fallback = jti -> {
            fallbackLookups.incrementAndGet();
            return List.of();
        };
        OkHttpClient ok = client(responseVerifier().ectStore(EctOkHttp.mintedEctStore(fallback)).build());
        call(ok, get("/good"));
        assertThat(fallbackLookups.get()).isPositive(); // R's own jti (G-01) is looked up in the fallback
        assertThat(EctOkHttp.mintedEctStore().findByJti(UUID.randomUUID().toString())).isEmpty();
    }

    @Test
    void anAnswerReplayedForALaterAttemptIsRefusedAsUnlinked() throws Exception {
        // an attacker (or a confused server) presenting an earlier answer again: the answer names the earlier attempt
        AtomicReference<String> first = new AtomicReference<>();
        EctVerifier v = responseVerifier().ectStore(EctOkHttp.mintedEctStore()).build();
        peer(in -> {
            String t = SIGNER_B.sign(Agents.responseFor(in).build());
            first.compareAndSet(null, t);
            return withEct(first.get());
        });
        // the interceptor that proceeds twice sends two attempts; the server answers both with the first answer
        OkHttpClient twice = base.newBuilder().addInterceptor(chain -> {
            chain.proceed(chain.request()).close();
            return chain.proceed(chain.request());
        }).build();
        OkHttpClient client = EctOkHttp.builder(Agents.SIGNER_A, A).audience(toB()).responseVerifier(v).build().wrap(twice);
        // the second attempt has a new jti, so the replayed answer does not name it: refused before the replay check
        assertThatThrownBy(() -> call(client, get("/again"))).isInstanceOfSatisfying(EctResponseRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_CLAIM));
    }

    @Test
    void anUnavailableLedgerInTheResponseVerifierFailsTheCallWithA503Reason() {
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
        EctVerifier v = responseVerifier().ectStore(EctOkHttp.mintedEctStore()).ledger(down).build();
        assertRejected(client(v), ReasonCode.LEDGER_UNAVAILABLE);
    }

    @Test
    void aVerifierThatThrowsSomethingElseStillFailsTheCallWithAnIOException() {
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
        OkHttpClient client = client(broken);
        assertThatThrownBy(() -> call(client, get("/x"))).isInstanceOfSatisfying(EctResponseRejectedException.class, e -> {
            assertThat(e.reason()).isNull();
            assertThat(e.getMessage()).contains("boom");
        });
    }
}
