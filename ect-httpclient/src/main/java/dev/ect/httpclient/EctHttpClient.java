package dev.ect.httpclient;

import dev.ect.core.client.EctIOException;
import dev.ect.core.client.EctMintingException;
import dev.ect.core.client.EctRequestOptions;
import dev.ect.core.client.EctResponseRejectedException;
import dev.ect.httpclient.internal.Engine;
import dev.ect.httpclient.internal.Lifecycle;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A JDK {@link HttpClient} that mints, propagates and checks ECTs; made by
 * {@link EctHttp#wrap(HttpClient, HttpClient.Redirect)}. It is itself an {@code HttpClient}, so code and SDKs
 * that take one work unchanged; every exchange goes through the delegate.
 *
 * <p>Per-call options ({@code exec_act}, {@code pred}, {@code aud}, {@code inp_hash}, ..., or no
 * ECT at all) go to the overloads with an {@link EctRequestOptions} argument, since the JDK's
 * {@link HttpRequest} carries no tags:
 *
 * <pre>{@code
 * client.send(request, BodyHandlers.ofString(), EctRequestOptions.builder().execAct("summarize").build());
 * }</pre>
 *
 * <p>Failures: {@code send} throws {@link EctMintingException} (nothing was sent for that hop) or
 * {@link EctResponseRejectedException} (the response's ECT failed verification; its body was
 * discarded), both {@link IOException}s; the future of {@code sendAsync} completes exceptionally
 * with them. Messages and logs never contain a token.
 *
 * <p>Not ECT-aware: {@link #newWebSocketBuilder()} (delegated as is: a WebSocket handshake carries
 * no ECT unless you add the header yourself) and HTTP/2 server pushes (pushed responses are
 * passed to the {@link PushPromiseHandler} unverified). On Java 21 and later, {@code close()},
 * {@code shutdown()} and the other lifecycle methods reach the delegate.
 *
 * <p>Thread-safe and immutable.
 */
public final class EctHttpClient extends HttpClient {
    private final HttpClient delegate;
    private final Redirect redirects;
    private final Engine engine;

    EctHttpClient(HttpClient delegate, Redirect redirects, Engine engine) {
        this.delegate = delegate;
        this.redirects = redirects;
        this.engine = engine;
    }

    /**
     * Sends {@code request} with an ECT minted per hop, blocking; as
     * {@link HttpClient#send(HttpRequest, BodyHandler)}.
     *
     * @throws EctMintingException when no ECT could be minted (M-04, M-06, M-07, T-03)
     * @throws EctResponseRejectedException when a response ECT failed verification (T-02, T-08, F-03)
     */
    @Override
    public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> responseBodyHandler)
            throws IOException, InterruptedException {
        return engine.send(delegate, redirects, request, responseBodyHandler, EctRequestOptions.defaults());
    }

    /**
     * Like {@link #send(HttpRequest, BodyHandler)}, with per-call {@code options}
     * ({@link EctRequestOptions#none()} sends this exchange without an ECT).
     */
    public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> responseBodyHandler, EctRequestOptions options)
            throws IOException, InterruptedException {
        return engine.send(delegate, redirects, request, responseBodyHandler, options);
    }

    /**
     * Sends asynchronously. The task context current on the calling thread is captured now (F-02)
     * and is current again while the returned future's dependent stages run (F-05); the frontier
     * is updated (F-03) before the future completes. ECT failures complete the future
     * exceptionally with an {@link EctIOException}.
     */
    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> responseBodyHandler) {
        return engine.sendAsync(delegate, redirects, request, responseBodyHandler, null, EctRequestOptions.defaults());
    }

    /** Like {@link #sendAsync(HttpRequest, BodyHandler)}, with per-call {@code options}. */
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> responseBodyHandler,
            EctRequestOptions options) {
        return engine.sendAsync(delegate, redirects, request, responseBodyHandler, null, options);
    }

    /** Like {@link #sendAsync(HttpRequest, BodyHandler)}; pushed responses are not ECT-checked. */
    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> responseBodyHandler,
            PushPromiseHandler<T> pushPromiseHandler) {
        return engine.sendAsync(delegate, redirects, request, responseBodyHandler, pushPromiseHandler, EctRequestOptions.defaults());
    }

    /** The redirect policy this client follows itself (the delegate follows none). */
    @Override
    public Redirect followRedirects() { return redirects; }

    @Override public Optional<CookieHandler> cookieHandler() { return delegate.cookieHandler(); }
    @Override public Optional<Duration> connectTimeout() { return delegate.connectTimeout(); }
    @Override public Optional<ProxySelector> proxy() { return delegate.proxy(); }
    @Override public SSLContext sslContext() { return delegate.sslContext(); }
    @Override public SSLParameters sslParameters() { return delegate.sslParameters(); }
    /** Always empty: a delegate with an authenticator is refused by {@link EctHttp#wrap(HttpClient, HttpClient.Redirect)}. */
    @Override public Optional<Authenticator> authenticator() { return delegate.authenticator(); }
    @Override public Version version() { return delegate.version(); }
    @Override public Optional<Executor> executor() { return delegate.executor(); }

    /** The delegate's WebSocket builder, unchanged: handshakes carry no ECT (see the class comment). */
    @Override
    public WebSocket.Builder newWebSocketBuilder() { return delegate.newWebSocketBuilder(); }

    // Java 21 added these to HttpClient (and made it AutoCloseable). Declared here without
    // @Override so that, compiled for Java 17, they still override them on a Java 21+ runtime and
    // a try-with-resources on this client reaches the delegate.

    /** Java 21+: the delegate's {@code shutdown()}; on older runtimes nothing (the JDK client has none). */
    public void shutdown() { lifecycle("shutdown"); }

    /** Java 21+: the delegate's {@code shutdownNow()}; on older runtimes nothing. */
    public void shutdownNow() { lifecycle("shutdownNow"); }

    /** Java 21+: the delegate's {@code close()} (a graceful shutdown that waits); on older runtimes nothing. */
    public void close() { lifecycle("close"); }

    /** Java 21+: the delegate's {@code isTerminated()}; on older runtimes false. */
    public boolean isTerminated() {
        try {
            return (Boolean) Lifecycle.call(delegate, Boolean.FALSE, "isTerminated", new Class<?>[0]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Java 21+: the delegate's {@code awaitTermination(duration)}; on older runtimes false at once. */
    public boolean awaitTermination(Duration duration) throws InterruptedException {
        Objects.requireNonNull(duration, "duration cannot be null");
        return (Boolean) Lifecycle.call(delegate, Boolean.FALSE, "awaitTermination", new Class<?>[] {Duration.class}, duration);
    }

    private void lifecycle(String name) {
        try {
            Lifecycle.call(delegate, null, name, new Class<?>[0]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() { return "EctHttpClient{" + Objects.toString(delegate) + ", redirects=" + redirects + "}"; }
}
