package dev.ect.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.config.EctConfig;
import dev.ect.core.config.EctConfigSource;
import dev.ect.core.config.EctRuntime;
import dev.ect.spring.app.TestApp;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter in a real Spring Boot application on the embedded Tomcat: the filter, the task context
 * in the controller, the outbound RestClient, Spring's error dispatch, and the metrics.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EctStarterServerTest {
    static final Path DIR;
    static final TestKeys KEYS;
    static final MockWebServer DOWNSTREAM = new MockWebServer();

    static {
        try {
            DIR = Files.createTempDirectory("ect-starter-server");
            DOWNSTREAM.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KEYS = new TestKeys(DIR);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("ect.verifier-id", () -> TestKeys.SERVICE);
        r.add("ect.trust", KEYS::callerTrust);
        r.add("ect.response-key-file", () -> KEYS.serviceKey.toString());
        r.add("ect.exclude-paths", () -> "/actuator/*");
        r.add("ect.optional-paths", () -> "/public/*");
        r.add("ect.client.audiences[127.0.0.1:" + DOWNSTREAM.getPort() + "]", () -> TestKeys.DOWNSTREAM);
        r.add("management.endpoints.web.exposure.include", () -> "health,metrics");
    }

    @AfterAll
    static void stop() throws IOException { DOWNSTREAM.close(); }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Test
    @DisplayName("T-07: a request without an ECT is refused 403 application/problem+json missing_ect; the controller does not run")
    void missingEctIsRefused() {
        HttpResponse<String> r = Http.get(port, "/hello", null);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(Http.ectError(r.body())).isEqualTo("missing_ect");
        assertThat(r.body()).doesNotContain("wid");
    }

    @Test
    @DisplayName("V-01..V-15, F-05: a valid ECT is accepted (200) and its task is current in the controller")
    void validEctMakesTheTaskCurrent() {
        String token = KEYS.callerToken("say_hello");
        HttpResponse<String> r = Http.get(port, "/hello", token);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"jti\":\"" + Tokens.claim(token, "jti") + "\"");
        // T-08: the response carries the service's ECT for the task it performed, answering the caller
        String answer = r.headers().firstValue("Execution-Context").orElseThrow();
        assertThat(Tokens.claim(answer, "iss")).isEqualTo(TestKeys.SERVICE);
        assertThat(Tokens.claim(answer, "pred")).isEqualTo(Tokens.claim(token, "jti"));
    }

    @Test
    @DisplayName("P-02: the same ECT twice is refused as replay")
    void replayIsRefused() {
        String token = KEYS.callerToken("once");
        assertThat(Http.get(port, "/hello", token).statusCode()).isEqualTo(200);
        HttpResponse<String> again = Http.get(port, "/hello", token);
        assertThat(again.statusCode()).isEqualTo(403);
        assertThat(Http.ectError(again.body())).isEqualTo("replay");
    }

    @Test
    @DisplayName("M-04, F-02, M-06: the controller's RestClient call carries an ECT whose pred is the inbound task, aud the target's id, signed by the service")
    void outboundCallCarriesTheInboundTaskAsPred() throws Exception {
        DOWNSTREAM.enqueue(new MockResponse.Builder().body("downstream-ok").build());
        String token = KEYS.callerToken("fan_out");
        HttpResponse<String> r = Http.get(port, "/call?url=http://127.0.0.1:" + DOWNSTREAM.getPort() + "/work", token);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("downstream-ok");
        RecordedRequest in = DOWNSTREAM.takeRequest(10, TimeUnit.SECONDS);
        String outbound = in.getHeaders().get("Execution-Context");
        assertThat(outbound).isNotNull();
        assertThat(Tokens.claim(outbound, "pred")).isEqualTo(Tokens.claim(token, "jti"));
        assertThat(Tokens.claim(outbound, "wid")).isEqualTo(Tokens.claim(token, "wid"));
        assertThat(Tokens.claim(outbound, "iss")).isEqualTo(TestKeys.SERVICE);
        assertThat(Tokens.claim(outbound, "aud")).isEqualTo(TestKeys.DOWNSTREAM);
        assertThat(Tokens.claim(outbound, "exec_act")).isEqualTo("GET /work");
        // the downstream agent verifies it with the service's public key only
        try (EctRuntime downstream = downstreamVerifier()) {
            assertThat(downstream.verifier().verify(outbound).ect().iss()).isEqualTo(TestKeys.SERVICE);
        }
        // the answer (no response ECT, 200) moved the frontier: the service's response ECT names the outbound task
        String answer = r.headers().firstValue("Execution-Context").orElseThrow();
        assertThat(Tokens.claim(answer, "pred")).isEqualTo(Tokens.claim(outbound, "jti"));
        // the mint was timed
        assertThat(meters.find(EctInstrumentation.MINT).tag("outcome", "minted").timers()).isNotEmpty();
    }

    @Test
    @DisplayName("T-10: Spring's error dispatch of an accepted request renders the 500 without verifying again (no replay, no 403)")
    void errorDispatchDoesNotVerifyAgain() {
        String token = KEYS.callerToken("fail");
        double acceptedBefore = count("accepted", "none");
        HttpResponse<String> r = Http.get(port, "/boom", token);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(Http.ectError(r.body())).isNull();
        assertThat(count("accepted", "none") - acceptedBefore).isEqualTo(1.0);
    }

    @Test
    @DisplayName("T-07: an unknown path with a valid ECT is Spring's 404, and an optional path without an ECT is served")
    void notFoundAndOptionalPaths() {
        assertThat(Http.get(port, "/nothing-here", KEYS.callerToken("lost")).statusCode()).isEqualTo(404);
        HttpResponse<String> pub = Http.get(port, "/public/info", null);
        assertThat(pub.statusCode()).isEqualTo(200);
        assertThat(pub.body()).isEqualTo("public");
    }

    @Test
    @DisplayName("V-07: a token signed by an untrusted key is refused unknown_key, and ect.verifications counts it under its reason code")
    void metricsCountRejectionsByReason() {
        double before = count("rejected", "unknown_key");
        HttpResponse<String> r = Http.get(port, "/hello", KEYS.untrustedToken());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(Http.ectError(r.body())).isIn("unknown_key", "invalid_signature");
        String reason = Http.ectError(r.body());
        assertThat(count("rejected", reason) - (reason.equals("unknown_key") ? before : 0)).isGreaterThanOrEqualTo(1.0);
        // the verify timer saw the rejection too
        assertThat(meters.find(EctInstrumentation.VERIFY).tag("outcome", "rejected").timers()).isNotEmpty();
        // and the metrics endpoint shows it
        HttpResponse<String> m = Http.get(port, "/actuator/metrics/ect.verifications?tag=reason:" + reason, null);
        assertThat(m.statusCode()).isEqualTo(200);
        assertThat(m.body()).contains("\"COUNT\"");
    }

    @Test
    @DisplayName("health: the ect contributor is UP with an in-process replay store and a JWKS file")
    void healthUp() {
        HttpResponse<String> h = Http.get(port, "/actuator/health", null);
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(h.body()).contains("\"status\":\"UP\"");
    }

    @Test
    @DisplayName("M-01, T-08, F-03: an ECT minted by ect-okhttp-interceptor verifies in the Spring application, and its response ECT verifies in OkHttp")
    void okHttpClientToSpring() throws Exception {
        dev.ect.core.EctVerifier callerSide = dev.ect.core.EctVerifier.builder().verifierId(TestKeys.CALLER)
                .keySource(dev.ect.core.keys.StaticKeySource.builder().key(TestKeys.SERVICE, KEYS.service).build())
                .ectStore(dev.ect.okhttp.EctOkHttp.mintedEctStore()).build();
        dev.ect.okhttp.EctOkHttp ect = dev.ect.okhttp.EctOkHttp.builder(dev.ect.core.EctSigner.builder(KEYS.caller).build(), TestKeys.CALLER)
                .audience(dev.ect.okhttp.AudienceResolver.byHost(Map.of("127.0.0.1:" + port, TestKeys.SERVICE)))
                .responseVerifier(callerSide).build();
        okhttp3.OkHttpClient client = ect.wrap(new okhttp3.OkHttpClient());
        dev.ect.core.context.TaskContext ctx = dev.ect.core.context.TaskContext.root();
        try (dev.ect.core.context.TaskContext.Scope s = ctx.makeCurrent();
                okhttp3.Response r = client.newCall(new okhttp3.Request.Builder().url("http://127.0.0.1:" + port + "/hello").build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            String answer = r.header("Execution-Context");
            assertThat(answer).isNotNull();
            // F-03: the verified answer is the caller's new frontier
            assertThat(ctx.frontier()).containsExactly(Tokens.claim(answer, "jti"));
            assertThat(r.body().string()).contains("\"wid\":\"" + ctx.wid() + "\"");
        }
    }

    private double count(String outcome, String reason) {
        var c = meters.find("ect.verifications").tag("outcome", outcome).tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private static EctRuntime downstreamVerifier() {
        return EctConfig.from(EctConfigSource.properties("property", Map.of(
                "ect.verifier-id", TestKeys.DOWNSTREAM,
                "ect.trust", TestKeys.SERVICE + "=" + KEYS.serviceJwks,
                "ect.allow-unresolved", "true"))).open(Clock.systemUTC());
    }

}
