package dev.ect.mcp.internal;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The SDK transport's {@link HttpClient}: the delegate, with the response side of {@link ClientEngine}
 * in front of the SDK's body handler. A request that carries an ECT this client minted has its
 * response ECT verified and folded into the caller's frontier as soon as the response's headers
 * arrive, before the SDK reads the body: so the answer the SDK hands to the caller has already moved
 * the frontier, and a refused answer never reaches the SDK (the exchange fails).
 */
public final class EctMcpHttpClient extends HttpClient {
    private final HttpClient delegate;
    private final ClientEngine engine;

    public EctMcpHttpClient(HttpClient delegate, ClientEngine engine) {
        if (delegate.followRedirects() != Redirect.NEVER) {
            // the JDK client would resend the request's ECT (one jti, one aud) to every host on the way
            throw new IllegalArgumentException("the MCP transport's HttpClient must not follow redirects (Redirect.NEVER): "
                    + "the JDK would resend one ECT to every redirect target");
        }
        if (delegate.authenticator().isPresent()) {
            throw new IllegalArgumentException("the MCP transport's HttpClient must not have an Authenticator: the JDK "
                    + "would resend the request with the same ECT after a 401; use the SDK's request customizer for credentials");
        }
        this.delegate = delegate;
        this.engine = engine;
    }

    private <T> BodyHandler<T> wrap(ClientEngine.Pending p, BodyHandler<T> handler) {
        return info -> {
            try {
                engine.onResponse(p, info);
            } catch (RuntimeException e) {
                return failing(e);
            }
            return handler.apply(info);
        };
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler) throws IOException, InterruptedException {
        ClientEngine.Pending p = engine.take(request);
        return delegate.send(request, p == null ? handler : wrap(p, handler));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler) {
        ClientEngine.Pending p = engine.take(request);
        return delegate.sendAsync(request, p == null ? handler : wrap(p, handler));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler,
            PushPromiseHandler<T> push) {
        ClientEngine.Pending p = engine.take(request);
        return delegate.sendAsync(request, p == null ? handler : wrap(p, handler), push);
    }

    /** A body subscriber that refuses the body and fails the exchange with {@code error}. */
    private static <T> BodySubscriber<T> failing(Throwable error) {
        CompletableFuture<T> body = CompletableFuture.failedFuture(error);
        return new BodySubscriber<>() {
            @Override public CompletionStage<T> getBody() { return body; }
            @Override public void onSubscribe(Flow.Subscription s) { s.cancel(); }
            @Override public void onNext(List<ByteBuffer> item) {}
            @Override public void onError(Throwable t) {}
            @Override public void onComplete() {}
        };
    }

    @Override public Optional<CookieHandler> cookieHandler() { return delegate.cookieHandler(); }
    @Override public Optional<Duration> connectTimeout() { return delegate.connectTimeout(); }
    @Override public Redirect followRedirects() { return delegate.followRedirects(); }
    @Override public Optional<ProxySelector> proxy() { return delegate.proxy(); }
    @Override public SSLContext sslContext() { return delegate.sslContext(); }
    @Override public SSLParameters sslParameters() { return delegate.sslParameters(); }
    @Override public Optional<Authenticator> authenticator() { return delegate.authenticator(); }
    @Override public Version version() { return delegate.version(); }
    @Override public Optional<Executor> executor() { return delegate.executor(); }
    @Override public WebSocket.Builder newWebSocketBuilder() { return delegate.newWebSocketBuilder(); }

    // Java 21's lifecycle methods, declared here (this module compiles for Java 17) and delegated at run
    // time: HttpClient's own defaults would wait for a termination that this wrapper never reports.

    /** Java 21+: the delegate's {@code shutdown()}. */
    public void shutdown() { lifecycle("shutdown"); }

    /** Java 21+: the delegate's {@code shutdownNow()}. */
    public void shutdownNow() { lifecycle("shutdownNow"); }

    /** Java 21+: the delegate's {@code close()}. */
    public void close() { lifecycle("close"); }

    /** Java 21+: the delegate's {@code isTerminated()}; false before Java 21. */
    public boolean isTerminated() {
        Object r = invoke("isTerminated", new Class<?>[0]);
        return r instanceof Boolean b && b;
    }

    /** Java 21+: the delegate's {@code awaitTermination(duration)}; false before Java 21. */
    public boolean awaitTermination(Duration duration) throws InterruptedException {
        try {
            Object r = HttpClient.class.getMethod("awaitTermination", Duration.class).invoke(delegate, duration);
            return r instanceof Boolean b && b;
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalStateException("HttpClient.awaitTermination failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    private void lifecycle(String name) { invoke(name, new Class<?>[0]); }

    private Object invoke(String name, Class<?>[] types) {
        try {
            return HttpClient.class.getMethod(name, types).invoke(delegate);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("HttpClient." + name + " failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            return null; // before Java 21: nothing to do
        }
    }

    @Override
    public String toString() { return "EctMcpHttpClient{" + delegate + "}"; }

    /** A {@link HttpClient.Builder} whose {@code build()} wraps what its delegate builds. */
    public static final class WrappingBuilder implements HttpClient.Builder {
        private final HttpClient.Builder delegate;
        private final ClientEngine engine;

        public WrappingBuilder(HttpClient.Builder delegate, ClientEngine engine) {
            this.delegate = delegate;
            this.engine = engine;
        }

        @Override public Builder cookieHandler(CookieHandler h) { delegate.cookieHandler(h); return this; }
        @Override public Builder connectTimeout(Duration d) { delegate.connectTimeout(d); return this; }
        @Override public Builder sslContext(SSLContext c) { delegate.sslContext(c); return this; }
        @Override public Builder sslParameters(SSLParameters p) { delegate.sslParameters(p); return this; }
        @Override public Builder executor(Executor e) { delegate.executor(e); return this; }
        @Override public Builder followRedirects(Redirect r) { delegate.followRedirects(r); return this; }
        @Override public Builder version(Version v) { delegate.version(v); return this; }
        @Override public Builder priority(int p) { delegate.priority(p); return this; }
        @Override public Builder proxy(ProxySelector p) { delegate.proxy(p); return this; }
        @Override public Builder authenticator(Authenticator a) { delegate.authenticator(a); return this; }

        /** Java 19+ {@code localAddress}; delegated when the JDK has it. */
        public Builder localAddress(java.net.InetAddress address) {
            try {
                delegate.getClass().getMethod("localAddress", java.net.InetAddress.class).invoke(delegate, address);
            } catch (ReflectiveOperationException e) {
                throw new UnsupportedOperationException("localAddress", e);
            }
            return this;
        }

        @Override
        public HttpClient build() { return new EctMcpHttpClient(delegate.build(), engine); }
    }
}
