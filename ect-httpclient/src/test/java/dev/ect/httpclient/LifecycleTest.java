package dev.ect.httpclient;

import dev.ect.core.client.AudienceResolver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** Java 21's HttpClient lifecycle methods reach the delegate; on Java 17 they are harmless. */
class LifecycleTest {
    private final EctHttp ect = EctHttp.builder(Agents.SIGNER_A, Agents.A).audience(AudienceResolver.fixed(Agents.B)).build();

    /** A delegating client written for Java 17 with the Java 21 lifecycle methods of its own. */
    public static class Recording extends HttpClient {
        final HttpClient d = Agents.base();
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile boolean terminated;

        public void shutdown() { calls.add("shutdown"); }
        public void shutdownNow() { throw new IllegalStateException("refused"); }
        public void close() { calls.add("close"); terminated = true; }
        public boolean isTerminated() { return terminated; }
        public boolean awaitTermination(Duration duration) {
            calls.add("await " + duration);
            return terminated;
        }

        @Override public Optional<CookieHandler> cookieHandler() { return d.cookieHandler(); }
        @Override public Optional<Duration> connectTimeout() { return d.connectTimeout(); }
        @Override public Redirect followRedirects() { return d.followRedirects(); }
        @Override public Optional<ProxySelector> proxy() { return d.proxy(); }
        @Override public SSLContext sslContext() { return d.sslContext(); }
        @Override public SSLParameters sslParameters() { return d.sslParameters(); }
        @Override public Optional<Authenticator> authenticator() { return d.authenticator(); }
        @Override public Version version() { return d.version(); }
        @Override public Optional<Executor> executor() { return d.executor(); }
        @Override
        public <T> HttpResponse<T> send(HttpRequest r, HttpResponse.BodyHandler<T> h) throws IOException, InterruptedException {
            return d.send(r, h);
        }
        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest r, HttpResponse.BodyHandler<T> h) { return d.sendAsync(r, h); }
        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest r, HttpResponse.BodyHandler<T> h,
                HttpResponse.PushPromiseHandler<T> p) {
            return d.sendAsync(r, h, p);
        }
    }

    @Test
    void lifecycleCallsReachTheDelegate() throws Exception {
        Recording delegate = new Recording();
        EctHttpClient client = ect.wrap(delegate);
        client.shutdown();
        assertThat(client.isTerminated()).isFalse();
        assertThat(client.awaitTermination(Duration.ofMillis(5))).isFalse();
        client.close();
        assertThat(client.isTerminated()).isTrue();
        assertThat(delegate.calls).containsExactly("shutdown", "await PT0.005S", "close");
        assertThatThrownBy(client::shutdownNow).isInstanceOf(IllegalStateException.class).hasMessage("refused");
    }

    @Test
    void onAJdkClientWithoutThemTheyDoNothing() throws Exception {
        EctHttpClient client = ect.wrap(Agents.base());
        client.shutdown();
        client.shutdownNow();
        client.close();
        boolean lifecycle = Runtime.version().feature() >= 21;
        assertThat(client.awaitTermination(Duration.ofSeconds(5))).isEqualTo(lifecycle);
        assertThat(client.isTerminated()).isEqualTo(lifecycle);
        assertThatThrownBy(() -> client.awaitTermination(null)).isInstanceOf(NullPointerException.class);
    }
}
