package dev.ect.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.Ect;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.SecurityEvent;
import dev.ect.core.VerificationEvent;
import dev.ect.core.VerificationListener;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.ledger.LedgerEntry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Task-id squatting (G-01, G-07, P-01, L-06) and what a 403 discloses (T-12), over real HTTP
 * through the filter in a real container. Issuers A and B are both trusted by the server; B has
 * seen A's {@code Execution-Context} header (its {@code wid} and {@code jti}) and races A to the
 * server with an ECT of its own under A's task id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TaskIdSquattingContainerSuite {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";
    static final String SERVER = "spiffe://example.com/server";

    private final EctKeyPair keyA = EctKeys.generate("a-1");
    private final EctKeyPair keyB = EctKeys.generate("b-1");
    private final EctSigner a = EctSigner.builder(keyA).build();
    private final EctSigner b = EctSigner.builder(keyB).build();
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final List<SecurityEvent> securityEvents = new CopyOnWriteArrayList<>();
    private TestContainer container;
    private HttpClient http;

    /** How to start the container under test. */
    protected abstract TestContainer.Factory containerFactory();

    @BeforeAll
    void start() throws Exception {
        EctVerifier verifier = EctVerifier.builder().verifierId(SERVER)
                .keySource(StaticKeySource.builder().key(A, keyA).key(B, keyB).build())
                .ledger(ledger).listener(VerificationListener.logging().andThen(new VerificationListener() {
                    @Override
                    public void onVerification(VerificationEvent e) { }

                    @Override
                    public void onSecurityEvent(SecurityEvent e) { securityEvents.add(e); }
                })).build();
        EctFilter filter = new EctFilter(EctFilterConfig.builder().environment(Map.of()).verifier(verifier).build());
        // the same deployment, but with the verifier built by the filter from its configuration
        EctFilter built = new EctFilter(EctFilterConfig.builder().environment(Map.of()).verifier(EctVerifier.builder()
                .verifierId(SERVER).listener(EctFilterConfig.verifierListener())
                .keySource(StaticKeySource.builder().key(A, keyA).key(B, keyB).build()).ledger(ledger).build()).ledger(ledger).build());
        ServletContainerInitializer app = (Set<Class<?>> classes, ServletContext ctx) -> {
            FilterRegistration.Dynamic f = ctx.addFilter("ect", filter);
            f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/*");
            ctx.addFilter("built", built).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/built/*");
            ctx.addServlet("ok", new Ok()).addMapping("/*");
        };
        container = containerFactory().start(app, Map.of());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    void stop() {
        if (container != null) {
            container.close();
        }
    }

    /** Answers 200 "ok" to whatever the filter lets through. */
    static final class Ok extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().write("ok");
        }
    }

    private String token(EctSigner signer, String iss, String jti, String wid, UnaryOperator<Ect.Builder> more) {
        Instant now = Instant.now();
        return signer.sign(more.apply(Ect.builder().iss(iss).aud(SERVER).iat(now).exp(now.plus(Duration.ofMinutes(5)))
                .jti(jti).wid(wid).execAct("review_spec").pred(List.of())).build());
    }

    private HttpResponse<String> send(String ect) throws IOException, InterruptedException { return send("/api/task", ect); }

    private HttpResponse<String> send(String path, String ect) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + container.port() + path))
                .timeout(Duration.ofSeconds(20)).header(EctFilter.HEADER, ect).GET().build();
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Object> problem(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        return JsonUtil.parseJson(r.body());
    }

    @Test
    @DisplayName("G-01 L-06 P-01: B squats A's (wid, jti) first over HTTP; A's genuine ECT is still accepted")
    void squatFirstDoesNotLockOutTheGenuineIssuer() throws Exception {
        String wid = UUID.randomUUID().toString();
        String jti = UUID.randomUUID().toString();
        assertThat(send(token(b, B, jti, wid, x -> x.execAct("squat"))).statusCode()).isEqualTo(200);

        HttpResponse<String> genuine = send(token(a, A, jti, wid, x -> x));

        assertThat(genuine.statusCode()).as(genuine.body()).isEqualTo(200);
        assertThat(ledger.findEntries(jti)).extracting(LedgerEntry::iss).containsExactly(B, A);
    }

    @Test
    @DisplayName("G-07: A's child naming the squatted task id is refused 403 dag_ambiguous_predecessor")
    void childOfTheSquattedTaskIdIsRefused() throws Exception {
        String wid = UUID.randomUUID().toString();
        String jti = UUID.randomUUID().toString();
        assertThat(send(token(b, B, jti, wid, x -> x.execAct("squat"))).statusCode()).isEqualTo(200);
        assertThat(send(token(a, A, jti, wid, x -> x)).statusCode()).isEqualTo(200);

        String childJti = UUID.randomUUID().toString();
        HttpResponse<String> child = send(token(a, A, childJti, wid, x -> x.pred(jti)));

        assertThat(child.statusCode()).isEqualTo(403);
        assertThat(problem(child)).containsEntry("ect_error", "dag_ambiguous_predecessor");
        assertThat(problem(child).get("detail").toString()).doesNotContain(B);
        assertThat(ledger.findEntries(childJti)).isEmpty();
        assertThat(securityEvents).filteredOn(e -> childJti.equals(e.jti())).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(SecurityEvent.Kind.AMBIGUOUS_PREDECESSOR);
            assertThat(e.taskId()).isEqualTo(jti);
            assertThat(e.claimedBy()).containsExactly(B, A);
        });
    }

    @Test
    @DisplayName("G-07: a filter that builds its own verifier logs the security event at WARN, with ids and no token")
    void filterBuiltVerifierLogsTheSecurityEvent() throws Exception {
        String wid = UUID.randomUUID().toString();
        String jti = UUID.randomUUID().toString();
        assertThat(send("/built/task", token(b, B, jti, wid, x -> x.execAct("squat"))).statusCode()).isEqualTo(200);
        assertThat(send("/built/task", token(a, A, jti, wid, x -> x)).statusCode()).isEqualTo(200);
        String childJti = UUID.randomUUID().toString();
        String child = token(a, A, childJti, wid, x -> x.pred(jti));

        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        HttpResponse<String> r;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            r = send("/built/task", child);
        } finally {
            System.setErr(original);
        }

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(problem(r)).containsEntry("ect_error", "dag_ambiguous_predecessor");
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("WARN").contains("AMBIGUOUS_PREDECESSOR").contains("jti=" + childJti).contains("task=" + jti)
                .contains(B).doesNotContain(child).doesNotContain(child.split("\\.")[2]);
    }

    @Test
    @DisplayName("T-12 G-03: dag_workflow_mismatch does not disclose the predecessor's workflow id")
    void workflowMismatchDoesNotDiscloseTheOtherWid() throws Exception {
        String widOfA = UUID.randomUUID().toString();
        String jtiOfA = UUID.randomUUID().toString();
        assertThat(send(token(a, A, jtiOfA, widOfA, x -> x)).statusCode()).isEqualTo(200);

        // B names A's task (seen in a header) from a workflow of its own, to learn A's workflow id
        String widOfB = UUID.randomUUID().toString();
        HttpResponse<String> r = send(token(b, B, UUID.randomUUID().toString(), widOfB, x -> x.pred(jtiOfA)));

        assertThat(r.statusCode()).isEqualTo(403);
        Map<String, Object> p = problem(r);
        assertThat(p).containsEntry("ect_error", "dag_workflow_mismatch");
        assertThat(r.body()).doesNotContain(widOfA).doesNotContain(A);
        assertThat(p.get("detail").toString()).contains(jtiOfA); // what B itself sent may be named
    }

    @Test
    @DisplayName("T-12 G-01: dag_duplicate_jti does not disclose the workflow the task id was recorded in")
    void duplicateDoesNotDiscloseTheOtherWid() throws Exception {
        String wid = UUID.randomUUID().toString();
        String jti = UUID.randomUUID().toString();
        assertThat(send(token(a, A, jti, wid, x -> x)).statusCode()).isEqualTo(200);

        // the same task id again, without a wid: refused, but the answer must not name wid
        HttpResponse<String> r = send(token(a, A, jti, null, x -> x.execAct("again")));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(problem(r)).containsEntry("ect_error", "dag_duplicate_jti");
        assertThat(r.body()).doesNotContain(wid);
    }

    @Test
    @DisplayName("T-12 G-01: another issuer's jti without a wid is not a duplicate and discloses nothing")
    void otherIssuersTaskIdWithoutWidDisclosesNothing() throws Exception {
        String wid = UUID.randomUUID().toString();
        String jti = UUID.randomUUID().toString();
        assertThat(send(token(a, A, jti, wid, x -> x)).statusCode()).isEqualTo(200);

        HttpResponse<String> r = send(token(b, B, jti, null, x -> x));

        assertThat(r.body()).doesNotContain(wid);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200); // G-01 is per issuer
    }
}
