package dev.ect.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctHashes;
import dev.ect.core.EctLevel;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.SignedEct;
import dev.ect.core.ReasonCode;
import dev.ect.core.VerifiedEct;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.servlet.EctFilterEvent.Outcome;
import jakarta.servlet.DispatcherType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The filter in a real container, over real HTTP on 127.0.0.1: one suite, run unchanged against
 * embedded Jetty 12 (ee10) and embedded Tomcat 11 by its subclasses. The container is started once
 * per class; tests use fresh tokens (fresh jtis), so they do not depend on each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EctFilterContainerSuite {
    private TestApp app;
    private TestContainer container;
    private HttpClient http;
    private EctSigner caller;

    /** How to start the container under test. */
    protected abstract TestContainer.Factory containerFactory();

    @BeforeAll
    void startContainer() throws Exception {
        app = new TestApp();
        container = containerFactory().start(app, Map.of(418, "/errorpage"));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        caller = EctSigner.builder(app.callerKey).build();
    }

    @AfterAll
    void stopContainer() throws Exception {
        if (container != null) {
            container.close();
        }
        if (app != null) {
            app.pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- accepted

    @Test
    void validTokenReachesServletWithVerifiedEctAndTaskContext() throws Exception {
        SignedEct sent = mint(b -> b);
        HttpResponse<String> r = get("/api/echo", sent.compact());

        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, String> seen = lines(r.body());
        assertThat(seen).containsEntry("ect.jti", sent.ect().jti())
                .containsEntry("ect.iss", TestApp.CALLER)
                .containsEntry("ect.level", "L3") // V-15: appended to the ledger before acceptance
                .containsEntry("ctx.jti", sent.ect().jti()) // F-01: the inbound task is the context's frontier
                .containsEntry("ctx.same", "true")
                .containsEntry("dispatch", "REQUEST");
        assertThat(app.ledger.entries()).anyMatch(e -> e.jti().equals(sent.ect().jti()));
        assertThat(app.events.forJti(sent.ect().jti())).extracting(EctFilterEvent::outcome).containsExactly(Outcome.ACCEPTED);
    }

    @Test
    void predecessorRecordedInTheLedgerResolves() throws Exception {
        // G-02: the child's pred resolves through the ledger the parent was appended to
        String wid = UUID.randomUUID().toString();
        SignedEct parent = mint(b -> b.wid(wid));
        assertThat(get("/api/echo", parent.compact()).statusCode()).isEqualTo(200);
        SignedEct child = mint(b -> b.wid(wid).pred(parent.ect().jti()));
        assertThat(get("/api/echo", child.compact()).statusCode()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- 403: the token's fault

    @Test
    @DisplayName("V-02 T-04 T-05 a malformed token is 403 problem+json malformed_token that does not echo the token")
    void malformedToken() throws Exception {
        assertRejected("/api/echo", List.of("this-is-not-a-jws"), 403, "malformed_token");
    }

    @Test
    @DisplayName("V-01 T-03 T-04 a token over maxTokenBytes is 403 token_too_large before any parsing")
    void tokenTooLargeIsRejectedBeforeParsing() throws Exception {
        // T-03 / V-01: the size gate runs before any parsing
        assertRejected("/api/echo", List.of("e".repeat(TestApp.MAX_TOKEN_BYTES + 1)), 403, "token_too_large");
    }

    @Test
    @DisplayName("V-08 T-04 T-05 a token signed with another key under the trusted kid is 403 problem+json invalid_signature")
    void invalidSignature() throws Exception {
        // V-08: signed with another key under the trusted kid
        EctSigner forger = EctSigner.builder(EctKeys.generate(app.callerKey.kid())).build();
        assertRejected("/api/echo", List.of(forger.sign(draft().build())), 403, "invalid_signature");
    }

    @Test
    @DisplayName("V-07 T-04 a token under an unknown kid is 403 unknown_key")
    void unknownKey() throws Exception {
        // V-07
        EctSigner stranger = EctSigner.builder(EctKeys.generate("caller-unknown")).build();
        assertRejected("/api/echo", List.of(stranger.sign(draft().build())), 403, "unknown_key");
    }

    @Test
    @DisplayName("V-11 T-04 a token minted an hour ago is 403 expired")
    void expired() throws Exception {
        // V-11: minted an hour ago with the default 10 min expiry
        EctSigner past = EctSigner.builder(app.callerKey)
                .clock(Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC)).build();
        assertRejected("/api/echo", List.of(past.sign(draft().build())), 403, "expired");
    }

    @Test
    @DisplayName("V-11 T-04 a token issued an hour ahead is 403 iat_in_future")
    void iatInFuture() throws Exception {
        // V-11
        EctSigner future = EctSigner.builder(app.callerKey)
                .clock(Clock.fixed(Instant.now().plus(Duration.ofHours(1)), ZoneOffset.UTC)).build();
        assertRejected("/api/echo", List.of(future.sign(draft().build())), 403, "iat_in_future");
    }

    @Test
    @DisplayName("V-12 T-04 a token for another audience is 403 audience_mismatch")
    void audienceMismatch() throws Exception {
        // V-12
        assertRejected("/api/echo", List.of(caller.sign(draft().aud("spiffe://example.com/someone-else").build())), 403,
                "audience_mismatch");
    }

    @Test
    @DisplayName("T-07 T-05 a required path without an ECT is 403 problem+json missing_ect")
    void missingEctOnRequiredPath() throws Exception {
        // T-07
        assertRejected("/api/echo", List.of(), 403, ReasonCode.MISSING_ECT.code());
    }

    @Test
    void twoHeaderFieldsAreMultipleEcts() throws Exception {
        // T-02: two fields, each a valid token
        assertRejected("/api/echo", List.of(mint(b -> b).compact(), mint(b -> b).compact()), 403, "multiple_ects");
    }

    @Test
    void commaJoinedValueIsMultipleEcts() throws Exception {
        // T-02: one field, two tokens
        assertRejected("/api/echo", List.of(mint(b -> b).compact() + ", " + mint(b -> b).compact()), 403, "multiple_ects");
    }

    @Test
    @DisplayName("V-14 T-04 the second use of a token is 403 replay")
    void replayOfTheSameTokenIsRejected() throws Exception {
        // V-14 / P-01
        SignedEct sent = mint(b -> b);
        assertThat(get("/api/echo", sent.compact()).statusCode()).isEqualTo(200);
        assertRejected("/api/echo", List.of(sent.compact()), 403, "replay");
    }

    @Test
    @DisplayName("V-13 G-02 a pred entry that resolves to no stored ECT is 403 dag_unknown_predecessor")
    void unknownPredecessor() throws Exception {
        // G-02 (policy REJECT)
        assertRejected("/api/echo", List.of(mint(b -> b.pred(UUID.randomUUID().toString())).compact()), 403,
                "dag_unknown_predecessor");
    }

    @Test
    @DisplayName("V-13 G-03 a predecessor of another workflow is 403 dag_workflow_mismatch")
    void predecessorOfAnotherWorkflow() throws Exception {
        // G-03
        SignedEct parent = mint(b -> b.wid(UUID.randomUUID().toString()));
        assertThat(get("/api/echo", parent.compact()).statusCode()).isEqualTo(200);
        SignedEct child = mint(b -> b.wid(UUID.randomUUID().toString()).pred(parent.ect().jti()));
        assertRejected("/api/echo", List.of(child.compact()), 403, "dag_workflow_mismatch");
    }

    // ---------------------------------------------------------------- 503: a dependency failed

    @Test
    void ledgerFailureAtL3Is503AndNothingReachesTheServlet() throws Exception {
        // V-15 / T-06
        assertRejected("/infra/ledger-down/x", List.of(mint(b -> b).compact()), 503, "ledger_unavailable");
    }

    @Test
    @DisplayName("P-04 T-06 an unreachable replay store is 503 replay_store_unavailable")
    void unreachableReplayStoreIs503() throws Exception {
        // P-04 / T-06
        assertRejected("/infra/replay-down/x", List.of(mint(b -> b).compact()), 503, "replay_store_unavailable");
    }

    @Test
    void fullReplayStoreIs503() throws Exception {
        // P-03: the one slot is taken by the first token; the second is refused, not evicted into
        assertThat(get("/infra/replay-full/x", mint(b -> b).compact()).statusCode()).isEqualTo(200);
        assertRejected("/infra/replay-full/x", List.of(mint(b -> b).compact()), 503, "replay_store_full");
    }

    @Test
    @DisplayName("V-07 T-06 an unreachable key source is 503 key_source_unavailable")
    void unreachableKeySourceIs503() throws Exception {
        // V-07 / T-06
        assertRejected("/infra/keys-down/x", List.of(mint(b -> b).compact()), 503, "key_source_unavailable");
    }

    @Test
    void unexpectedExceptionInsideVerificationIs503NeverA500() throws Exception {
        assertRejected("/infra/boom/x", List.of(mint(b -> b).compact()), 503, EctFilter.VERIFICATION_UNAVAILABLE);
    }

    @Test
    @DisplayName("T-11 a rejection by a verifier of one's own still reaches the listener with the token's (unverified) jti and iss")
    void t11ARejectionByAUserSuppliedVerifierCarriesTheJtiAndIss() throws Exception {
        EctSigner past = EctSigner.builder(app.callerKey)
                .clock(Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC)).build();
        SignedEct expired = past.mint(draft().build());
        assertRejected("/infra/own-verifier/x", List.of(expired.compact()), 403, "expired");
        assertThat(app.infraEvents.forJti(expired.ect().jti())).singleElement()
                .satisfies(e -> assertThat(e.iss()).isEqualTo(expired.ect().iss()));
    }

    // ---------------------------------------------------------------- path policies

    @Test
    void excludedPathsPassWithoutLookingAtTheHeader() throws Exception {
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        // no task context leaked onto the container's threads by earlier requests (F-05)
        assertThat(lines(health.body())).containsEntry("ctx.jti", "none");
        // excluded means not looked at: not even a bad token is rejected
        assertThat(get("/health", "garbage").statusCode()).isEqualTo(200);
        // suffix pattern *.css, for a request the extension-mapped servlet serves
        HttpResponse<String> css = get("/static/theme.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(lines(css.body())).containsEntry("ect.jti", "none");
        assertThat(app.events.forPath("/static/theme.css")).extracting(EctFilterEvent::outcome).containsExactly(Outcome.SKIPPED);
        // T-10: but not for one the prefix-mapped /api/* servlet serves
        assertRejected("/api/theme.css", List.of(), 403, "missing_ect");
        assertThat(app.invocations("/api/theme.css")).isZero();
    }

    @Test
    void optionalPathPassesWithoutTokenButStillRejectsABadOne() throws Exception {
        HttpResponse<String> r = get("/public/info");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(lines(r.body())).containsEntry("ect.jti", "none").containsEntry("ctx.jti", "none");
        assertThat(r.headers().firstValue(EctFilter.HEADER)).isEmpty(); // nobody to answer to
        assertThat(app.events.forPath("/public/info")).extracting(EctFilterEvent::outcome).containsExactly(Outcome.MISSING);

        assertRejected("/public/other", List.of("garbage"), 403, "malformed_token");

        SignedEct sent = mint(b -> b);
        HttpResponse<String> ok = get("/public/info", sent.compact());
        assertThat(lines(ok.body())).containsEntry("ect.jti", sent.ect().jti());
    }

    // ---------------------------------------------------------------- async and dispatches

    @Test
    void asyncStartRunsInTheTaskContext() throws Exception {
        // F-05: AsyncContext.start(..) tasks see the request's context on the container's async thread
        SignedEct sent = mint(b -> b);
        HttpResponse<String> r = get("/async/start", sent.compact());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(lines(r.body())).containsEntry("handler", "async-start")
                .containsEntry("ect.jti", sent.ect().jti())
                .containsEntry("ctx.jti", sent.ect().jti())
                .containsEntry("ctx.same", "true");
        assertResponseEct(r, sent); // minted at AsyncContext.complete()
    }

    @Test
    void executorWrapperCarriesTheTaskContextToAThreadPool() throws Exception {
        // F-05: TaskContext.wrap(executor)
        SignedEct sent = mint(b -> b);
        HttpResponse<String> r = get("/async/executor", sent.compact());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(lines(r.body())).containsEntry("handler", "executor")
                .containsEntry("ctx.jti", sent.ect().jti())
                .containsEntry("ctx.same", "true");
        assertThat(lines(r.body()).get("thread")).startsWith("pool-");
        assertResponseEct(r, sent);
    }

    @Test
    void asyncDispatchReestablishesTheContextWithoutVerifyingAgain() throws Exception {
        SignedEct sent = mint(b -> b);
        HttpResponse<String> r = get("/async/dispatch", sent.compact());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(lines(r.body())).containsEntry("handler", "echo")
                .containsEntry("dispatch", "ASYNC")
                .containsEntry("ect.jti", sent.ect().jti())
                .containsEntry("ctx.jti", sent.ect().jti());
        assertThat(app.events.forJti(sent.ect().jti())).extracting(EctFilterEvent::outcome, EctFilterEvent::dispatcherType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Outcome.ACCEPTED, DispatcherType.REQUEST),
                        org.assertj.core.groups.Tuple.tuple(Outcome.SKIPPED, DispatcherType.ASYNC));
        assertResponseEct(r, sent);
    }

    @Test
    void forwardIsNotVerifiedTwice() throws Exception {
        SignedEct sent = mint(b -> b);
        HttpResponse<String> r = get("/api/forward", sent.compact());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(lines(r.body())).containsEntry("dispatch", "FORWARD").containsEntry("ctx.jti", sent.ect().jti());
        assertThat(app.events.forJti(sent.ect().jti())).extracting(EctFilterEvent::outcome, EctFilterEvent::dispatcherType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Outcome.ACCEPTED, DispatcherType.REQUEST),
                        org.assertj.core.groups.Tuple.tuple(Outcome.SKIPPED, DispatcherType.FORWARD));
        // a second verification would have been a replay: the ledger holds the jti once
        assertThat(app.ledger.entries()).filteredOn(e -> e.jti().equals(sent.ect().jti())).hasSize(1);
        assertResponseEct(r, sent);
    }

    @Test
    void forwardBypassingAFilterMappedForRequestsOnlyKeepsBodyAndResponseEct() throws Exception {
        // the web.xml default dispatcher is REQUEST; the container completes a forwarded response itself
        SignedEct sent = mint(b -> b);
        HttpResponse<String> r = get("/request-only/forward", sent.compact());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(lines(r.body())).containsEntry("dispatch", "FORWARD").containsEntry("ctx.jti", sent.ect().jti());
        assertThat(assertResponseEct(r, sent).ect().execAct()).isEqualTo("GET /request-only/forward");
    }

    @Test
    void errorDispatchesOfRequestsWithoutAnEctAreNotVerified() throws Exception {
        // optional path, no ECT: the ERROR dispatch goes on without one
        HttpResponse<String> optional = get("/public/teapot");
        assertThat(optional.statusCode()).isEqualTo(418);
        assertThat(lines(optional.body())).containsEntry("handler", "error-page").containsEntry("ctx.jti", "none");
        // excluded path: the ERROR dispatch of a request the filter never handled is not verified either
        HttpResponse<String> excluded = get("/static/teapot.css");
        assertThat(excluded.statusCode()).isEqualTo(418);
        assertThat(lines(excluded.body())).containsEntry("handler", "error-page").containsEntry("ect.jti", "none");
        assertThat(app.events.forPath("/static/teapot.css")).extracting(EctFilterEvent::outcome).containsExactly(Outcome.SKIPPED);
        assertThat(app.events.events).noneMatch(e -> e.dispatcherType() == DispatcherType.ERROR && e.outcome() != Outcome.SKIPPED);
    }

    @Test
    void errorDispatchIsNotVerifiedTwiceAndKeepsTheContext() throws Exception {
        SignedEct sent = mint(b -> b);
        HttpResponse<String> r = get("/api/teapot", sent.compact());
        assertThat(r.statusCode()).isEqualTo(418);
        assertThat(lines(r.body())).containsEntry("handler", "error-page")
                .containsEntry("dispatch", "ERROR")
                .containsEntry("ctx.jti", sent.ect().jti());
        assertThat(app.events.forJti(sent.ect().jti())).extracting(EctFilterEvent::outcome, EctFilterEvent::dispatcherType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Outcome.ACCEPTED, DispatcherType.REQUEST),
                        org.assertj.core.groups.Tuple.tuple(Outcome.SKIPPED, DispatcherType.ERROR));
        assertResponseEct(r, sent); // T-08: sendError still carries the response ECT
    }

    // ---------------------------------------------------------------- response ECTs (T-08, F-04)

    @Test
    void responseEctAnswersTheCallerWithTheInboundTaskAsPredecessor() throws Exception {
        String wid = UUID.randomUUID().toString();
        SignedEct sent = mint(b -> b.wid(wid));
        HttpResponse<String> r = get("/api/echo", sent.compact());
        VerifiedEct resp = assertResponseEct(r, sent);
        assertThat(resp.ect().wid()).isEqualTo(wid);
        assertThat(resp.ect().execAct()).isEqualTo("GET /api/echo"); // the default resolver
        // by default the server does not record its answer: the receiver (the caller) does
        assertThat(app.ledger.entries()).extracting(e -> e.jti()).contains(sent.ect().jti())
                .doesNotContain(resp.ect().jti());
    }

    @Test
    void sharedLedgerTheCallerVerifiesAndRecordsTheResponseEctAndItsNextCallResolves() throws Exception {
        // the shared-ledger deployment: the caller verifies the answer against the server's ledger
        // (T-08, V-15 at L3) and records it there; then its next ECT naming the answer resolves at
        // the server (F-03, G-02). Had the server recorded it too, this verify would fail with replay (G-01).
        String wid = UUID.randomUUID().toString();
        SignedEct sent = mint(b -> b.wid(wid));
        HttpResponse<String> r = get("/api/echo", sent.compact());
        String token = r.headers().firstValue(EctFilter.HEADER).orElseThrow();
        VerifiedEct answer = callerOnTheSameLedger(app.ledger).verify(token);
        assertThat(answer.level()).isEqualTo(EctLevel.L3);
        assertThat(answer.ect().pred()).containsExactly(sent.ect().jti()); // resolved through the shared ledger
        assertThat(app.ledger.entries()).filteredOn(e -> e.jti().equals(answer.ect().jti()))
                .singleElement().satisfies(e -> assertThat(e.iss()).isEqualTo(TestApp.SERVER));
        SignedEct next = mint(b -> b.wid(wid).pred(answer.ect().jti()));
        HttpResponse<String> second = get("/api/echo", next.compact());
        assertThat(second.statusCode()).isEqualTo(200);
        assertResponseEct(second, next);
    }

    @Test
    void withoutRecordingAndWithoutTheCallerRecordingTheNextCallCannotNameTheAnswer() throws Exception {
        // the case recordResponseEcts exists for: a caller that does not record the answer names it
        // in pred, and the server's DAG check finds it nowhere (G-02)
        String wid = UUID.randomUUID().toString();
        SignedEct sent = mint(b -> b.wid(wid));
        VerifiedEct resp = assertResponseEct(get("/api/echo", sent.compact()), sent);
        assertRejected("/api/echo", List.of(mint(b -> b.wid(wid).pred(resp.ect().jti())).compact()), 403,
                "dag_unknown_predecessor");
    }

    @Test
    void recordResponseEctsOnAppendsTheAnswerSoTheNextCallResolvesButASharingCallerSeesAReplay() throws Exception {
        String wid = UUID.randomUUID().toString();
        SignedEct sent = mint(b -> b.wid(wid));
        HttpResponse<String> r = get("/infra/resp-recorded/x", sent.compact());
        assertThat(r.statusCode()).isEqualTo(200);
        VerifiedEct resp = assertResponseEct(r, sent);
        // recorded in the server's ledger, so the caller's next ECT may name it as predecessor (F-03)
        assertThat(app.recordingLedger.entries()).anyMatch(e -> e.jti().equals(resp.ect().jti()) && e.iss().equals(TestApp.SERVER));
        SignedEct next = mint(b -> b.wid(wid).pred(resp.ect().jti()));
        assertThat(get("/infra/resp-recorded/x", next.compact()).statusCode()).isEqualTo(200);
        // why it is off by default: a caller verifying the answer on the same ledger finds it stored (G-01)
        String token = r.headers().firstValue(EctFilter.HEADER).orElseThrow();
        assertThatThrownBy(() -> callerOnTheSameLedger(app.recordingLedger).verify(token))
                .isInstanceOfSatisfying(EctRejectedException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY));
    }

    @Test
    void byDefaultTheLedgerIsNotAskedToRecordTheResponseEct() throws Exception {
        // a ledger refusing this server's ECTs: with recording off the answer is sent all the same
        SignedEct sent = mint(b -> b);
        HttpResponse<String> r = get("/infra/resp-not-recorded/x", sent.compact());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("body intact");
        VerifiedEct resp = assertResponseEct(r, sent);
        assertThat(app.refusesServerEcts.entries()).extracting(e -> e.jti()).contains(sent.ect().jti())
                .doesNotContain(resp.ect().jti());
    }

    @Test
    void responseEctCarriesExecActAndOutHashSetByTheHandler() throws Exception {
        SignedEct sent = mint(b -> b);
        HttpResponse<String> r = get("/api/hashed", sent.compact());
        assertThat(r.body()).isEqualTo(AppServlet.HASHED_BODY);
        VerifiedEct resp = assertResponseEct(r, sent);
        assertThat(resp.ect().execAct()).isEqualTo("summarize");
        assertThat(resp.ect().outHash()).isEqualTo(EctHashes.sha256(r.body()));
    }

    @Test
    void responseEctSurvivesALargeStreamedBodyThatCommitsEarly() throws Exception {
        SignedEct sent = mint(b -> b);
        HttpResponse<byte[]> r = getBytes("/api/big", sent.compact());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).hasSize(AppServlet.BIG);
        assertResponseEct(r, sent);
    }

    @Test
    void responseEctSurvivesALargeBodyWrittenThroughTheWriter() throws Exception {
        SignedEct sent = mint(b -> b);
        HttpResponse<byte[]> r = getBytes("/api/bigwriter", sent.compact());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).hasSize(AppServlet.BIG);
        assertResponseEct(r, sent);
    }

    @Test
    void responseEctPresentWhenTheContentLengthIsReached() throws Exception {
        // the container completes the response as soon as Content-Length bytes are written
        SignedEct sent = mint(b -> b);
        HttpResponse<String> r = get("/api/exact-length", sent.compact());
        assertThat(r.body()).isEqualTo("hello");
        assertResponseEct(r, sent);
    }

    @Test
    void responseEctOnRedirect() throws Exception {
        SignedEct sent = mint(b -> b);
        HttpResponse<String> r = get("/api/redirect", sent.compact());
        assertThat(r.statusCode()).isEqualTo(302);
        assertResponseEct(r, sent);
    }

    @Test
    void responseEctBeforeAnExplicitFlushBuffer() throws Exception {
        SignedEct sent = mint(b -> b);
        HttpResponse<String> r = get("/api/flush-buffer", sent.compact());
        assertThat(r.body()).isEqualTo("part1;part2");
        assertResponseEct(r, sent);
    }

    @Test
    void responseEctWithSingleByteWritesPastASmallBuffer() throws Exception {
        SignedEct sent = mint(b -> b);
        HttpResponse<String> r = get("/api/single-bytes", sent.compact());
        assertThat(r.body()).hasSize(1001).startsWith("0123456789").endsWith("9!");
        assertResponseEct(r, sent);
    }

    @Test
    void resetDropsTheBufferedBodyButNotTheResponseEct() throws Exception {
        SignedEct sent = mint(b -> b);
        HttpResponse<String> r = get("/api/reset-buffer", sent.compact());
        assertThat(r.body()).isEqualTo("clean");
        assertThat(r.headers().firstValue("X-Before-Reset")).isEmpty();
        assertResponseEct(r, sent);
    }

    @Test
    void responseEctOnSendErrorWithAMessage() throws Exception {
        SignedEct sent = mint(b -> b);
        HttpResponse<String> r = get("/api/teapot-msg", sent.compact());
        assertThat(r.statusCode()).isEqualTo(418);
        assertResponseEct(r, sent);
    }

    @Test
    void aResponseEctThatCannotBeMintedIsLeftOutButTheResponseIsIntact() throws Exception {
        // C-09 / M-07: the handler set an out_hash in the old prefixed form; the signer refuses it
        SignedEct sent = mint(b -> b);
        HttpResponse<String> r = get("/api/bad-out-hash", sent.compact());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("body intact");
        assertThat(r.headers().firstValue(EctFilter.HEADER)).isEmpty();
    }

    @Test
    void aResponseEctTheLedgerCannotRecordIsNotSent() throws Exception {
        // recordResponseEcts on: never hand out a task the DAG cannot resolve later; the caller
        // falls back to its own task (F-03)
        SignedEct sent = mint(b -> b);
        HttpResponse<String> r = get("/infra/resp-ledger-down/x", sent.compact());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("body intact");
        assertThat(r.headers().firstValue(EctFilter.HEADER)).isEmpty();
        // the throwing listener did not change the outcome, and the chained recorder still heard it
        assertThat(app.infraEvents.forJti(sent.ect().jti())).extracting(EctFilterEvent::outcome).contains(Outcome.ACCEPTED);
    }

    @Test
    void noResponseEctOnRejection() throws Exception {
        HttpResponse<String> r = get("/api/echo", "garbage");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue(EctFilter.HEADER)).isEmpty();
    }

    // ---------------------------------------------------------------- logs

    @Test
    void rejectionsAreLoggedWithReasonButNeverWithTheToken() throws Exception {
        EctSigner forger = EctSigner.builder(EctKeys.generate(app.callerKey.kid())).build();
        String forged = forger.sign(draft().build());
        SignedEct replayed = mint(b -> b);
        String tooLarge = mint(b -> b.execAct("x".repeat(250))).compact() + "x".repeat(TestApp.MAX_TOKEN_BYTES);
        List<String> tokens = List.of(forged, replayed.compact(), tooLarge,
                caller.sign(draft().aud("spiffe://example.com/someone-else").build()));

        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(get("/api/echo", forged).statusCode()).isEqualTo(403);
            assertThat(get("/api/echo", replayed.compact()).statusCode()).isEqualTo(200);
            assertThat(get("/api/echo", replayed.compact()).statusCode()).isEqualTo(403);
            assertThat(get("/api/echo", tooLarge).statusCode()).isEqualTo(403);
            assertThat(get("/api/echo", tokens.get(3)).statusCode()).isEqualTo(403);
            assertThat(get("/api/echo", forged, replayed.compact()).statusCode()).isEqualTo(403);
            assertThat(get("/infra/ledger-down/x", mint(b -> b).compact()).statusCode()).isEqualTo(503);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        // the capture works: the rejections are there, with their reasons and the jti
        assertThat(log).contains("reason=invalid_signature", "reason=replay", "reason=token_too_large",
                "reason=audience_mismatch", "reason=multiple_ects", "reason=ledger_unavailable",
                "jti=" + replayed.ect().jti());
        for (String token : tokens) {
            assertThat(log).doesNotContain(token);
            assertThat(log).doesNotContain(token.substring(token.lastIndexOf('.') + 1)); // the signature
            assertThat(log).doesNotContain(token.substring(0, token.indexOf('.'))); // the header part
        }
    }

    // ---------------------------------------------------------------- helpers

    private Ect.Builder draft() {
        return Ect.builder().iss(TestApp.CALLER).aud(TestApp.SERVER).execAct("call_server");
    }

    private SignedEct mint(UnaryOperator<Ect.Builder> customize) {
        return caller.mint(customize.apply(draft()).build());
    }

    private HttpRequest request(String path, List<String> ects) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + container.port() + path))
                .timeout(Duration.ofSeconds(20));
        for (String e : ects) {
            b.header(EctFilter.HEADER, e);
        }
        return b.GET().build();
    }

    private HttpResponse<String> get(String path, String... ects) throws IOException, InterruptedException {
        return http.send(request(path, List.of(ects)), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> getBytes(String path, String... ects) throws IOException, InterruptedException {
        return http.send(request(path, List.of(ects)), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Map<String, String> lines(String body) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    /**
     * T-04..T-07: the status, an RFC 9457 problem+json body with the reason code, the token not
     * echoed, the servlet not invoked, and the listener told.
     */
    private void assertRejected(String path, List<String> ects, int status, String code) throws Exception {
        int before = app.invocations(path);
        HttpResponse<String> r = http.send(request(path, ects), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("status of %s", code).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/problem+json"));
        Map<String, Object> problem = json(r.body());
        assertThat(problem).containsEntry("ect_error", code)
                .containsEntry("status", (long) status)
                .containsEntry("type", "https://ect.dev/problems/" + code)
                .containsKeys("title", "detail");
        for (String e : ects) {
            for (String part : e.split("[.,]")) {
                if (part.trim().length() > 16) {
                    assertThat(r.body()).doesNotContain(part.trim());
                }
            }
        }
        assertThat(app.invocations(path)).as("servlet invocations of %s", path).isEqualTo(before);
        List<EctFilterEvent> all = new ArrayList<>(app.events.forPath(path));
        all.addAll(app.infraEvents.forPath(path));
        assertThat(all).anyMatch(e -> e.outcome() == Outcome.REJECTED && code.equals(e.errorCode()) && e.status() == status);
    }

    /** The caller's response verifier in the shared-ledger deployment: the server's ledger is its ECT store and ledger. */
    private EctVerifier callerOnTheSameLedger(AuditLedger shared) {
        return EctVerifier.builder().verifierId(TestApp.CALLER)
                .keySource(StaticKeySource.builder().key(TestApp.SERVER, app.serverKey).build())
                .ledger(shared).build();
    }

    private static Map<String, Object> json(String body) throws JoseException {
        return JsonUtil.parseJson(body);
    }

    /** T-08: the response ECT verifies for the caller, answers the inbound task, and is from this server. */
    private VerifiedEct assertResponseEct(HttpResponse<?> r, SignedEct sent) {
        String token = r.headers().firstValue(EctFilter.HEADER).orElse(null);
        assertThat(token).as("response Execution-Context header").isNotNull();
        EctVerifier callerSide = EctVerifier.builder()
                .verifierId(TestApp.CALLER)
                .keySource(StaticKeySource.builder().key(TestApp.SERVER, app.serverKey).build())
                .ectStore(jti -> jti.equals(sent.ect().jti()) ? List.of(sent) : List.of())
                .build();
        VerifiedEct v = callerSide.verify(token);
        assertThat(v.ect().iss()).isEqualTo(TestApp.SERVER);
        assertThat(v.ect().aud()).containsExactly(TestApp.CALLER);
        assertThat(v.ect().pred()).containsExactly(sent.ect().jti()); // F-04: the frontier = the inbound task
        assertThat(v.ect().wid()).isEqualTo(sent.ect().wid());
        return v;
    }
}
