package dev.ect.okhttp;

import dev.ect.core.client.EctRequestOptions;
import dev.ect.core.client.EctMintingException;
import dev.ect.core.client.MissingContext;
import dev.ect.core.client.UnknownAudience;
import static dev.ect.okhttp.Agents.A;
import static dev.ect.okhttp.Agents.B;
import static dev.ect.okhttp.Agents.CLOCK;
import static dev.ect.okhttp.Agents.SIGNER_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctHashes;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.context.TaskContext;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Missing context, unknown audience, failures of resolvers and the signer, builder rules, hand assembly. */
@SuppressWarnings("try") // scopes are opened for their effect: the variable is unused by design
class PoliciesTest {
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

    private Request get(String path) {
        return new Request.Builder().url(server.url(path)).build();
    }

    private static void call(OkHttpClient client, Request r) throws IOException {
        try (Response resp = client.newCall(r).execute()) {
            resp.body().string();
        }
    }

    private String receivedHeader() throws InterruptedException {
        RecordedRequest r = server.takeRequest(10, TimeUnit.SECONDS);
        assertThat(r).isNotNull();
        return r.getHeaders().get(EctOkHttp.HEADER);
    }

    // ---- no current context (M-05) ----

    @Test
    void withoutAContextEachCallIsARootTaskOfItsOwnWorkflow() throws Exception {
        server.enqueue(new MockResponse.Builder().build());
        server.enqueue(new MockResponse.Builder().build());
        OkHttpClient client = EctOkHttp.builder(SIGNER_A, A).audience(toB()).build().wrap(base);
        call(client, get("/1"));
        call(client, get("/2"));
        Ect first = Agents.decode(receivedHeader(), B);
        Ect second = Agents.decode(receivedHeader(), B);
        assertThat(first.pred()).isEmpty();
        assertThat(second.pred()).isEmpty(); // no shared frontier between unrelated calls
        assertThat(first.wid()).isNotEqualTo(second.wid());
    }

    @Test
    void withoutAContextSkipSendsNoEct() throws Exception {
        server.enqueue(new MockResponse.Builder().build());
        OkHttpClient client = EctOkHttp.builder(SIGNER_A, A).audience(toB())
                .missingContext(MissingContext.SKIP).build().wrap(base);
        call(client, get("/1"));
        assertThat(receivedHeader()).isNull();
    }

    @Test
    void withoutAContextFailRefusesTheCall() throws Exception {
        OkHttpClient client = EctOkHttp.builder(SIGNER_A, A).audience(toB())
                .missingContext(MissingContext.FAIL).build().wrap(base);
        assertThatThrownBy(() -> call(client, get("/1"))).isInstanceOfSatisfying(EctMintingException.class, e -> {
            assertThat(e.getMessage()).contains("no task context");
            assertThat(e.ruleId()).isEqualTo("M-04");
        });
        assertThat(server.getRequestCount()).isZero();
        // with a context the same client works
        server.enqueue(new MockResponse.Builder().build());
        try (TaskContext.Scope s = TaskContext.root().makeCurrent()) {
            call(client, get("/2"));
        }
        assertThat(receivedHeader()).isNotNull();
    }

    @Test
    void aContextFromAnInboundEctGivesItsWidAndJti() throws Exception {
        // M-04, M-05, F-01: the servlet filter opens TaskContext.forInbound(inbound)
        server.enqueue(new MockResponse.Builder().build());
        SignedEct inbound = Agents.SIGNER_B.mint(Ect.builder().iss(B).aud(A).execAct("ask").wid(UUID.randomUUID().toString()).build());
        OkHttpClient client = EctOkHttp.builder(SIGNER_A, A).audience(toB()).build().wrap(base);
        try (TaskContext.Scope s = TaskContext.forInbound(inbound.ect()).makeCurrent()) {
            call(client, get("/next"));
        }
        Ect sent = Agents.decode(receivedHeader(), B);
        assertThat(sent.pred()).containsExactly(inbound.ect().jti());
        assertThat(sent.wid()).isEqualTo(inbound.ect().wid());
    }

    // ---- audience (M-06) ----

    @Test
    void anUnknownAudienceFailsTheCallNamingTheHost() {
        OkHttpClient client = EctOkHttp.builder(SIGNER_A, A).audience(AudienceResolver.byHost(Map.of("elsewhere", B)))
                .build().wrap(base);
        assertThatThrownBy(() -> call(client, get("/1"))).isInstanceOfSatisfying(EctMintingException.class, e -> {
            assertThat(e.getMessage()).contains(server.getHostName() + ":" + server.getPort()).contains("M-06");
            assertThat(e.ruleId()).isEqualTo("M-06");
        });
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void anUnknownAudienceCanBeSentWithoutAnEct() throws Exception {
        server.enqueue(new MockResponse.Builder().build());
        OkHttpClient client = EctOkHttp.builder(SIGNER_A, A).audience(url -> null)
                .unknownAudience(UnknownAudience.SKIP).build().wrap(base);
        call(client, get("/third-party"));
        assertThat(receivedHeader()).isNull();
    }

    // ---- failures surface as IOException subtypes ----

    @Test
    void aThrowingAudienceResolverFailsTheCallWithAnIOException() {
        OkHttpClient client = EctOkHttp.builder(SIGNER_A, A).audience(url -> {
            throw new IllegalStateException("directory down");
        }).build().wrap(base);
        assertThatThrownBy(() -> call(client, get("/1"))).isInstanceOfSatisfying(EctMintingException.class, e -> {
            assertThat(e.getMessage()).contains("AudienceResolver").contains("directory down");
            assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
        });
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void aThrowingExecActResolverFailsTheCallWithAnIOException() {
        OkHttpClient client = EctOkHttp.builder(SIGNER_A, A).audience(toB()).execAct(r -> {
            throw new IllegalArgumentException("no action");
        }).build().wrap(base);
        assertThatThrownBy(() -> call(client, get("/1"))).isInstanceOf(EctMintingException.class).hasMessageContaining("no action");
    }

    @Test
    void aDraftTheSignerRefusesFailsTheCallWithItsReasonCode() {
        // M-07: exec_act over 256 characters (C-07) is refused by the signer, the call is not sent
        OkHttpClient client = EctOkHttp.builder(SIGNER_A, A).audience(toB()).execAct(r -> "x".repeat(300)).build().wrap(base);
        assertThatThrownBy(() -> call(client, get("/1"))).isInstanceOfSatisfying(EctMintingException.class, e -> {
            assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_CLAIM);
            assertThat(e.getMessage()).contains("invalid_claim");
        });
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void anExtOverItsLimitFailsTheCallWithInvalidExt() {
        OkHttpClient client = EctOkHttp.builder(SIGNER_A, A).audience(toB()).build().wrap(base);
        Request r = get("/1").newBuilder().tag(EctRequestOptions.class,
                EctRequestOptions.builder().ext(Map.of("blob", "y".repeat(5000))).build()).build();
        assertThatThrownBy(() -> call(client, r)).isInstanceOfSatisfying(EctMintingException.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_EXT));
    }

    @Test
    void tooManyPredecessorsFailTheCallWithPredLimitExceeded() {
        OkHttpClient client = EctOkHttp.builder(SIGNER_A, A).audience(toB()).build().wrap(base);
        TaskContext ctx = TaskContext.root();
        ctx.resetFrontier(Stream.generate(() -> UUID.randomUUID().toString()).limit(101).toList());
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            assertThatThrownBy(() -> call(client, get("/1"))).isInstanceOfSatisfying(EctMintingException.class,
                    e -> assertThat(e.reason()).isEqualTo(ReasonCode.PRED_LIMIT_EXCEEDED));
        }
    }

    @Test
    void aSignerThatThrowsFailsTheCallWithAnIOException() {
        EctSigner hsmDown = new EctSigner() {
            @Override
            public SignedEct mint(Ect draft) { throw new IllegalStateException("HSM unreachable"); }

            @Override
            public EctAlgorithm algorithm() { return EctAlgorithm.ES256; }

            @Override
            public String kid() { return "a-1"; }
        };
        OkHttpClient client = EctOkHttp.builder(hsmDown, A).audience(toB()).build().wrap(base);
        assertThatThrownBy(() -> call(client, get("/1"))).isInstanceOfSatisfying(EctMintingException.class, e -> {
            assertThat(e.getMessage()).contains("HSM unreachable");
            assertThat(e.reason()).isNull();
        });
        assertThat(server.getRequestCount()).isZero(); // a minting failure is not retried
    }

    @Test
    void aMintingFailureOnAnEnqueuedCallReachesOnFailure() throws Exception {
        OkHttpClient client = EctOkHttp.builder(SIGNER_A, A).audience(url -> List.of()).build().wrap(base);
        EctOkHttpTest.Outcome out = EctOkHttpTest.enqueue(client.newCall(get("/1")));
        out.await();
        assertThat(out.failure).isInstanceOf(EctMintingException.class);
    }

    // ---- builder rules ----

    @Test
    void theBuilderFailsFastWithMessagesNamingTheOption() {
        assertThatThrownBy(() -> EctOkHttp.builder(SIGNER_A, A).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("audience");
        assertThatThrownBy(() -> EctOkHttp.builder(null, A)).isInstanceOf(NullPointerException.class).hasMessageContaining("signer");
        assertThatThrownBy(() -> EctOkHttp.builder(SIGNER_A, " ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("selfId");
        assertThatThrownBy(() -> EctOkHttp.builder(SIGNER_A, A).audience(toB()).audience(toB()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("audience was already set");
        assertThatThrownBy(() -> EctOkHttp.builder(SIGNER_A, A).maxTokenBytes(10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxTokenBytes");
        EctVerifier forB = EctVerifier.builder().verifierId(B).keySource(Agents.KEYS).clock(CLOCK).build();
        assertThatThrownBy(() -> EctOkHttp.builder(SIGNER_A, A).responseVerifier(forB))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("verifierId");
        EctOkHttp ect = EctOkHttp.builder(SIGNER_A, A).audience(toB()).build();
        assertThat(ect.selfId()).isEqualTo(A);
    }

    @Test
    void requestOptionsValidateTheirValues() {
        assertThatThrownBy(() -> EctRequestOptions.builder().inpHash("sha-256:abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("C-09");
        assertThatThrownBy(() -> EctRequestOptions.builder().execAct("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EctRequestOptions.builder().execAct("a").execAct("b")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> EctRequestOptions.builder().inpHashFromBody().inpHash(EctHashes.sha256(new byte[0])))
                .isInstanceOf(IllegalStateException.class);
        EctRequestOptions o = EctRequestOptions.builder().execAct("a").build();
        assertThat(o.disabled()).isFalse();
        assertThat(o.toString()).contains("execAct=a");
        assertThat(EctRequestOptions.none().disabled()).isTrue();
    }

    // ---- hand assembly ----

    @Test
    void theNetworkInterceptorAloneLinksSyncCallsAndCountsEveryAttempt() throws Exception {
        // documented limitation: without the application interceptor, a redirect hop's answer moves the frontier too
        try (MockWebServer second = new MockWebServer()) {
            second.start();
            second.enqueue(new MockResponse.Builder().build());
            server.enqueue(new MockResponse.Builder().code(307).addHeader("Location", second.url("/there")).build());
            EctOkHttp ect = EctOkHttp.builder(SIGNER_A, A).audience(AudienceResolver.fixed(B)).build();
            OkHttpClient client = base.newBuilder().addNetworkInterceptor(ect.networkInterceptor()).build();
            TaskContext ctx = TaskContext.root();
            String start = UUID.randomUUID().toString();
            ctx.resetFrontier(List.of(start));
            try (TaskContext.Scope s = ctx.makeCurrent()) {
                call(client, get("/here"));
            }
            Ect hop1 = Agents.decode(receivedHeader(), B);
            Ect hop2 = Agents.decode(second.takeRequest(10, TimeUnit.SECONDS).getHeaders().get(EctOkHttp.HEADER), B);
            assertThat(hop1.pred()).containsExactly(start);
            assertThat(hop2.pred()).containsExactly(start);
            assertThat(ctx.frontier()).containsExactly(hop1.jti(), hop2.jti());
        }
    }

    @Test
    void handAssemblyWithAllThreePiecesCapturesAtNewCall() throws Exception {
        server.enqueue(new MockResponse.Builder().build());
        EctOkHttp ect = EctOkHttp.builder(SIGNER_A, A).audience(toB()).build();
        OkHttpClient client = base.newBuilder()
                .addInterceptor(ect.applicationInterceptor())
                .addNetworkInterceptor(ect.networkInterceptor())
                .eventListenerFactory(ect.eventListenerFactory(c -> EventListener.NONE))
                .build();
        TaskContext ctx = TaskContext.root();
        String start = UUID.randomUUID().toString();
        ctx.resetFrontier(List.of(start));
        EctOkHttpTest.Outcome out;
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            out = EctOkHttpTest.enqueue(client.newCall(get("/async")));
        }
        out.await();
        Ect sent = Agents.decode(receivedHeader(), B);
        assertThat(sent.pred()).containsExactly(start);
        assertThat(ctx.frontier()).containsExactly(sent.jti());
    }

    @Test
    void theUsersEventListenerStillReceivesEvents() throws Exception {
        server.enqueue(new MockResponse.Builder().build());
        AtomicInteger ends = new AtomicInteger();
        OkHttpClient withListener = base.newBuilder().eventListener(new EventListener() {
            @Override
            public void callEnd(Call call) { ends.incrementAndGet(); }
        }).build();
        OkHttpClient client = EctOkHttp.builder(SIGNER_A, A).audience(toB()).build().wrap(withListener);
        call(client, get("/1"));
        assertThat(ends).hasValue(1);
    }
}
