package dev.ect.httpclient;

import static dev.ect.httpclient.Agents.A;
import static dev.ect.httpclient.Agents.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.client.AudienceResolver;
import dev.ect.core.client.EctMintingException;
import dev.ect.core.client.EctRequestOptions;
import java.net.http.HttpClient.Redirect;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What this adapter adds over the shared client support: its exec_act resolver, async failures, followed responses. */
class AdapterTest {
    private final MockWebServer server = new MockWebServer();

    @BeforeEach
    void start() throws Exception {
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private EctHttp.Builder integration() {
        return EctHttp.builder(Agents.SIGNER_A, A).audience(AudienceResolver.byHost(Map.of(Agents.hostPort(server), B)));
    }

    @Test
    @DisplayName("C-07 a custom ExecActResolver names the action of each hop; it may be set once")
    void aCustomExecActResolverIsUsed() throws Exception {
        server.enqueue(new MockResponse.Builder().body("ok").build());
        EctHttpClient client = integration().execAct(r -> "act " + r.method()).build().wrap(Agents.base());
        client.send(Agents.get(server, "/x"), BodyHandlers.discarding());
        RecordedRequest in = server.takeRequest();
        assertThat(Agents.decode(in.getHeaders().get(EctHttp.HEADER), B).execAct()).isEqualTo("act GET");
        assertThatThrownBy(() -> integration().execAct(r -> "a").execAct(r -> "b")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("execAct was already set");
        assertThatThrownBy(() -> integration().maxRedirects(1).maxRedirects(2)).hasMessageContaining("maxRedirects was already set");
    }

    @Test
    @DisplayName("M-06 sendAsync reports a minting failure through its future, and sends nothing")
    void aMintingFailureOfSendAsyncCompletesTheFutureExceptionally() {
        EctHttpClient client = EctHttp.builder(Agents.SIGNER_A, A).audience(AudienceResolver.fixed(B))
                .build().wrap(Agents.base());
        CompletableFuture<HttpResponse<String>> f = client.sendAsync(Agents.get(server, "/x"), BodyHandlers.ofString(),
                EctRequestOptions.builder().inpHashFromBody().build());
        assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(EctMintingException.class).hasMessageContaining("inpHash(");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    @DisplayName("M-01 a followed redirect's final response reports the last hop and links the redirect")
    void aFollowedResponseReportsTheLastHop() throws Exception {
        server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", "/there").build());
        server.enqueue(new MockResponse.Builder().addHeader("X-Last", "yes").body("landed").build());
        EctHttpClient client = integration().build().wrap(Agents.base(), Redirect.NORMAL);
        HttpResponse<String> r = client.send(Agents.get(server, "/here"), BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("landed");
        assertThat(r.uri().getPath()).isEqualTo("/there");
        assertThat(r.request().uri().getPath()).isEqualTo("/there");
        assertThat(r.headers().firstValue("X-Last")).contains("yes");
        assertThat(r.sslSession()).isEmpty();
        assertThat(r.version()).isNotNull();
        assertThat(r.toString()).contains("/there");
        assertThat(r.previousResponse()).hasValueSatisfying(p -> assertThat(p.statusCode()).isEqualTo(302));
    }
}
