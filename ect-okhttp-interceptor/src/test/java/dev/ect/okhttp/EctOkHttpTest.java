package dev.ect.okhttp;

import dev.ect.core.client.EctRequestOptions;
import dev.ect.core.client.EctMintingException;
import dev.ect.core.client.ExistingHeader;
import static dev.ect.okhttp.Agents.A;
import static dev.ect.okhttp.Agents.B;
import static dev.ect.okhttp.Agents.C;
import static dev.ect.okhttp.Agents.CLOCK;
import static dev.ect.okhttp.Agents.SIGNER_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctHashes;
import dev.ect.core.EctLevel;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.VerifiedEct;
import dev.ect.core.context.TaskContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // scopes are opened for their effect: the variable is unused by design
class EctOkHttpTest {
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

    private String hostPort(MockWebServer s) {
        return s.getHostName() + ":" + s.getPort();
    }

    private EctOkHttp.Builder integration() {
        return EctOkHttp.builder(SIGNER_A, A).audience(AudienceResolver.byHost(Map.of(hostPort(server), B)));
    }

    /** Agent A's response verifier: strict DAG (unknown predecessors rejected), resolving its own tokens. */
    private static EctVerifier responseVerifier() {
        return EctVerifier.builder().verifierId(A).keySource(Agents.KEYS).clock(CLOCK)
                .ectStore(EctOkHttp.mintedEctStore()).build();
    }

    private Request get(String path) {
        return new Request.Builder().url(server.url(path)).build();
    }

    private static String body(Call call) throws IOException {
        try (Response r = call.execute()) {
            return r.body().string();
        }
    }

    private Ect received(String aud) throws InterruptedException {
        RecordedRequest r = server.takeRequest(10, TimeUnit.SECONDS);
        assertThat(r).as("a request reached the server").isNotNull();
        String token = r.getHeaders().get(EctOkHttp.HEADER);
        assertThat(token).as("Execution-Context header").isNotNull();
        return Agents.decode(token, aud);
    }

    @Test
    void syncCallCarriesAnEctThatVerifiesWithTheAgentsPublicKey() throws Exception {
        // T-01 the Execution-Context header; M-02 iat/exp from the signer's clock, M-03 header, M-06 aud of the host,
        // C-07 exec_act default
        server.enqueue(new MockResponse.Builder().body("hi").build());
        OkHttpClient client = integration().build().wrap(base);

        assertThat(body(client.newCall(get("/v1/review?x=1")))).isEqualTo("hi");

        String token = server.takeRequest(10, TimeUnit.SECONDS).getHeaders().get(EctOkHttp.HEADER);
        EctVerifier verifierB = EctVerifier.builder().verifierId(B).keySource(Agents.KEYS).clock(CLOCK).build();
        VerifiedEct v = verifierB.verify(token);
        Ect e = v.ect();
        assertThat(v.level()).isEqualTo(EctLevel.L2);
        assertThat(e.typ()).isEqualTo("exec+jwt"); // M-03
        assertThat(e.alg()).isEqualTo("ES256");
        assertThat(e.kid()).isEqualTo("a-1");
        assertThat(e.iss()).isEqualTo(A);
        assertThat(e.aud()).containsExactly(B); // M-06
        assertThat(e.iat()).isEqualTo(CLOCK.instant()); // M-02
        assertThat(e.exp()).isEqualTo(CLOCK.instant().plus(Duration.ofMinutes(10)));
        assertThat(e.execAct()).isEqualTo("GET /v1/review");
        assertThat(e.pred()).isEmpty(); // no context: a root task (M-05)
        assertThat(UUID.fromString(e.wid())).isNotNull();
        assertThat(UUID.fromString(e.jti()).toString()).isEqualTo(e.jti()); // C-05
    }

    @Test
    void asyncCallCarriesAnEct() throws Exception {
        server.enqueue(new MockResponse.Builder().body("hi").build());
        OkHttpClient client = integration().build().wrap(base);
        Outcome out = enqueue(client.newCall(get("/async")));
        out.await();
        assertThat(out.code).isEqualTo(200);
        assertThat(received(B).iss()).isEqualTo(A);
    }

    @Test
    void enqueueInsideATaskContextLinksPredToThatTaskOnTheDispatcherThread() throws Exception {
        // M-04, F-02, F-05: the frontier is captured at newCall on the creating thread, not on the dispatcher thread
        server.enqueue(new MockResponse.Builder().build());
        OkHttpClient client = integration().build().wrap(base);
        TaskContext ctx = TaskContext.root(UUID.randomUUID().toString());
        String inbound = UUID.randomUUID().toString();
        ctx.resetFrontier(List.of(inbound));
        Call call;
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            call = client.newCall(get("/fan"));
        }
        // created inside the context, enqueued after the scope closed: still linked
        ctx.resetFrontier(List.of("00000000-0000-4000-8000-000000000000")); // later changes do not leak in (F-02)
        Outcome out = enqueue(call);
        out.await();

        Ect e = received(B);
        assertThat(e.pred()).containsExactly(inbound);
        assertThat(e.wid()).isEqualTo(ctx.wid());
        assertThat(out.thread).isNotSameAs(Thread.currentThread());
        assertThat(TaskContext.current()).isEmpty();
    }

    @Test
    void enqueueIssuedInsideTheContextLinksPred() throws Exception {
        // M-04: the ordinary shape: newCall(..).enqueue(..) inside the handler's context
        server.enqueue(new MockResponse.Builder().build());
        OkHttpClient client = integration().build().wrap(base);
        TaskContext ctx = TaskContext.root();
        String inbound = UUID.randomUUID().toString();
        ctx.resetFrontier(List.of(inbound));
        Outcome out;
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            out = enqueue(client.newCall(get("/x")));
        }
        out.await();
        Ect e = received(B);
        assertThat(e.pred()).containsExactly(inbound);
        assertThat(e.wid()).isEqualTo(ctx.wid());
        // F-03: no response ECT, so the sent task replaces the inbound one in the frontier
        assertThat(ctx.frontier()).containsExactly(e.jti());
    }

    @Test
    void retriedAttemptGetsAFreshJti() throws Exception {
        // M-01: OkHttp retries a request whose pooled connection dropped; each attempt is minted anew
        OkHttpClient plain = new OkHttpClient.Builder().retryOnConnectionFailure(true).build();
        server.enqueue(new MockResponse.Builder().body("seed connection pool").build());
        server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket(true, false, false)).build());
        server.enqueue(new MockResponse.Builder().body("retried").build());
        OkHttpClient client = integration().build().wrap(plain);
        TaskContext ctx = TaskContext.root();
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            assertThat(body(client.newCall(get("/seed")))).isEqualTo("seed connection pool");
            Ect seed = received(B);
            assertThat(body(client.newCall(get("/work")))).isEqualTo("retried");
            Ect first = received(B);
            Ect retry = received(B);
            assertThat(retry.jti()).isNotEqualTo(first.jti());
            assertThat(first.pred()).containsExactly(seed.jti());
            assertThat(retry.pred()).isEqualTo(first.pred()); // same captured frontier (F-02)
            assertThat(ctx.frontier()).containsExactly(retry.jti()); // only the answered attempt counts
        }
    }

    @Test
    void anInterceptorThatProceedsTwiceGetsTwoJtisAndOnlyTheFinalAnswerCounts() throws Exception {
        server.setDispatcher(Agents.PeerB.answering());
        Agents.PeerB peer = (Agents.PeerB) server.getDispatcher();
        OkHttpClient twice = base.newBuilder().addInterceptor(chain -> {
            chain.proceed(chain.request()).close();
            return chain.proceed(chain.request());
        }).build();
        OkHttpClient client = integration().responseVerifier(responseVerifier()).build().wrap(twice);
        TaskContext ctx = TaskContext.root();
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            body(client.newCall(get("/twice")));
        }
        assertThat(peer.received).hasSize(2);
        assertThat(peer.received.get(0).ect().jti()).isNotEqualTo(peer.received.get(1).ect().jti()); // M-01
        assertThat(ctx.frontier()).containsExactly(peer.answered.get(1).ect().jti()); // F-03, final answer only
    }

    @Test
    void eachRedirectHopGetsAFreshJtiAndTheAudienceOfItsHost() throws Exception {
        // M-01, M-06
        try (MockWebServer second = new MockWebServer()) {
            second.start();
            second.enqueue(new MockResponse.Builder().body("landed").build());
            server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", second.url("/moved")).build());
            EctOkHttp ect = EctOkHttp.builder(SIGNER_A, A)
                    .audience(AudienceResolver.byHost(Map.of(hostPort(server), B, hostPort(second), C))).build();
            OkHttpClient client = ect.wrap(base);
            TaskContext ctx = TaskContext.root();
            String start = UUID.randomUUID().toString();
            ctx.resetFrontier(List.of(start));
            try (TaskContext.Scope s = ctx.makeCurrent()) {
                assertThat(body(client.newCall(get("/start")))).isEqualTo("landed");
            }
            Ect hop1 = received(B);
            RecordedRequest r2 = second.takeRequest(10, TimeUnit.SECONDS);
            Ect hop2 = Agents.decode(r2.getHeaders().get(EctOkHttp.HEADER), C);
            assertThat(r2.getHeaders().values(EctOkHttp.HEADER)).hasSize(1);
            assertThat(hop1.aud()).containsExactly(B);
            assertThat(hop2.aud()).containsExactly(C);
            assertThat(hop2.jti()).isNotEqualTo(hop1.jti());
            assertThat(hop1.pred()).containsExactly(start);
            assertThat(hop2.pred()).containsExactly(start);
            assertThat(hop1.execAct()).isEqualTo("GET /start");
            assertThat(hop2.execAct()).isEqualTo("GET /moved");
            // F-03: the redirect (hop 1) is not an answer to the call; the final hop is
            assertThat(ctx.frontier()).containsExactly(hop2.jti());
        }
    }

    @Test
    void perRequestOptionsOverrideEveryClaim() throws Exception {
        server.enqueue(new MockResponse.Builder().build());
        OkHttpClient client = integration().build().wrap(base);
        String wid = UUID.randomUUID().toString();
        String p1 = UUID.randomUUID().toString();
        String p2 = UUID.randomUUID().toString();
        EctRequestOptions opts = EctRequestOptions.builder()
                .execAct("summarize").pred(p1, p2).wid(wid).aud(B, "spiffe://example.com/ledger")
                .inpHash(EctHashes.sha256("test".getBytes(StandardCharsets.UTF_8)))
                .outHash("LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564")
                .ext(Map.of("pol", "policy_v1", "pol_decision", "approved")).build();
        Request r = get("/opts").newBuilder().tag(EctRequestOptions.class, opts).build();
        body(client.newCall(r));
        Ect e = received(B);
        assertThat(e.execAct()).isEqualTo("summarize");
        assertThat(e.pred()).containsExactly(p1, p2);
        assertThat(e.wid()).isEqualTo(wid);
        assertThat(e.aud()).containsExactly(B, "spiffe://example.com/ledger");
        assertThat(e.inpHash()).isEqualTo("n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg"); // profile example, C-09
        assertThat(e.outHash()).isEqualTo("LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564");
        assertThat(e.ext()).containsEntry("pol", "policy_v1").containsEntry("pol_decision", "approved");
    }

    @Test
    void inpHashFromBodyHashesTheBytesSent() throws Exception {
        server.enqueue(new MockResponse.Builder().build());
        OkHttpClient client = integration().build().wrap(base);
        RequestBody rb = RequestBody.create("{\"q\":\"spec\"}", MediaType.get("application/json"));
        Request r = new Request.Builder().url(server.url("/h")).post(rb)
                .tag(EctRequestOptions.class, EctRequestOptions.builder().inpHashFromBody().build()).build();
        body(client.newCall(r));
        RecordedRequest rec = server.takeRequest(10, TimeUnit.SECONDS);
        Ect e = Agents.decode(rec.getHeaders().get(EctOkHttp.HEADER), B);
        assertThat(e.inpHash()).isEqualTo(EctHashes.sha256(rec.getBody().toByteArray()));
        assertThat(e.execAct()).isEqualTo("POST /h");
    }

    @Test
    void inpHashFromBodyOfAOneShotBodyFailsTheCallUnsent() {
        // a one-shot body cannot be read before it is sent: no inp_hash, no request
        OkHttpClient client = integration().build().wrap(base);
        RequestBody oneShot = new RequestBody() {
            @Override
            public MediaType contentType() { return null; }

            @Override
            public void writeTo(okio.BufferedSink sink) throws java.io.IOException { sink.writeUtf8("x"); }

            @Override
            public boolean isOneShot() { return true; }
        };
        Request r = new Request.Builder().url(server.url("/once")).post(oneShot)
                .tag(EctRequestOptions.class, EctRequestOptions.builder().inpHashFromBody().build()).build();
        assertThatThrownBy(() -> body(client.newCall(r))).isInstanceOfSatisfying(EctMintingException.class,
                e -> assertThat(e.getMessage()).contains("one-shot"));
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void anExistingHeaderIsPassedThroughUnchangedByDefault() throws Exception {
        server.enqueue(new MockResponse.Builder().build());
        OkHttpClient client = integration().build().wrap(base);
        body(client.newCall(get("/p").newBuilder().header(EctOkHttp.HEADER, "app-managed-token").build()));
        RecordedRequest r = server.takeRequest(10, TimeUnit.SECONDS);
        assertThat(r.getHeaders().values(EctOkHttp.HEADER)).containsExactly("app-managed-token");
    }

    @Test
    void anExistingHeaderIsReplacedWhenConfigured() throws Exception {
        server.enqueue(new MockResponse.Builder().build());
        OkHttpClient client = integration().existingHeader(ExistingHeader.REPLACE).build().wrap(base);
        body(client.newCall(get("/p").newBuilder().header(EctOkHttp.HEADER, "app-managed-token").build()));
        RecordedRequest r = server.takeRequest(10, TimeUnit.SECONDS);
        assertThat(r.getHeaders().values(EctOkHttp.HEADER)).hasSize(1);
        assertThat(Agents.decode(r.getHeaders().get(EctOkHttp.HEADER), B).iss()).isEqualTo(A);
    }

    @Test
    void requestOptionsNoneSendsNoEct() throws Exception {
        server.enqueue(new MockResponse.Builder().build());
        OkHttpClient client = integration().build().wrap(base);
        TaskContext ctx = TaskContext.root();
        ctx.resetFrontier(List.of("x"));
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            body(client.newCall(get("/none").newBuilder().tag(EctRequestOptions.class, EctRequestOptions.none()).build()));
        }
        assertThat(server.takeRequest(10, TimeUnit.SECONDS).getHeaders().get(EctOkHttp.HEADER)).isNull();
        assertThat(ctx.frontier()).containsExactly("x"); // nothing sent, nothing answered
    }

    @Test
    void wrappingLeavesTheOriginalClientUnchanged() throws Exception {
        OkHttpClient original = base.newBuilder().addInterceptor(chain -> chain.proceed(chain.request()))
                .addNetworkInterceptor(chain -> chain.proceed(chain.request())).build();
        var interceptors = List.copyOf(original.interceptors());
        var network = List.copyOf(original.networkInterceptors());
        var listeners = original.eventListenerFactory();

        OkHttpClient wrapped = integration().build().wrap(original);

        assertThat(original.interceptors()).isEqualTo(interceptors);
        assertThat(original.networkInterceptors()).isEqualTo(network);
        assertThat(original.eventListenerFactory()).isSameAs(listeners);
        assertThat(wrapped.interceptors()).hasSize(2).containsAll(interceptors);
        assertThat(wrapped.networkInterceptors()).hasSize(2).containsAll(network);
        assertThat(wrapped.connectionPool()).isSameAs(original.connectionPool()); // derived, sharing resources
        assertThat(wrapped.dispatcher()).isSameAs(original.dispatcher());
        server.enqueue(new MockResponse.Builder().build());
        body(original.newCall(get("/plain")));
        assertThat(server.takeRequest(10, TimeUnit.SECONDS).getHeaders().get(EctOkHttp.HEADER)).isNull();
    }

    @Test
    void wrappingAWrappedClientIsRefused() {
        EctOkHttp ect = integration().build();
        OkHttpClient once = ect.wrap(base);
        assertThatThrownBy(() -> ect.wrap(once)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already");
        assertThatThrownBy(() -> integration().build().wrap(once.newBuilder().build())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTokenOverTheHeaderBudgetFailsTheCallWithAnIOException() {
        // T-03: default budget 8192 (EctSettings.maxTokenBytes); 80 audiences of ~120 characters exceed it
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            many.add("spiffe://example.com/" + "x".repeat(100) + "/agent-" + i);
        }
        OkHttpClient client = EctOkHttp.builder(SIGNER_A, A).audience(url -> many).build().wrap(base);
        assertThatThrownBy(() -> body(client.newCall(get("/big"))))
                .isInstanceOfSatisfying(EctMintingException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.TOKEN_TOO_LARGE);
                    assertThat(e.ruleId()).isEqualTo("T-03");
                    assertThat(e.getMessage()).contains("8192").contains("header budget");
                });
        assertThat(server.getRequestCount()).isZero(); // never sent, never retried
    }

    @Test
    void aConfiguredSmallerBudgetIsEnforced() {
        OkHttpClient client = integration().maxTokenBytes(200).build().wrap(base);
        assertThatThrownBy(() -> body(client.newCall(get("/small"))))
                .isInstanceOfSatisfying(EctMintingException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.TOKEN_TOO_LARGE));
        assertThat(server.getRequestCount()).isZero();
    }

    /** The outcome of an enqueued call. */
    static final class Outcome implements Callback {
        final CountDownLatch done = new CountDownLatch(1);
        volatile int code = -1;
        volatile IOException failure;
        volatile Thread thread;

        @Override
        public void onFailure(Call call, IOException e) {
            thread = Thread.currentThread();
            failure = e;
            done.countDown();
        }

        @Override
        public void onResponse(Call call, Response response) {
            thread = Thread.currentThread();
            code = response.code();
            response.close();
            done.countDown();
        }

        void await() throws InterruptedException {
            assertThat(done.await(20, TimeUnit.SECONDS)).as("call completed").isTrue();
        }
    }

    static Outcome enqueue(Call call) {
        Outcome o = new Outcome();
        call.enqueue(o);
        return o;
    }
}
