package dev.ect.httpclient;

import dev.ect.core.client.EctRequestOptions;
import dev.ect.core.client.EctMintingException;
import dev.ect.core.client.MissingContext;
import dev.ect.core.client.UnknownAudience;
import dev.ect.core.client.ExistingHeader;
import dev.ect.core.client.AudienceResolver;
import static dev.ect.httpclient.Agents.A;
import static dev.ect.httpclient.Agents.B;
import static dev.ect.httpclient.Agents.C;
import static dev.ect.httpclient.Agents.SIGNER_A;
import static dev.ect.httpclient.Agents.hostPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctHashes;
import dev.ect.core.EctLevel;
import dev.ect.core.ReasonCode;
import dev.ect.core.context.TaskContext;
import java.io.IOException;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Redirect;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What each minted ECT holds (M-01..M-07), the policies, per-call options, and what wrap refuses. */
@SuppressWarnings("try") // scopes are opened for their effect: the variable is unused by design
class MintingTest {
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

    private EctHttp.Builder integration() {
        return EctHttp.builder(SIGNER_A, A).audience(AudienceResolver.byHost(Map.of(hostPort(server), B)));
    }

    private EctHttpClient client() { return integration().build().wrap(base); }

    private String send(EctHttpClient client, HttpRequest r) throws Exception {
        return client.send(r, BodyHandlers.ofString()).body();
    }

    private RecordedRequest taken() throws InterruptedException {
        RecordedRequest r = server.takeRequest(10, TimeUnit.SECONDS);
        assertThat(r).as("a request reached the server").isNotNull();
        return r;
    }

    private Ect received() throws InterruptedException {
        RecordedRequest r = taken();
        assertThat(r.getHeaders().values(EctHttp.HEADER)).hasSize(1);
        return Agents.decode(r.getHeaders().get(EctHttp.HEADER), B);
    }

    @Test
    @DisplayName("M-01..M-03, M-06, M-07: a request carries one ECT that B's verifier accepts, with iss, aud, exec_act and header set")
    void aRequestCarriesAVerifiableEct() throws Exception {
        server.enqueue(new MockResponse.Builder().body("hi").build());
        assertThat(send(client(), Agents.get(server, "/v1/review?secret=1"))).isEqualTo("hi");
        RecordedRequest r = taken();
        dev.ect.core.VerifiedEct v = Agents.verifier(B, dev.ect.core.dag.EctStore.empty()).check(r.getHeaders().get(EctHttp.HEADER));
        Ect e = v.ect();
        assertThat(e.iss()).isEqualTo(A);
        assertThat(e.aud()).containsExactly(B);
        assertThat(e.execAct()).isEqualTo("GET /v1/review"); // no query
        assertThat(e.typ()).isEqualTo("exec+jwt");
        assertThat(e.kid()).isEqualTo("a-1");
        assertThat(e.iat()).isEqualTo(Agents.CLOCK.instant()); // M-02: the signer's clock
        assertThat(v.level()).isEqualTo(EctLevel.L2);
    }

    @Test
    @DisplayName("M-01: every request gets a fresh jti")
    void everyRequestGetsAFreshJti() throws Exception {
        server.enqueue(new MockResponse.Builder().build());
        server.enqueue(new MockResponse.Builder().build());
        EctHttpClient client = client();
        HttpRequest r = Agents.get(server, "/same");
        send(client, r);
        send(client, r); // the same immutable HttpRequest, sent twice
        assertThat(received().jti()).isNotEqualTo(received().jti());
    }

    @Test
    @DisplayName("M-04, M-05: pred is the current context's frontier and wid its workflow id")
    void predAndWidComeFromTheCurrentContext() throws Exception {
        server.enqueue(new MockResponse.Builder().build());
        TaskContext ctx = TaskContext.root();
        String inbound = UUID.randomUUID().toString();
        ctx.resetFrontier(List.of(inbound));
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            send(client(), Agents.get(server, "/x"));
        }
        Ect e = received();
        assertThat(e.pred()).containsExactly(inbound);
        assertThat(e.wid()).isEqualTo(ctx.wid());
    }

    @Test
    @DisplayName("M-05: without a current context each call is a root task of its own (fresh wid, pred [])")
    void withoutAContextEachCallIsARootTask() throws Exception {
        server.enqueue(new MockResponse.Builder().build());
        server.enqueue(new MockResponse.Builder().build());
        EctHttpClient client = client();
        send(client, Agents.get(server, "/1"));
        send(client, Agents.get(server, "/2"));
        Ect first = received();
        Ect second = received();
        assertThat(first.pred()).isEmpty();
        assertThat(second.pred()).isEmpty();
        assertThat(first.wid()).isNotNull().isNotEqualTo(second.wid());
    }

    @Test
    @DisplayName("M-04: missingContext FAIL refuses a call made without a context; nothing is sent")
    void missingContextFailRefusesTheCall() {
        EctHttpClient client = integration().missingContext(MissingContext.FAIL).build().wrap(base);
        assertThatThrownBy(() -> send(client, Agents.get(server, "/x")))
                .isInstanceOfSatisfying(EctMintingException.class, e -> assertThat(e.ruleId()).isEqualTo("M-04"));
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    @DisplayName("M-04: missingContext SKIP sends a call made without a context without an ECT")
    void missingContextSkipSendsWithoutAnEct() throws Exception {
        server.enqueue(new MockResponse.Builder().build());
        send(integration().missingContext(MissingContext.SKIP).build().wrap(base), Agents.get(server, "/x"));
        assertThat(taken().getHeaders().get(EctHttp.HEADER)).isNull();
    }

    @Test
    @DisplayName("M-06: an unknown target fails the call naming host:port; UnknownAudience.SKIP sends it without an ECT")
    void anUnknownAudienceFailsOrSkips() throws Exception {
        EctHttpClient strict = EctHttp.builder(SIGNER_A, A).audience(AudienceResolver.byHost(Map.of("elsewhere", C))).build().wrap(base);
        assertThatThrownBy(() -> send(strict, Agents.get(server, "/x"))).isInstanceOfSatisfying(EctMintingException.class, e -> {
            assertThat(e.ruleId()).isEqualTo("M-06");
            assertThat(e.getMessage()).contains(hostPort(server));
        });
        assertThat(server.getRequestCount()).isZero();
        server.enqueue(new MockResponse.Builder().build());
        EctHttpClient lenient = EctHttp.builder(SIGNER_A, A).audience(AudienceResolver.byHost(Map.of("elsewhere", C)))
                .unknownAudience(UnknownAudience.SKIP).build().wrap(base);
        send(lenient, Agents.get(server, "/x"));
        assertThat(taken().getHeaders().get(EctHttp.HEADER)).isNull();
    }

    @Test
    @DisplayName("M-06: a resolver that throws fails the call with the cause attached")
    void aThrowingResolverFailsTheCall() {
        EctHttpClient client = EctHttp.builder(SIGNER_A, A).audience(uri -> {
            throw new IllegalStateException("resolver down");
        }).build().wrap(base);
        assertThatThrownBy(() -> send(client, Agents.get(server, "/x"))).isInstanceOfSatisfying(EctMintingException.class,
                e -> assertThat(e.getCause()).hasMessage("resolver down"));
    }

    @Test
    @DisplayName("M-04, M-06, C-09: per-call options override exec_act, pred, wid, aud and set inp_hash, out_hash, ect_ext")
    void perCallOptionsOverrideTheDefaults() throws Exception {
        server.enqueue(new MockResponse.Builder().build());
        byte[] body = "{\"q\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String taskB = UUID.randomUUID().toString();
        String taskC = UUID.randomUUID().toString();
        String wid = UUID.randomUUID().toString();
        EctRequestOptions opts = EctRequestOptions.builder()
                .execAct("summarize").pred(taskB, taskC).wid(wid).aud(B, C)
                .inpHash(EctHashes.sha256(body)).outHash(EctHashes.sha256("out"))
                .ext(Map.of("com.example.pol", "policy_v1"))
                .build();
        HttpRequest post = HttpRequest.newBuilder(server.url("/post").uri()).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        client().send(post, BodyHandlers.discarding(), opts);
        RecordedRequest r = taken();
        Ect e = Agents.decode(r.getHeaders().get(EctHttp.HEADER), B);
        assertThat(e.execAct()).isEqualTo("summarize");
        assertThat(e.pred()).containsExactly(taskB, taskC);
        assertThat(e.wid()).isEqualTo(wid);
        assertThat(e.aud()).containsExactly(B, C);
        assertThat(e.inpHash()).isEqualTo(EctHashes.sha256(r.getBody().toByteArray()));
        assertThat(e.outHash()).isEqualTo(EctHashes.sha256("out"));
        assertThat(e.ext()).containsEntry("com.example.pol", "policy_v1");
        assertThat(opts.toString()).contains("summarize").doesNotContain("policy_v1");
    }

    @Test
    @DisplayName("EctRequestOptions.none() sends the exchange without an ECT, sync and async")
    void noneSendsWithoutAnEct() throws Exception {
        server.enqueue(new MockResponse.Builder().build());
        server.enqueue(new MockResponse.Builder().build());
        EctHttpClient client = client();
        client.send(Agents.get(server, "/plain"), BodyHandlers.discarding(), EctRequestOptions.none());
        client.sendAsync(Agents.get(server, "/plain"), BodyHandlers.discarding(), EctRequestOptions.none()).get(20, TimeUnit.SECONDS);
        assertThat(taken().getHeaders().get(EctHttp.HEADER)).isNull();
        assertThat(taken().getHeaders().get(EctHttp.HEADER)).isNull();
        assertThat(EctRequestOptions.none().toString()).isEqualTo("EctRequestOptions{none}");
    }

    @Test
    @DisplayName("M-07: a draft that breaks a claim rule is not signed; the call fails with the verifier's reason code")
    void anInvalidDraftFailsWithItsReasonCode() {
        EctHttpClient client = client();
        EctRequestOptions badWid = EctRequestOptions.builder().wid("not-a-uuid").build();
        assertThatThrownBy(() -> client.send(Agents.get(server, "/x"), BodyHandlers.discarding(), badWid))
                .isInstanceOfSatisfying(EctMintingException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_CLAIM);
                    assertThat(e.getMessage()).contains("GET http://" + hostPort(server) + "/x");
                });
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    @DisplayName("T-03: a minted token over the header budget is not sent: token_too_large")
    void aTokenOverTheBudgetIsNotSent() {
        EctHttpClient client = integration().maxTokenBytes(64).build().wrap(base);
        assertThatThrownBy(() -> send(client, Agents.get(server, "/x"))).isInstanceOfSatisfying(EctMintingException.class, e -> {
            assertThat(e.reason()).isEqualTo(ReasonCode.TOKEN_TOO_LARGE);
            assertThat(e.ruleId()).isEqualTo("T-03");
        });
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    @DisplayName("an Execution-Context set by the application passes through by default; REPLACE mints a fresh one")
    void anExistingHeaderPassesThroughOrIsReplaced() throws Exception {
        server.enqueue(new MockResponse.Builder().build());
        server.enqueue(new MockResponse.Builder().build());
        String own = SIGNER_A.sign(Ect.builder().iss(A).aud(B).execAct("by_hand").build());
        HttpRequest r = HttpRequest.newBuilder(server.url("/x").uri()).header(EctHttp.HEADER, own).build();
        send(client(), r);
        assertThat(taken().getHeaders().values(EctHttp.HEADER)).containsExactly(own);
        send(integration().existingHeader(ExistingHeader.REPLACE).build().wrap(base), r);
        List<String> replaced = taken().getHeaders().values(EctHttp.HEADER);
        assertThat(replaced).hasSize(1).doesNotContain(own);
        assertThat(Agents.decode(replaced.get(0), B).execAct()).isEqualTo("GET /x");
    }

    @Test
    @DisplayName("M-01: wrap refuses a delegate that follows redirects or retries with an Authenticator itself, and double wrapping")
    void wrapRefusesDelegatesThatWouldResendOneEct() {
        EctHttp ect = integration().build();
        HttpClient following = HttpClient.newBuilder().followRedirects(Redirect.NORMAL).build();
        assertThatThrownBy(() -> ect.wrap(following)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Redirect.NEVER").hasMessageContaining("wrap(delegate, Redirect.NORMAL)");
        HttpClient authenticating = HttpClient.newBuilder().authenticator(new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() { return null; }
        }).build();
        assertThatThrownBy(() -> ect.wrap(authenticating)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Authenticator");
        EctHttpClient once = ect.wrap(base);
        assertThatThrownBy(() -> ect.wrap(once)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWrapperReportsTheDelegatesSettingsAndItsOwnRedirectPolicy() {
        EctHttpClient client = integration().build().wrap(base, Redirect.ALWAYS);
        assertThat(client.followRedirects()).isEqualTo(Redirect.ALWAYS);
        assertThat(client.connectTimeout()).isEqualTo(base.connectTimeout());
        assertThat(client.version()).isEqualTo(base.version());
        assertThat(client.executor()).isEqualTo(base.executor());
        assertThat(client.proxy()).isEqualTo(base.proxy());
        assertThat(client.cookieHandler()).isEqualTo(base.cookieHandler());
        assertThat(client.authenticator()).isEmpty();
        assertThat(client.sslContext()).isSameAs(base.sslContext());
        assertThat(client.sslParameters().getProtocols()).isEqualTo(base.sslParameters().getProtocols());
        assertThat(client.newWebSocketBuilder()).isNotNull();
        assertThat(client.toString()).contains("ALWAYS");
        assertThat(integration().build().wrap(base).followRedirects()).isEqualTo(Redirect.NEVER);
    }

    @Test
    void buildersFailFast() {
        assertThatThrownBy(() -> EctHttp.builder(SIGNER_A, A).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("audience");
        assertThatThrownBy(() -> EctHttp.builder(SIGNER_A, " ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> integration().audience(AudienceResolver.fixed(B))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already set");
        assertThatThrownBy(() -> integration().maxTokenBytes(10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> integration().maxRedirects(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> integration().responseVerifier(Agents.verifier(B, dev.ect.core.dag.EctStore.empty())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(A);
        assertThatThrownBy(() -> EctRequestOptions.builder().inpHash("sha-256:abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EctRequestOptions.builder().execAct("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EctRequestOptions.builder().execAct("a").execAct("b")).isInstanceOf(IllegalStateException.class);
        assertThat(integration().build().selfId()).isEqualTo(A);
    }
}
