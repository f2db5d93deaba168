package dev.ect.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.client.AudienceResolver;
import dev.ect.core.client.EctClientConfig;
import dev.ect.core.client.EctMintingException;
import dev.ect.core.client.EctRequestOptions;
import dev.ect.core.client.EctResponseRejectedException;
import dev.ect.core.client.UnknownAudience;
import dev.ect.core.context.TaskContext;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.spring.internal.MicrometerInstrumentation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/** The RestClient interceptor on its own, against MockWebServer: claims, options, policies, response ECTs. */
class EctClientHttpRequestInterceptorTest {
    static final TestKeys KEYS;

    static {
        try {
            KEYS = new TestKeys(Files.createTempDirectory("ect-interceptor"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    final MockWebServer server = new MockWebServer();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void start() throws Exception { server.start(); }

    @AfterEach
    void stop() throws Exception { server.close(); }

    EctVerifier serviceVerifier() {
        return EctVerifier.builder().verifierId(TestKeys.SERVICE)
                .keySource(StaticKeySource.builder().key(TestKeys.DOWNSTREAM, KEYS.downstream).build())
                .ectStore(EctClientConfig.mintedEctStore()).build();
    }

    RestClient client(UnknownAudience policy, EctVerifier responses) {
        EctClientConfig.Builder b = EctClientConfig.builder(EctSigner.builder(KEYS.service).build(), TestKeys.SERVICE)
                .audience(AudienceResolver.byHost(Map.of("127.0.0.1:" + server.getPort(), TestKeys.DOWNSTREAM)))
                .unknownAudience(policy);
        if (responses != null) {
            b.responseVerifier(responses);
        }
        return RestClient.builder().requestInterceptor(new EctClientHttpRequestInterceptor(b.build(),
                MicrometerInstrumentation.timers(meters))).build();
    }

    String url(String path) { return "http://127.0.0.1:" + server.getPort() + path; }

    @Test
    @DisplayName("M-01, M-04, M-05: a call outside any task is a root task of its own; exec_act is METHOD /path (no query)")
    void rootTaskOutsideAContext() throws Exception {
        server.enqueue(new MockResponse.Builder().body("ok").build());
        assertThat(client(UnknownAudience.FAIL, null).get().uri(url("/items?secret=1")).retrieve().body(String.class)).isEqualTo("ok");
        String t = server.takeRequest(10, TimeUnit.SECONDS).getHeaders().get("Execution-Context");
        assertThat(Tokens.claim(t, "pred")).isEmpty();
        assertThat(Tokens.claim(t, "exec_act")).isEqualTo("GET /items");
        assertThat(Tokens.claim(t, "wid")).isNotBlank();
        assertThat(meters.find(EctInstrumentation.MINT).tag("outcome", "minted").timer().count()).isEqualTo(1);
    }

    @Test
    @DisplayName("F-02, F-03: inside a task, pred is its frontier and the answer (no response ECT, 200) joins it")
    void chainsInsideATask() throws Exception {
        server.enqueue(new MockResponse.Builder().body("a").build());
        server.enqueue(new MockResponse.Builder().body("b").build());
        RestClient c = client(UnknownAudience.FAIL, null);
        TaskContext ctx = TaskContext.root();
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            c.get().uri(url("/one")).retrieve().body(String.class);
            c.get().uri(url("/two")).retrieve().body(String.class);
        }
        String first = server.takeRequest(10, TimeUnit.SECONDS).getHeaders().get("Execution-Context");
        String second = server.takeRequest(10, TimeUnit.SECONDS).getHeaders().get("Execution-Context");
        assertThat(Tokens.claim(second, "pred")).isEqualTo(Tokens.claim(first, "jti"));
        assertThat(Tokens.claim(second, "wid")).isEqualTo(ctx.wid());
        assertThat(ctx.frontier()).containsExactly(Tokens.claim(second, "jti"));
    }

    @Test
    @DisplayName("per request: EctRequestOptions set exec_act and inp_hash of the body; none() sends no ECT; an ECT of the application's own passes through")
    void perRequestOptions() throws Exception {
        server.enqueue(new MockResponse.Builder().body("1").build());
        server.enqueue(new MockResponse.Builder().body("2").build());
        server.enqueue(new MockResponse.Builder().body("3").build());
        RestClient c = client(UnknownAudience.FAIL, null);
        c.post().uri(url("/sum")).attribute(EctClientHttpRequestInterceptor.OPTIONS,
                EctRequestOptions.builder().execAct("summarize").inpHashFromBody().build()).body("text").retrieve().body(String.class);
        c.get().uri(url("/plain")).attribute(EctClientHttpRequestInterceptor.OPTIONS, EctRequestOptions.none()).retrieve().body(String.class);
        c.get().uri(url("/own")).header("Execution-Context", "app-managed").retrieve().body(String.class);
        RecordedRequest sum = server.takeRequest(10, TimeUnit.SECONDS);
        assertThat(Tokens.claim(sum.getHeaders().get("Execution-Context"), "exec_act")).isEqualTo("summarize");
        assertThat(Tokens.claim(sum.getHeaders().get("Execution-Context"), "inp_hash")).isEqualTo(dev.ect.core.EctHashes.sha256("text"));
        assertThat(server.takeRequest(10, TimeUnit.SECONDS).getHeaders().get("Execution-Context")).isNull();
        assertThat(server.takeRequest(10, TimeUnit.SECONDS).getHeaders().get("Execution-Context")).isEqualTo("app-managed");
    }

    @Test
    @DisplayName("M-06: a target with no audience fails the call before anything is sent (fail), or goes without an ECT (skip)")
    void unknownAudience() throws Exception {
        String elsewhere = "http://localhost:" + server.getPort() + "/x"; // a host name the resolver does not know
        assertThatThrownBy(() -> client(UnknownAudience.FAIL, null).get().uri(elsewhere).retrieve().body(String.class))
                .isInstanceOf(ResourceAccessException.class).hasCauseInstanceOf(EctMintingException.class)
                .hasMessageContaining("M-06");
        assertThat(server.getRequestCount()).isZero();
        assertThat(meters.find(EctInstrumentation.MINT).tag("outcome", "failed").tag("reason", "M-06").timer().count()).isEqualTo(1);
        server.enqueue(new MockResponse.Builder().body("ok").build());
        client(UnknownAudience.SKIP, null).get().uri(elsewhere).retrieve().body(String.class);
        assertThat(server.takeRequest(10, TimeUnit.SECONDS).getHeaders().get("Execution-Context")).isNull();
    }

    @Test
    @DisplayName("T-08, F-03: a verified response ECT becomes the frontier; a forged one fails the call and leaves the frontier")
    void responseEcts() throws Exception {
        RestClient c = client(UnknownAudience.FAIL, serviceVerifier());
        TaskContext ctx = TaskContext.root();
        server.enqueue(new MockResponse.Builder().body("ok").build()); // answered after the request's ECT is known
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            // first call: no response ECT, the request's own task joins the frontier
            c.get().uri(url("/a")).retrieve().body(String.class);
        }
        String sent = server.takeRequest(10, TimeUnit.SECONDS).getHeaders().get("Execution-Context");
        String sentJti = Tokens.claim(sent, "jti");
        assertThat(ctx.frontier()).containsExactly(sentJti);

        // a forged answer: signed by a key the service does not trust
        String forged = EctSigner.builder(EctKeys.generate("downstream-1")).build().sign(Ect.builder().iss(TestKeys.DOWNSTREAM)
                .aud(TestKeys.SERVICE).execAct("x").wid(ctx.wid()).pred(List.of(sentJti)).build());
        server.enqueue(new MockResponse.Builder().addHeader("Execution-Context", forged).body("ok").build());
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            assertThatThrownBy(() -> c.get().uri(url("/b")).retrieve().body(String.class))
                    .isInstanceOf(ResourceAccessException.class).cause().isInstanceOf(EctResponseRejectedException.class)
                    .satisfies(e -> assertThat(((EctResponseRejectedException) e).reason()).isIn(ReasonCode.INVALID_SIGNATURE,
                            ReasonCode.UNKNOWN_KEY));
        }
        assertThat(ctx.frontier()).containsExactly(sentJti);
    }
}
