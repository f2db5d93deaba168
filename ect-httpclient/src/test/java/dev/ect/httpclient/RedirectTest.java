package dev.ect.httpclient;

import dev.ect.core.client.EctMintingException;
import dev.ect.core.client.AudienceResolver;
import static dev.ect.httpclient.Agents.A;
import static dev.ect.httpclient.Agents.B;
import static dev.ect.httpclient.Agents.C;
import static dev.ect.httpclient.Agents.SIGNER_A;
import static dev.ect.httpclient.Agents.hostPort;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.Ect;
import dev.ect.core.EctVerifier;
import dev.ect.core.context.TaskContext;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Redirect;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/**
 * Redirects: the JDK client would follow them internally and resend the first hop's headers (one
 * jti to every host), so the integration follows them itself and mints each hop (M-01, M-06).
 */
@SuppressWarnings("try") // scopes are opened for their effect: the variable is unused by design
class RedirectTest {
    private final MockWebServer server = new MockWebServer();
    private final MockWebServer second = new MockWebServer();
    private final HttpClient base = Agents.base();

    @BeforeEach
    void start() throws IOException {
        server.start();
        second.start();
    }

    @AfterEach
    void stop() {
        server.close();
        second.close();
    }

    private EctHttp.Builder integration() {
        return EctHttp.builder(SIGNER_A, A).audience(AudienceResolver.byHost(Map.of(hostPort(server), B, hostPort(second), C)));
    }

    private static RecordedRequest take(MockWebServer s) throws InterruptedException {
        RecordedRequest r = s.takeRequest(10, TimeUnit.SECONDS);
        assertThat(r).as("a request reached the server").isNotNull();
        return r;
    }

    private static Ect ect(RecordedRequest r, String aud) {
        assertThat(r.getHeaders().values(EctHttp.HEADER)).hasSize(1);
        return Agents.decode(r.getHeaders().get(EctHttp.HEADER), aud);
    }

    private static MockResponse redirect(int code, String location) {
        return new MockResponse.Builder().code(code).addHeader("Location", location).body("moved").build();
    }

    @Test
    @DisplayName("M-01, M-06, F-02, F-03: each redirect hop gets a fresh jti and the aud of its host; same pred; only the final answer moves the frontier")
    void eachRedirectHopIsMintedOnItsOwn() throws Exception {
        server.enqueue(redirect(302, second.url("/moved").toString()));
        second.enqueue(new MockResponse.Builder().body("landed").build());
        EctHttpClient client = integration().build().wrap(base, Redirect.NORMAL);
        TaskContext ctx = TaskContext.root();
        String start = UUID.randomUUID().toString();
        ctx.resetFrontier(List.of(start));
        HttpResponse<String> response;
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            response = client.send(Agents.get(server, "/start"), BodyHandlers.ofString());
        }
        assertThat(response.body()).isEqualTo("landed");
        assertThat(response.uri()).isEqualTo(second.url("/moved").uri());
        assertThat(response.previousResponse()).hasValueSatisfying(p -> {
            assertThat(p.statusCode()).isEqualTo(302);
            assertThat(p.body()).isNull(); // the redirect's body was discarded, as the JDK does
        });
        Ect hop1 = ect(take(server), B);
        Ect hop2 = ect(take(second), C);
        assertThat(hop1.aud()).containsExactly(B);
        assertThat(hop2.aud()).containsExactly(C);
        assertThat(hop2.jti()).isNotEqualTo(hop1.jti());
        assertThat(hop1.pred()).containsExactly(start);
        assertThat(hop2.pred()).containsExactly(start);
        assertThat(hop2.wid()).isEqualTo(ctx.wid());
        assertThat(hop1.execAct()).isEqualTo("GET /start");
        assertThat(hop2.execAct()).isEqualTo("GET /moved");
        assertThat(ctx.frontier()).containsExactly(hop2.jti()); // the redirect is not an answer to the call
    }

    @Test
    @DisplayName("M-01: sendAsync follows redirects the same way, minting each hop")
    void sendAsyncFollowsRedirectsMintingEachHop() throws Exception {
        server.enqueue(redirect(301, "/relative"));
        server.enqueue(new MockResponse.Builder().body("here").build());
        EctHttpClient client = integration().build().wrap(base, Redirect.NORMAL);
        HttpResponse<String> r = client.sendAsync(Agents.get(server, "/a"), BodyHandlers.ofString()).get(20, TimeUnit.SECONDS);
        assertThat(r.body()).isEqualTo("here");
        Ect hop1 = ect(take(server), B);
        RecordedRequest second = take(server);
        assertThat(second.getUrl().encodedPath()).isEqualTo("/relative");
        assertThat(ect(second, B).jti()).isNotEqualTo(hop1.jti());
    }

    @Test
    @DisplayName("M-01: 303 turns a POST into a GET without body; 307 repeats the POST with its body; both minted afresh")
    void redirectMethodsFollowTheJdkRules() throws Exception {
        server.enqueue(redirect(303, "/see-other"));
        server.enqueue(new MockResponse.Builder().body("got").build());
        server.enqueue(redirect(307, "/temporary"));
        server.enqueue(new MockResponse.Builder().body("posted").build());
        EctHttpClient client = integration().build().wrap(base, Redirect.NORMAL);
        HttpRequest post = HttpRequest.newBuilder(server.url("/form").uri()).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("payload")).build();
        assertThat(client.send(post, BodyHandlers.ofString()).body()).isEqualTo("got");
        assertThat(client.send(post, BodyHandlers.ofString()).body()).isEqualTo("posted");
        RecordedRequest p1 = take(server);
        RecordedRequest g = take(server);
        RecordedRequest p2 = take(server);
        RecordedRequest p3 = take(server);
        assertThat(g.getMethod()).isEqualTo("GET");
        assertThat(g.getHeaders().get("Content-Type")).isNull();
        assertThat(ect(g, B).execAct()).isEqualTo("GET /see-other");
        assertThat(p3.getMethod()).isEqualTo("POST");
        assertThat(p3.getBody().utf8()).isEqualTo("payload");
        assertThat(List.of(ect(p1, B).jti(), ect(g, B).jti(), ect(p2, B).jti(), ect(p3, B).jti())).doesNotHaveDuplicates();
    }

    @Test
    @DisplayName("Redirect.NEVER (wrap(delegate)) returns the 3xx to the application, with its body")
    void neverReturnsTheRedirect() throws Exception {
        server.enqueue(redirect(302, second.url("/moved").toString()));
        HttpResponse<String> r = integration().build().wrap(base).send(Agents.get(server, "/x"), BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.body()).isEqualTo("moved");
        assertThat(second.getRequestCount()).isZero();
    }

    @Test
    @DisplayName("M-01: at most maxRedirects hops are followed; then the 3xx is the answer; each hop minted once")
    void redirectsStopAtTheLimit() throws Exception {
        for (int i = 0; i < 3; i++) {
            server.enqueue(redirect(302, "/loop"));
        }
        HttpResponse<String> r = integration().maxRedirects(2).build().wrap(base, Redirect.ALWAYS)
                .send(Agents.get(server, "/loop"), BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(server.getRequestCount()).isEqualTo(3);
        List<String> jtis = List.of(ect(take(server), B).jti(), ect(take(server), B).jti(), ect(take(server), B).jti());
        assertThat(jtis).doesNotHaveDuplicates();
    }

    @Test
    @DisplayName("a redirect to another origin drops Authorization; one on the same origin keeps it")
    void crossOriginRedirectsDropAuthorization() throws Exception {
        server.enqueue(redirect(302, "/same"));
        server.enqueue(redirect(302, second.url("/other").toString()));
        second.enqueue(new MockResponse.Builder().build());
        HttpRequest r = HttpRequest.newBuilder(server.url("/start").uri()).header("Authorization", "Bearer secret").build();
        integration().build().wrap(base, Redirect.NORMAL).send(r, BodyHandlers.discarding());
        assertThat(take(server).getHeaders().get("Authorization")).isEqualTo("Bearer secret");
        assertThat(take(server).getHeaders().get("Authorization")).isEqualTo("Bearer secret");
        assertThat(take(second).getHeaders().get("Authorization")).isNull();
    }

    @Test
    @DisplayName("a redirect without Location, or to a non-http scheme, is the final answer")
    void unusableRedirectsAreTheAnswer() throws Exception {
        server.enqueue(new MockResponse.Builder().code(302).build());
        server.enqueue(redirect(302, "ftp://example.com/file"));
        EctHttpClient client = integration().build().wrap(base, Redirect.ALWAYS);
        assertThat(client.send(Agents.get(server, "/a"), BodyHandlers.discarding()).statusCode()).isEqualTo(302);
        assertThat(client.send(Agents.get(server, "/b"), BodyHandlers.discarding()).statusCode()).isEqualTo(302);
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    @DisplayName("T-08, F-03: a redirect hop's response ECT is verified too, but only the final answer moves the frontier")
    void aRedirectsResponseEctIsVerifiedButDoesNotMoveTheFrontier() throws Exception {
        List<String> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
        Agents.PeerB peer = new Agents.PeerB(in -> {
            dev.ect.core.SignedEct answer = Agents.SIGNER_B.mint(Agents.responseFor(in).build());
            answers.add(answer.ect().jti());
            return in.execAct().equals("GET /first")
                    ? new MockResponse.Builder().code(302).addHeader("Location", "/second").addHeader(EctHttp.HEADER, answer.compact()).build()
                    : new MockResponse.Builder().addHeader(EctHttp.HEADER, answer.compact()).body("done").build();
        });
        server.setDispatcher(peer);
        java.util.concurrent.atomic.AtomicInteger recorded = new java.util.concurrent.atomic.AtomicInteger();
        EctVerifier v = EctVerifier.builder().verifierId(A).keySource(Agents.KEYS).clock(Agents.CLOCK)
                .ectStore(EctHttp.mintedEctStore()).replayStore((iss, wid, jti, until) -> recorded.incrementAndGet() > 0).build();
        EctHttpClient client = integration().responseVerifier(v).build().wrap(base, Redirect.NORMAL);
        TaskContext ctx = TaskContext.root();
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            assertThat(client.send(Agents.get(server, "/first"), BodyHandlers.ofString()).body()).isEqualTo("done");
        }
        assertThat(peer.received).hasSize(2);
        assertThat(answers).hasSize(2);
        assertThat(recorded).hasValue(2); // both response ECTs were verified (replay record = the side effects ran)
        assertThat(ctx.frontier()).containsExactly(answers.get(1)); // only the final answer counts (F-03)
    }

    @Test
    @DisplayName("M-01: why wrap refuses a following delegate: the JDK resends the first hop's Execution-Context to the next host")
    void theJdksOwnRedirectsWouldResendOneJtiToEveryHost() throws Exception {
        server.enqueue(redirect(302, second.url("/moved").toString()));
        second.enqueue(new MockResponse.Builder().build());
        HttpClient following = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(Redirect.NORMAL).build();
        String token = SIGNER_A.sign(Ect.builder().iss(A).aud(B).execAct("hop").build());
        following.send(HttpRequest.newBuilder(server.url("/start").uri()).header(EctHttp.HEADER, token).build(), BodyHandlers.discarding());
        assertThat(take(server).getHeaders().get(EctHttp.HEADER)).isEqualTo(token);
        assertThat(take(second).getHeaders().get(EctHttp.HEADER)).isEqualTo(token); // same jti, aud B, at host C
    }

    @Test
    @DisplayName("M-06: a redirect to a host with no known audience fails the exchange (no token leaves for it), sync and async")
    void aRedirectToAnUnknownHostFailsTheExchange() throws Exception {
        try (MockWebServer stranger = new MockWebServer()) {
            stranger.start();
            server.enqueue(redirect(302, stranger.url("/steal").toString()));
            server.enqueue(redirect(302, stranger.url("/steal").toString()));
            EctHttpClient client = integration().build().wrap(base, Redirect.NORMAL);
            TaskContext ctx = TaskContext.root();
            String start = UUID.randomUUID().toString();
            ctx.resetFrontier(List.of(start));
            try (TaskContext.Scope s = ctx.makeCurrent()) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.send(Agents.get(server, "/a"), BodyHandlers.discarding()))
                        .isInstanceOfSatisfying(EctMintingException.class, e -> {
                            assertThat(e.ruleId()).isEqualTo("M-06");
                            assertThat(e.getMessage()).contains(hostPort(stranger));
                        });
                CompletableFutureAssert.assertFailsWith(client.sendAsync(Agents.get(server, "/b"), BodyHandlers.discarding()),
                        EctMintingException.class);
            }
            assertThat(stranger.getRequestCount()).isZero();
            assertThat(ctx.frontier()).containsExactly(start); // a failed exchange does not move the frontier
        }
    }

    /** Bounded wait for an exceptional completion. */
    private static final class CompletableFutureAssert {
        static void assertFailsWith(java.util.concurrent.CompletableFuture<?> f, Class<? extends Throwable> type) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS))
                    .isInstanceOf(java.util.concurrent.ExecutionException.class).cause().isInstanceOf(type);
        }
    }
}
