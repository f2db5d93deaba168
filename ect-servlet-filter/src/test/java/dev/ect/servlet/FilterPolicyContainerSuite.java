package dev.ect.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.Ect;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.SignedEct;
import dev.ect.core.VerificationListener;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.servlet.EctFilterEvent.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Attacks on the filter's policy over real HTTP, run unchanged on Jetty 12 and Tomcat 11: several
 * filter instances on one request (T-09), dispatches from an optional to a required path (T-10),
 * suffix exclusions under a required prefix (T-10), and the item-12 gaps (the jti/iss of a
 * rejection by a filter built with {@code .verifier(v)}, response ECTs of {@code sendError}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FilterPolicyContainerSuite {
    private PolicyApp app;
    private TestContainer container;
    private HttpClient http;
    private EctSigner signerA;
    private EctSigner signerB;

    protected abstract TestContainer.Factory containerFactory();

    @BeforeAll
    void start() throws Exception {
        app = new PolicyApp();
        container = containerFactory().start(app, Map.of(418, "/api/error-page", 410, "/errors/optional"));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        signerA = EctSigner.builder(app.keyA).build();
        signerB = EctSigner.builder(app.keyB).build();
    }

    @AfterAll
    void stop() {
        if (container != null) {
            container.close();
        }
    }

    // ---------------------------------------------------------------- T-09: several filter instances

    @Test
    @DisplayName("T-09 a second filter that requires an ECT refuses a request the first (optional) let through without one")
    void t09SecondFilterRequiresItsOwnEct() throws Exception {
        HttpResponse<String> r = get("/admin/x", null);
        assertProblem(r, 403, "missing_ect");
        assertThat(app.invocations("/admin/x")).isZero();
    }

    @Test
    @DisplayName("T-09 a token the first filter accepted is verified again with the second filter's trust and id")
    void t09TokenAcceptedByTheFirstFilterIsCheckedByTheSecond() throws Exception {
        // A's token addressed to svc1: svc1 accepts it; admin trusts only B and is not in aud
        SignedEct a = signerA.mint(draft(A()).aud(PolicyApp.SVC1).build());
        HttpResponse<String> r = get("/admin/a", a.compact());
        assertProblem(r, 403, "unknown_key");
        assertThat(app.invocations("/admin/a")).isZero();
        assertThat(app.adminLedger.findEntries(a.ect().jti())).isEmpty();
        // B's token addressed to svc1 only: admin's own audience check refuses it
        SignedEct notForAdmin = signerB.mint(draft(B()).aud(PolicyApp.SVC1).build());
        assertProblem(get("/admin/b", notForAdmin.compact()), 403, "audience_mismatch");
        assertThat(app.invocations("/admin/b")).isZero();
    }

    @Test
    @DisplayName("T-09 a token both filters accept reaches the servlet; each filter's own ledger records it once")
    void t09TokenBothFiltersAcceptIsRecordedOncePerStore() throws Exception {
        SignedEct b = signerB.mint(draft(B()).aud(List.of(PolicyApp.SVC1, PolicyApp.ADMIN)).build());
        HttpResponse<String> r = get("/admin/ok", b.compact());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(lines(r.body())).containsEntry("ect.jti", b.ect().jti()).containsEntry("ect.level", "L3")
                .containsEntry("ctx.jti", b.ect().jti());
        assertThat(app.ledger1.findEntries(b.ect().jti())).hasSize(1);
        assertThat(app.adminLedger.findEntries(b.ect().jti())).hasSize(1);
        assertThat(app.replay1.records(b.ect().jti())).isEqualTo(1);
        assertThat(app.events.forJti(b.ect().jti())).extracting(EctFilterEvent::outcome, e -> e.path())
                .contains(org.assertj.core.groups.Tuple.tuple(Outcome.ACCEPTED, "svc1:/admin/ok"),
                        org.assertj.core.groups.Tuple.tuple(Outcome.ACCEPTED, "admin:/admin/ok"));
        // one response ECT, minted by the filter that accepted first
        assertThat(r.headers().allValues(EctFilter.HEADER)).hasSize(1);
        // and a replay is one for both
        assertProblem(get("/admin/ok", b.compact()), 403, "replay");
    }

    @Test
    @DisplayName("T-09 two filters sharing one replay store and ledger: the second check is no replay, each store is written once")
    void t09SharedStoresAreWrittenOnce() throws Exception {
        SignedEct a = signerA.mint(draft(A()).aud(PolicyApp.SVC1).build());
        HttpResponse<String> r = get("/shared/x", a.compact());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(app.replay1.records(a.ect().jti())).isEqualTo(1);
        assertThat(app.ledger1.findEntries(a.ect().jti())).hasSize(1);
        assertThat(app.events.forJti(a.ect().jti())).extracting(EctFilterEvent::outcome, e -> e.path())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Outcome.ACCEPTED, "svc1:/shared/x"),
                        org.assertj.core.groups.Tuple.tuple(Outcome.ACCEPTED, "shared:/shared/x"));
        assertProblem(get("/shared/x", a.compact()), 403, "replay");
    }

    @Test
    @DisplayName("T-09 two filters with their own stores: each records the token once")
    void t09SeparateStoresEachRecordOnce() throws Exception {
        SignedEct a = signerA.mint(draft(A()).aud(PolicyApp.SVC1).build());
        assertThat(get("/own/x", a.compact()).statusCode()).isEqualTo(200);
        assertThat(app.replay1.records(a.ect().jti())).isEqualTo(1);
        assertThat(app.ownReplay.records(a.ect().jti())).isEqualTo(1);
        assertThat(app.ledger1.findEntries(a.ect().jti())).hasSize(1);
        assertThat(app.ownLedger.findEntries(a.ect().jti())).hasSize(1);
    }

    // ---------------------------------------------------------------- T-10: dispatches

    @Test
    @DisplayName("T-10 a FORWARD from an optional path to a required one without an ECT is 403 missing_ect")
    void t10ForwardFromOptionalToRequired() throws Exception {
        HttpResponse<String> r = get("/public/forward?to=/api/secret", null);
        assertProblem(r, 403, "missing_ect");
        assertThat(app.invocations("/api/secret")).isZero();
        // with a valid ECT the forward goes through
        SignedEct a = signerA.mint(draft(A()).aud(PolicyApp.SVC1).build());
        HttpResponse<String> ok = get("/public/forward?to=/api/fwd-ok", a.compact());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(lines(ok.body())).containsEntry("servlet", "/api/fwd-ok").containsEntry("dispatch", "FORWARD");
    }

    @Test
    @DisplayName("T-10 an INCLUDE of a required path without an ECT: the included servlet does not run, the client gets 403")
    void t10IncludeOfRequiredPath() throws Exception {
        HttpResponse<String> r = get("/public/include?to=/api/included", null);
        assertThat(app.invocations("/api/included")).isZero();
        assertProblem(r, 403, "missing_ect");
        assertThat(r.body()).doesNotContain("servlet=/api/included");
    }

    @Test
    @DisplayName("T-09 T-10 an INCLUDE the second filter refuses, in a request whose ECT the first accepted: 403 without a response ECT")
    void t09IncludeRefusedBySecondFilterCarriesNoResponseEct() throws Exception {
        SignedEct a = signerA.mint(draft(A()).aud(PolicyApp.SVC1).build());
        HttpResponse<String> r = get("/public/include?to=/admin/included", a.compact());
        assertThat(app.invocations("/admin/included")).isZero();
        assertProblem(r, 403, "unknown_key");
        assertThat(r.headers().firstValue(EctFilter.HEADER)).isEmpty();
        assertThat(r.body()).doesNotContain("before-include");
    }

    @Test
    @DisplayName("T-10 an ASYNC dispatch to a required path without an ECT is 403 missing_ect")
    void t10AsyncDispatchToRequiredPath() throws Exception {
        HttpResponse<String> r = get("/public/async?to=/api/async-target", null);
        assertProblem(r, 403, "missing_ect");
        assertThat(app.invocations("/api/async-target")).isZero();
    }

    @Test
    @DisplayName("T-10 an ERROR dispatch to an error page under a required path without an ECT: the page does not run")
    void t10ErrorDispatchToRequiredPath() throws Exception {
        HttpResponse<String> r = get("/public/error?status=418", null);
        assertThat(app.invocations("/api/error-page")).isZero();
        assertThat(r.body()).doesNotContain("servlet=/api/error-page");
        // both containers let the filter answer in the ERROR dispatch
        assertProblem(r, 403, "missing_ect");
        // an error page on an optional path still runs
        HttpResponse<String> optional = get("/public/error?status=410", null);
        assertThat(optional.statusCode()).isEqualTo(410);
        assertThat(lines(optional.body())).containsEntry("servlet", "/errors/optional");
    }

    // ---------------------------------------------------------------- T-10: suffix exclusions

    @Test
    @DisplayName("T-10 a *.css exclusion does not open /api/secret.css (required prefix) to a request without an ECT")
    void t10SuffixExclusionDoesNotOpenARequiredPrefix() throws Exception {
        assertProblem(get("/api/secret.css", null), 403, "missing_ect");
        HttpResponse<String> encoded = get("/api/secret%3B.css", null);
        assertThat(encoded.statusCode()).isIn(400, 403); // a container may refuse the encoded ';' itself
        assertThat(app.invocations).doesNotContainKeys("/api/secret.css", "/api/secret;.css");
        // outside a required prefix, for the extension-mapped servlet, the exclusion still applies
        HttpResponse<String> css = get("/static/theme.css", "not-even-a-token");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(lines(css.body())).containsEntry("servlet", "/static/theme.css");
    }

    // ---------------------------------------------------------------- item 12

    @Test
    @DisplayName("Item 12 a filter built with .verifier(v) logs the rejected token's jti and iss (T-11 escaped), never the token")
    void item12RejectionByACustomVerifierIsLoggedWithJtiAndIss() throws Exception {
        SignedEct wrongAud = signerA.mint(draft(A()).aud("spiffe://example.com/someone-else").build());
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(get("/custom/y", wrongAud.compact()).statusCode()).isEqualTo(403);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).doesNotContain(wrongAud.compact()).doesNotContain(wrongAud.compact().split("\\.")[2]);
        assertThat(log).contains("jti=" + wrongAud.ect().jti()).contains("iss=" + PolicyApp.A);
        assertThat(app.events.forJti(wrongAud.ect().jti())).extracting(EctFilterEvent::iss).contains(PolicyApp.A);
    }

    @Test
    @DisplayName("Item 12 a sendError answer carries the response ECT for the task (T-08), on both containers")
    void item12SendErrorCarriesTheResponseEct() throws Exception {
        SignedEct a = signerA.mint(draft(A()).aud(PolicyApp.SVC1).build());
        HttpResponse<String> r = get("/api/conflict", a.compact());
        assertThat(r.statusCode()).isEqualTo(409);
        List<String> resp = r.headers().allValues(EctFilter.HEADER);
        assertThat(resp).hasSize(1);
        EctVerifier callerSide = EctVerifier.builder().verifierId(PolicyApp.A)
                .keySource(StaticKeySource.builder().key(PolicyApp.SVC1, app.serverKey).build())
                .settings(EctSettings.builder().allowUnresolvedPredecessors(true).build()) // the caller's own task is not in any store here
                .listener(VerificationListener.noop()).build();
        Ect answer = callerSide.verify(resp.get(0)).ect();
        assertThat(answer.pred()).containsExactly(a.ect().jti());
        assertThat(answer.iss()).isEqualTo(PolicyApp.SVC1);
    }

    // ---------------------------------------------------------------- helpers

    private static String A() { return PolicyApp.A; }

    private static String B() { return PolicyApp.B; }

    private static Ect.Builder draft(String iss) {
        return Ect.builder().iss(iss).jti(UUID.randomUUID().toString()).execAct("call").pred(List.of());
    }

    private HttpResponse<String> get(String path, String ect) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + container.port() + path))
                .timeout(Duration.ofSeconds(20)).GET();
        if (ect != null) {
            b.header(EctFilter.HEADER, ect);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as("status of %s, body %s", r.uri(), r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(r.body()).contains("\"ect_error\":\"" + code + "\"");
    }

    private static Map<String, String> lines(String body) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String line : body.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }
}
