package dev.ect.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.client.MissingContext;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.context.TaskContext;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.servlet.EctFilterConfig;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.net.Authenticator;
import java.net.CookieManager;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BuildersTest {
    private final EctSigner signer = EctSigner.builder(EctKeys.generate(EctAlgorithm.ES256, "a-1")).build();

    @Test
    @DisplayName("M-06: the client builder needs the server's id, a non-empty method set and a response verifier addressed to itself")
    void clientBuilderValidates() {
        assertThatThrownBy(() -> EctMcpClient.builder(signer, " ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EctMcpClient.builder(signer, "spiffe://t/a").build()).hasMessageContaining("M-06");
        assertThatThrownBy(() -> EctMcpClient.builder(signer, "spiffe://t/a").methods(Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
        EctVerifier other = EctVerifier.builder().verifierId("spiffe://t/other")
                .keySource(StaticKeySource.builder().build()).build();
        assertThatThrownBy(() -> EctMcpClient.builder(signer, "spiffe://t/a").responseVerifier(other))
                .hasMessageContaining("spiffe://t/a");
        EctMcpClient c = EctMcpClient.builder(signer, "spiffe://t/a").audience("spiffe://t/b", "spiffe://t/ledger")
                .methods(Set.of("tools/call", "resources/read")).jsonMapper(McpJsonDefaults.getMapper())
                .missingContext(MissingContext.SKIP).responseVerifier(null).build();
        assertThat(c.customizer()).isNotNull();
        assertThat(c.pendingRequests()).isZero();
    }

    @Test
    @DisplayName("F-02: the context provider carries the calling thread's task context, and nothing without one")
    void contextProviderCapturesTheCurrentTask() {
        EctMcpClient c = EctMcpClient.builder(signer, "spiffe://t/a").audience("spiffe://t/b").build();
        assertThat(EctMcp.taskContext(c.contextProvider().get())).isEmpty();
        TaskContext task = TaskContext.root();
        try (TaskContext.Scope s = task.makeCurrent()) {
            McpTransportContext tc = c.contextProvider().get();
            assertThat(EctMcp.taskContext(tc)).containsSame(task);
        }
        assertThat(EctMcp.taskContext((McpTransportContext) null)).isEmpty();
        assertThat(EctMcp.taskContext(McpTransportContext.create(Map.of(EctMcp.TASK_CONTEXT_KEY, "not a context")))).isEmpty();
    }

    @Test
    @DisplayName("T-08: the transport's HttpClient keeps the delegate's settings and refuses redirects and authenticators (one ECT, one hop)")
    void httpClientBuilderDelegates() throws Exception {
        EctMcpClient c = EctMcpClient.builder(signer, "spiffe://t/a").audience("spiffe://t/b").build();
        HttpClient.Builder b = c.httpClientBuilder(HttpClient.newBuilder())
                .connectTimeout(Duration.ofSeconds(3)).cookieHandler(new CookieManager()).sslContext(SSLContext.getDefault())
                .sslParameters(SSLContext.getDefault().getDefaultSSLParameters()).executor(Executors.newSingleThreadExecutor())
                .version(HttpClient.Version.HTTP_1_1).priority(1).proxy(ProxySelector.getDefault())
                .followRedirects(HttpClient.Redirect.NEVER);
        HttpClient client = b.build();
        assertThat(client.connectTimeout()).contains(Duration.ofSeconds(3));
        assertThat(client.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(client.cookieHandler()).isPresent();
        assertThat(client.executor()).isPresent();
        assertThat(client.proxy()).isPresent();
        assertThat(client.sslContext()).isNotNull();
        assertThat(client.sslParameters()).isNotNull();
        assertThat(client.authenticator()).isEmpty();
        assertThat(client.followRedirects()).isEqualTo(HttpClient.Redirect.NEVER);
        assertThat(client.newWebSocketBuilder()).isNotNull();
        assertThat(client.toString()).contains("EctMcpHttpClient");
        dev.ect.mcp.internal.EctMcpHttpClient wrapped = (dev.ect.mcp.internal.EctMcpHttpClient) client;
        wrapped.shutdown();
        assertThat(wrapped.awaitTermination(Duration.ofSeconds(5)) || Runtime.version().feature() < 21).isTrue();
        assertThat(wrapped.isTerminated() || Runtime.version().feature() < 21).isTrue();
        wrapped.shutdownNow();
        wrapped.close();
        assertThatThrownBy(() -> c.httpClientBuilder(HttpClient.newBuilder()).followRedirects(HttpClient.Redirect.NORMAL).build())
                .hasMessageContaining("redirect");
        assertThatThrownBy(() -> c.httpClientBuilder(HttpClient.newBuilder()).authenticator(new Authenticator() {}).build())
                .hasMessageContaining("Authenticator");
    }

    @Test
    @DisplayName("the server builder validates its bounds and method set")
    void serverBuilderValidates() {
        EctFilterConfig config = EctFilterConfig.builder().environment(Map.of()).verifier(EctVerifier.builder().verifierId("spiffe://t/b")
                .keySource(StaticKeySource.builder().build()).build()).build();
        assertThatThrownBy(() -> EctMcpServer.builder(config).methods(Set.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EctMcpServer.builder(config).maxBodyBytes(10)).isInstanceOf(IllegalArgumentException.class);
        EctMcpServer s = EctMcpServer.builder(config).methods(Set.of("tools/call", "prompts/get")).bindToRequest(false)
                .jsonMapper(McpJsonDefaults.getMapper()).maxBodyBytes(2048).build();
        assertThat(s.filter()).isNotNull();
        assertThat(s.contextExtractor()).isNotNull();
    }
}
