package dev.ect.core.client;

import dev.ect.core.EctSettings;
import static dev.ect.core.support.Fixtures.A;
import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.clock;
import static dev.ect.core.support.Fixtures.signerA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.VerificationListener;
import dev.ect.core.client.internal.Attempt;
import dev.ect.core.client.internal.ClientCall;
import dev.ect.core.client.internal.MintedTaskIds;
import dev.ect.core.client.internal.OutboundRequest;
import dev.ect.core.context.TaskContext;
import dev.ect.core.dag.EctStore;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.replay.ReplayStore;
import dev.ect.core.support.Fixtures;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The client support every HTTP client adapter runs on, on its own (no HTTP client): minting per
 * attempt (M-01..M-07, T-03), the policies, the response check (T-02, T-08, F-03) through one
 * verification with a validator, and the frontier fold.
 */
@SuppressWarnings("try") // scopes are opened for their effect
class ClientSupportTest {
    private static final EctKeyPair KEY_B = Fixtures.key(EctAlgorithm.ES256, "b-1");
    private static final EctSigner SIGNER_B = EctSigner.builder(KEY_B).clock(clock()).build();
    private static final URI TO_B = URI.create("https://b.internal:8443/v1/review?secret=1");

    /** A request of no particular HTTP client. */
    private record Req(String method, URI uri, List<String> ectHeaderValues, String body) implements OutboundRequest {
        Req(URI uri) { this("POST", uri, List.of(), null); }

        @Override
        public String defaultExecAct() { return method + " " + uri.getRawPath(); }

        @Override
        public String bodyHash() throws IOException {
            if (body == null) {
                return OutboundRequest.super.bodyHash();
            }
            return dev.ect.core.EctHashes.sha256(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static EctVerifier.Builder responses() {
        return EctVerifier.builder().verifierId(A).keySource(StaticKeySource.builder().key(B, KEY_B).build()).clock(clock())
                .listener(VerificationListener.noop());
    }

    private static EctClientConfig.Builder config() {
        return EctClientConfig.builder(signerA(), A).audience(AudienceResolver.byHost(Map.of("b.internal:8443", B)));
    }

    private static ClientCall call(EctClientConfig c) { return ClientCall.capture(c, LoggerFactory.getLogger(ClientSupportTest.class)); }

    /** B's answer to {@code sent}: aud A, pred [sent], its workflow. */
    private static SignedEct answer(Ect sent) {
        return SIGNER_B.mint(Ect.builder().iss(B).aud(A).execAct("reviewed").pred(sent.jti()).wid(sent.wid()).build());
    }

    @Test
    @DisplayName("M-04 M-05 M-06 one ECT per attempt: aud of the target, pred the captured frontier, the context's wid, a fresh jti")
    void mintsOneEctPerAttemptFromTheCapturedContext() throws Exception {
        TaskContext ctx = TaskContext.root();
        String before = UUID.randomUUID().toString();
        ctx.resetFrontier(List.of(before));
        ClientCall c;
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            c = call(config().build());
        }
        ctx.resetFrontier(List.of()); // F-02: later changes do not reach a call already made
        Attempt first = c.prepare(new Req(TO_B), null);
        Attempt second = c.prepare(new Req(TO_B), EctRequestOptions.builder().execAct("again").build());
        assertThat(first.action()).isEqualTo(Attempt.Action.SEND_WITH_ECT);
        assertThat(first.sent().aud()).containsExactly(B);
        assertThat(first.sent().pred()).containsExactly(before);
        assertThat(first.sent().wid()).isEqualTo(ctx.wid());
        assertThat(first.sent().execAct()).isEqualTo("POST /v1/review");
        assertThat(second.sent().execAct()).isEqualTo("again");
        assertThat(second.sent().jti()).isNotEqualTo(first.sent().jti()); // M-01
        assertThat(c.captured()).isSameAs(ctx);
        assertThat(c.isOwnToken(first.header())).isTrue();
    }

    @Test
    @DisplayName("M-04 M-06 T-03 the policies: none(), an existing header, no context, no audience, the header budget")
    void thePoliciesDecideWhatAnAttemptSends() throws Exception {
        EctClientConfig defaults = config().build();
        ClientCall c = call(defaults); // no context current: ROOT_TASK
        assertThat(c.prepare(new Req(TO_B), EctRequestOptions.none()).action()).isEqualTo(Attempt.Action.PASS_THROUGH);
        Req withForeign = new Req("GET", TO_B, List.of("the-applications-own"), null);
        assertThat(c.prepare(withForeign, null).action()).isEqualTo(Attempt.Action.PASS_THROUGH);
        Attempt own = c.prepare(new Req(TO_B), null);
        // a follow-up carrying this call's own earlier token is not "foreign": a fresh ECT replaces it
        assertThat(c.prepare(new Req("GET", TO_B, List.of(own.header()), null), null).minted()).isTrue();
        assertThat(own.sent().pred()).isEmpty();
        assertThat(call(config().existingHeader(ExistingHeader.REPLACE).build()).prepare(withForeign, null).minted()).isTrue();

        assertThat(call(config().missingContext(MissingContext.SKIP).build()).prepare(new Req(TO_B), null).action())
                .isEqualTo(Attempt.Action.SEND_WITHOUT_ECT);
        assertThatThrownBy(() -> call(config().missingContext(MissingContext.FAIL).build()).prepare(new Req(TO_B), null))
                .isInstanceOfSatisfying(EctMintingException.class, e -> assertThat(e.ruleId()).isEqualTo("M-04"));

        URI stranger = URI.create("http://[::1]:9/x");
        assertThatThrownBy(() -> c.prepare(new Req(stranger), null)).isInstanceOfSatisfying(EctMintingException.class, e -> {
            assertThat(e.ruleId()).isEqualTo("M-06");
            assertThat(e.getMessage()).contains("[::1]:9");
        });
        assertThat(call(config().unknownAudience(UnknownAudience.SKIP).build()).prepare(new Req(stranger), null).action())
                .isEqualTo(Attempt.Action.SEND_WITHOUT_ECT);
        assertThat(c.prepare(new Req(stranger), EctRequestOptions.builder().aud(C_ID).build()).sent().aud()).containsExactly(C_ID);

        assertThatThrownBy(() -> call(config().maxTokenBytes(64).build()).prepare(new Req(TO_B), null))
                .isInstanceOfSatisfying(EctMintingException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.TOKEN_TOO_LARGE);
                    assertThat(e.getMessage()).contains("header budget of 64").doesNotContain("secret");
                });
        AudienceResolver broken = uri -> {
            throw new IllegalStateException("directory down");
        };
        assertThatThrownBy(() -> call(EctClientConfig.builder(signerA(), A).audience(broken).build()).prepare(new Req(TO_B), null))
                .isInstanceOf(EctMintingException.class).hasMessageContaining("directory down");
    }

    private static final String C_ID = "spiffe://example.com/agent/c";

    @Test
    @DisplayName("C-09 inpHashFromBody hashes the body where the client can read it, and fails the call where it cannot")
    void inpHashFromBodyNeedsAReadableBody() throws Exception {
        ClientCall c = call(config().build());
        EctRequestOptions fromBody = EctRequestOptions.builder().inpHashFromBody().build();
        Attempt a = c.prepare(new Req("POST", TO_B, List.of(), "hello"), fromBody);
        assertThat(a.sent().inpHash()).isEqualTo(dev.ect.core.EctHashes.sha256("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> c.prepare(new Req(TO_B), fromBody)).isInstanceOf(EctMintingException.class)
                .hasMessageContaining("inpHash(");
    }

    @Test
    @DisplayName("T-08 F-03 a linked response ECT is verified once and moves the frontier; an error answer without one does not")
    void aLinkedAnswerIsVerifiedOnceAndFoldedIntoTheFrontier() throws Exception {
        AtomicInteger records = new AtomicInteger();
        ReplayStore counting = (iss, wid, jti, until) -> records.incrementAndGet() > 0;
        InMemoryLedger ledger = new InMemoryLedger();
        EctClientConfig cfg = config().responseVerifier(responses().ectStore(EctClientConfig.mintedEctStore(ledger))
                .ledger(ledger).replayStore(counting).build()).build();
        TaskContext ctx = TaskContext.root();
        ClientCall c;
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            c = call(cfg);
        }
        Req r = new Req(TO_B);
        Attempt a = c.prepare(r, null);
        SignedEct ans = answer(a.sent());
        String jti = c.checkResponse(a, r, List.of(" " + ans.compact() + "\t"));
        assertThat(jti).isEqualTo(ans.ect().jti());
        assertThat(records).hasValue(1); // one verification: one replay record
        assertThat(ledger.entries()).hasSize(1); // and one append; our own request is not in the ledger
        c.recordAnswer(a, jti, 200);
        c.applyLastAnswer();
        assertThat(ctx.frontier()).containsExactly(ans.ect().jti());
        c.applyLastAnswer(); // once
        assertThat(ctx.frontier()).containsExactly(ans.ect().jti());

        ClientCall refused;
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            refused = call(cfg);
        }
        Attempt b = refused.prepare(r, null);
        assertThat(refused.checkResponse(b, r, List.of())).isNull();
        refused.recordAnswer(b, null, 403);
        refused.applyLastAnswer();
        assertThat(ctx.frontier()).containsExactly(ans.ect().jti()); // a refused request is no dependency
    }

    @Test
    @DisplayName("F-03 T-08 an answer reusing a minted task id, or not descending from the request, is refused before any side effect")
    void f03UnlinkedOrSquattingAnswersAreRefusedBeforeTheSideEffects() throws Exception {
        AtomicInteger records = new AtomicInteger();
        ReplayStore counting = (iss, wid, jti, until) -> records.incrementAndGet() > 0;
        EctClientConfig cfg = config().responseVerifier(responses().ectStore(EctClientConfig.mintedEctStore())
                .settings(EctSettings.builder().allowUnresolvedPredecessors(true).build()).replayStore(counting).build()).build();
        ClientCall c = call(cfg);
        Req r = new Req(TO_B);
        Attempt a = c.prepare(r, null);
        SignedEct squat = SIGNER_B.mint(Ect.builder().iss(B).aud(A).execAct("x").jti(a.sent().jti().toUpperCase(java.util.Locale.ROOT))
                .wid(UUID.randomUUID().toString()).build());
        assertThatThrownBy(() -> c.checkResponse(a, r, List.of(squat.compact())))
                .isInstanceOfSatisfying(EctResponseRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_CLAIM);
                    assertThat(e.ruleId()).isEqualTo("F-03");
                });
        SignedEct unlinked = SIGNER_B.mint(Ect.builder().iss(B).aud(A).execAct("x").pred(UUID.randomUUID().toString())
                .wid(a.sent().wid()).build());
        assertThatThrownBy(() -> c.checkResponse(a, r, List.of(unlinked.compact())))
                .isInstanceOfSatisfying(EctResponseRejectedException.class, e -> {
                    assertThat(e.ruleId()).isEqualTo("T-08");
                    assertThat(e.getCause()).isInstanceOfSatisfying(dev.ect.core.EctException.class,
                            x -> assertThat(x.unverifiedJti()).contains(unlinked.ect().jti()));
                });
        assertThat(records).hasValue(0);
        assertThatThrownBy(() -> c.checkResponse(a, r, List.of(squat.compact(), unlinked.compact())))
                .isInstanceOfSatisfying(EctResponseRejectedException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.MULTIPLE_ECTS));
        // a context-recorded task id counts as minted too
        TaskContext ctx = TaskContext.root();
        Ect earlier = signerA().mint(Ect.builder().iss(A).aud(B).execAct("earlier").build()).ect();
        MintedTaskIds.record(ctx, earlier.jti());
        ClientCall inCtx;
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            inCtx = call(cfg);
        }
        Attempt b = inCtx.prepare(r, null);
        SignedEct takesEarlier = SIGNER_B.mint(Ect.builder().iss(B).aud(A).execAct("x").jti(earlier.jti()).pred(b.sent().jti())
                .wid(b.sent().wid()).build());
        assertThatThrownBy(() -> inCtx.checkResponse(b, r, List.of(takesEarlier.compact())))
                .isInstanceOfSatisfying(EctResponseRejectedException.class, e -> assertThat(e.ruleId()).isEqualTo("F-03"));
    }

    @Test
    void withoutAResponseVerifierAnswersAreIgnored() throws Exception {
        ClientCall c = call(config().build());
        Req r = new Req(TO_B);
        Attempt a = c.prepare(r, null);
        assertThat(c.checkResponse(a, r, List.of("anything"))).isNull();
        assertThat(c.checkResponse(c.prepare(r, EctRequestOptions.none()), r, List.of("anything"))).isNull();
    }

    @Test
    @DisplayName("V-13 F-03 the minted store's view answers the DAG lookups in one call: own tokens itself, the rest in one findByJtis of the fallback")
    void v13TheMintedStoresViewKeepsTheFallbacksOneQueryLookups() {
        SignedEct own = signerA().mint(Ect.builder().iss(A).aud(B).execAct("own").build());
        SignedEct stored = signerA().mint(Ect.builder().iss(A).aud(B).execAct("stored").build());
        List<List<String>> batches = new java.util.ArrayList<>();
        AtomicInteger single = new AtomicInteger();
        EctStore database = new EctStore() { // a store answering several ids in one round trip, as JdbcLedger does
            @Override
            public List<SignedEct> findByJti(String jti) {
                single.incrementAndGet();
                return List.of();
            }

            @Override
            public List<List<SignedEct>> findByJtis(List<String> jtis, java.time.Duration timeout) {
                batches.add(jtis);
                return jtis.stream().map(j -> j.equals(stored.ect().jti()) ? List.of(stored) : List.<SignedEct>of()).toList();
            }
        };
        String unknown = UUID.randomUUID().toString();
        EctStore minted = EctClientConfig.mintedEctStore(database);
        java.time.Duration t = java.time.Duration.ofSeconds(1);
        assertThat(minted.findByJtis(List.of(stored.ect().jti()), t)).containsExactly(List.of(stored)); // alone: the fallback's query
        EctStore view = minted.including(List.of(own));
        assertThat(view.findByJtis(List.of(unknown, own.ect().jti(), stored.ect().jti()), t))
                .containsExactly(List.of(), List.of(own), List.of(stored));
        assertThat(batches).containsExactly(List.of(stored.ect().jti()), List.of(unknown, stored.ect().jti())); // own ids not asked
        assertThat(view.findByJtis(List.of(own.ect().jti()), t)).containsExactly(List.of(own));
        assertThat(batches).hasSize(2); // only own ids: no query at all
        assertThat(single).hasValue(0);
        // a fallback answering for the wrong number of ids: nothing, which the DAG check reports as 503
        EctStore broken = EctClientConfig.mintedEctStore(new EctStore() {
            @Override
            public List<SignedEct> findByJti(String jti) { return List.of(); }

            @Override
            public List<List<SignedEct>> findByJtis(List<String> jtis, java.time.Duration timeout) { return List.of(); }
        }).including(List.of(own));
        assertThat(broken.findByJtis(List.of(own.ect().jti(), unknown), t)).isNull();
        // with the library's verifier: a response naming own and a stored task resolves both, in one fallback query
        batches.clear();
        SignedEct answer = SIGNER_B.mint(Ect.builder().iss(B).aud(A).execAct("answer")
                .pred(own.ect().jti(), stored.ect().jti()).build());
        EctVerifier v = EctVerifier.builder().verifierId(A).keySource(StaticKeySource.builder().key(B, KEY_B).build())
                .clock(clock()).ectStore(minted).settings(EctSettings.builder().allowUnresolvedPredecessors(false).build()).build();
        assertThat(v.verify(answer.compact(), dev.ect.core.VerificationScope.of(dev.ect.core.EctValidator.none()).withOwnEcts(List.of(own)))
                .unresolvedPredecessors()).isEmpty();
        assertThat(batches).containsExactly(List.of(answer.ect().jti(), stored.ect().jti()));
    }

    @Test
    @DisplayName("F-03 the minted store resolves own ECTs only in the view one verification asks for; alone it is its fallback")
    void f03TheMintedStoreKeepsNothing() {
        SignedEct own = signerA().mint(Ect.builder().iss(A).aud(B).execAct("own").build());
        AtomicInteger fallbackLookups = new AtomicInteger();
        EctStore fallback = jti -> {
            fallbackLookups.incrementAndGet();
            return List.of();
        };
        EctStore minted = EctClientConfig.mintedEctStore(fallback);
        assertThat(minted.findByJti(own.ect().jti())).isEmpty();
        EctStore view = minted.including(List.of(own));
        assertThat(view.findByJti(own.ect().jti().toUpperCase(java.util.Locale.ROOT))).containsExactly(own);
        assertThat(view.findByJti(UUID.randomUUID().toString())).isEmpty();
        assertThat(minted.findByJti(own.ect().jti())).isEmpty(); // nothing kept
        assertThat(fallbackLookups).hasValue(3);
        // chained (two integrations, one verifier): the inner one sees the own ECTs too
        EctStore chained = EctClientConfig.mintedEctStore(EctClientConfig.mintedEctStore());
        assertThat(chained.including(List.of(own)).findByJti(own.ect().jti())).containsExactly(own);
        assertThat(minted.including(List.of())).isSameAs(fallback);
        assertThat(EctStore.empty().including(List.of(own)).findByJti(own.ect().jti())).isEmpty(); // no opt-in: not seen
    }

    @Test
    void theAudienceResolversMatchHostAndPort() {
        AudienceResolver hosts = AudienceResolver.byHost(Map.of("b.internal:8443", B, "c.internal", C_ID, "[::1]:80", A));
        assertThat(hosts.resolve(TO_B)).containsExactly(B);
        assertThat(hosts.resolve(URI.create("https://B.Internal:443/"))).isEmpty();
        assertThat(hosts.resolve(URI.create("http://c.internal:1234/"))).containsExactly(C_ID);
        assertThat(hosts.resolve(URI.create("http://[::1]/"))).containsExactly(A); // scheme default port
        assertThat(hosts.orElse(AudienceResolver.fixed(C_ID, B)).resolve(URI.create("http://x/"))).containsExactly(C_ID, B);
        assertThat(AudienceResolver.port(URI.create("https://x/"))).isEqualTo(443);
        assertThat(AudienceResolver.port(URI.create("ftp://x/"))).isEqualTo(-1);
        assertThatThrownBy(() -> AudienceResolver.byHost(Map.of("x:0", B))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AudienceResolver.byHost(Map.of("::1", B))).hasMessageContaining("brackets");
        assertThatThrownBy(() -> AudienceResolver.fixed(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theConfigFailsFastAndHasSafeDefaults() {
        EctClientConfig c = config().build();
        assertThat(c.maxTokenBytes()).isEqualTo(8192);
        assertThat(c.existingHeader()).isEqualTo(ExistingHeader.PASS_THROUGH);
        assertThat(c.missingContext()).isEqualTo(MissingContext.ROOT_TASK);
        assertThat(c.unknownAudience()).isEqualTo(UnknownAudience.FAIL);
        assertThat(c.responseVerifier()).isNull();
        assertThat(c.selfId()).isEqualTo(A);
        assertThatThrownBy(() -> EctClientConfig.builder(signerA(), A).build()).hasMessageContaining("audience");
        assertThatThrownBy(() -> EctClientConfig.builder(signerA(), " ")).hasMessageContaining("selfId");
        assertThatThrownBy(() -> config().audience(AudienceResolver.fixed(B))).hasMessageContaining("already set");
        assertThatThrownBy(() -> config().maxTokenBytes(63)).hasMessageContaining("maxTokenBytes");
        assertThatThrownBy(() -> config().responseVerifier(Fixtures.verifierB().build())).hasMessageContaining(A);
        assertThatThrownBy(() -> EctRequestOptions.builder().execAct("x".repeat(257))).hasMessageContaining("256");
        assertThat(EctRequestOptions.builder().execAct("\uD83D\uDE00".repeat(256)).build().execAct()).hasSize(512); // code points
        assertThat(EctRequestOptions.defaults().disabled()).isFalse();
    }
}
