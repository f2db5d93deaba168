package dev.ect.httpclient.internal;

import dev.ect.core.client.EctMintingException;
import dev.ect.core.client.EctRequestOptions;
import dev.ect.core.client.EctResponseRejectedException;
import dev.ect.core.client.internal.Attempt;
import dev.ect.core.client.internal.ClientCall;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Redirect;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code EctHttpClient} does for each exchange: capture the task context
 * (F-02), mint one ECT per hop (M-01..M-07), follow redirects itself (see {@link Redirects}),
 * verify response ECTs in the body handler, before the application's handler sees the body
 * (T-08), and fold the final answer into the frontier (F-03). Thread-safe; one per integration.
 */
public final class Engine {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final EctConfig config;

    public Engine(EctConfig config) { this.config = Objects.requireNonNull(config, "config cannot be null"); }

    /** One hop: the request as sent, what was decided for its ECT, and what its response said. */
    private static final class Hop {
        final HttpRequest request;
        final JdkRequest out;
        final Attempt attempt;
        volatile String responseJti;
        volatile EctResponseRejectedException rejection;
        volatile HttpRequest next;

        Hop(HttpRequest request, JdkRequest out, Attempt attempt) {
            this.request = request;
            this.out = out;
            this.attempt = attempt;
        }

        /** The application's own Execution-Context (or none() options): copy it to redirect hops. */
        boolean keepHeader() { return attempt.action() == Attempt.Action.PASS_THROUGH; }
    }

    /** The blocking exchange: every hop on the calling thread's {@code delegate.send}. */
    public <T> HttpResponse<T> send(HttpClient delegate, Redirect policy, HttpRequest request, BodyHandler<T> handler,
            EctRequestOptions options) throws IOException, InterruptedException {
        check(request, handler, options);
        ClientCall st = ClientCall.capture(config.client(), LOG);
        HttpRequest next = request;
        HttpResponse<T> previous = null;
        for (int followed = 0; ; followed++) {
            Hop hop = prepare(next, st, options);
            HttpResponse<T> response = delegate.send(hop.request, handler(hop, st, handler, policy, followed));
            HttpResponse<T> r = previous == null ? response : new FollowedResponse<>(response, previous);
            next = after(hop, st, response.statusCode());
            if (next == null) {
                return r;
            }
            previous = r;
        }
    }

    /**
     * The asynchronous exchange: the first hop is minted on the calling thread, later hops on the
     * client's threads; the returned future completes with the captured context current (F-05).
     * Cancelling it cancels the hop in flight.
     */
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpClient delegate, Redirect policy, HttpRequest request,
            BodyHandler<T> handler, PushPromiseHandler<T> push, EctRequestOptions options) {
        check(request, handler, options);
        ClientCall st = ClientCall.capture(config.client(), LOG);
        Executor base = delegate.executor().orElseGet(() -> new CompletableFuture<Void>().defaultExecutor());
        ContextFuture<HttpResponse<T>> result = ContextFuture.of(st.captured(), base);
        AtomicReference<CompletableFuture<?>> inFlight = new AtomicReference<>();
        result.whenComplete((r, e) -> {
            CompletableFuture<?> f = inFlight.get();
            if (result.isCancelled() && f != null) {
                f.cancel(true);
            }
        });
        hopAsync(delegate, policy, request, handler, push, st, options, result, inFlight, null, 0);
        return result;
    }

    private <T> void hopAsync(HttpClient delegate, Redirect policy, HttpRequest request, BodyHandler<T> handler,
            PushPromiseHandler<T> push, ClientCall st, EctRequestOptions options, ContextFuture<HttpResponse<T>> result,
            AtomicReference<CompletableFuture<?>> inFlight, HttpResponse<T> previous, int followed) {
        if (result.isDone()) {
            return; // cancelled by the application
        }
        Hop hop;
        CompletableFuture<HttpResponse<T>> f;
        try {
            hop = prepare(request, st, options);
            f = push == null ? delegate.sendAsync(hop.request, handler(hop, st, handler, policy, followed))
                    : delegate.sendAsync(hop.request, handler(hop, st, handler, policy, followed), push);
        } catch (EctMintingException e) {
            result.fail(e); // like every other failure of the exchange: through the future
            return;
        } catch (RuntimeException e) {
            if (followed == 0) {
                throw e; // an invalid request, as the JDK client reports it
            }
            result.fail(e);
            return;
        }
        inFlight.set(f);
        f.whenComplete((response, error) -> {
            if (error != null) {
                result.fail(unwrap(error));
                return;
            }
            HttpResponse<T> r = previous == null ? response : new FollowedResponse<>(response, previous);
            HttpRequest next;
            try {
                next = after(hop, st, response.statusCode());
            } catch (EctResponseRejectedException e) {
                result.fail(e);
                return;
            }
            if (next == null) {
                result.succeed(r);
            } else {
                hopAsync(delegate, policy, next, handler, push, st, options, result, inFlight, r, followed + 1);
            }
        });
    }

    private static void check(HttpRequest request, BodyHandler<?> handler, EctRequestOptions options) {
        Objects.requireNonNull(request, "request cannot be null");
        Objects.requireNonNull(handler, "responseBodyHandler cannot be null");
        Objects.requireNonNull(options, "options cannot be null");
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The request to send for one hop, with a freshly minted ECT when one is due (M-01). */
    private Hop prepare(HttpRequest request, ClientCall st, EctRequestOptions options) throws EctMintingException {
        JdkRequest out = new JdkRequest(request, config);
        Attempt a = st.prepare(out, options);
        HttpRequest sent = switch (a.action()) {
            case PASS_THROUGH -> request;
            case SEND_WITHOUT_ECT -> out.ectHeaderValues().isEmpty() ? request : withoutEct(request).build();
            case SEND_WITH_ECT -> withoutEct(request).header(ClientCall.HEADER, a.header()).build();
        };
        return new Hop(sent, out, a);
    }

    private static HttpRequest.Builder withoutEct(HttpRequest request) {
        return HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase(ClientCall.HEADER));
    }

    /** Wraps the application's handler: verifies the response ECT first; discards the bodies of refused and redirect responses. */
    private <T> BodyHandler<T> handler(Hop hop, ClientCall st, BodyHandler<T> user, Redirect policy, int followed) {
        return info -> {
            if (hop.attempt.minted()) {
                try {
                    // the JDK's HTTP/1.1 parser already strips control characters around a header value
                    // before we see it (seen with a trailing U+0001); a control character inside stays malformed
                    hop.responseJti = st.checkResponse(hop.attempt, hop.out, info.headers().allValues(ClientCall.HEADER));
                } catch (EctResponseRejectedException e) {
                    hop.rejection = e;
                    return BodySubscribers.replacing(null); // the application never sees a refused answer's body
                }
            }
            HttpRequest next = Redirects.next(policy, hop.request, info, followed, config.maxRedirects(), hop.keepHeader());
            if (next != null) {
                hop.next = next;
                return BodySubscribers.replacing(null);
            }
            return user.apply(info);
        };
    }

    /** After a hop's response: the refusal, or the next hop (null: this was the final answer, now folded into the frontier). */
    private static HttpRequest after(Hop hop, ClientCall st, int status) throws EctResponseRejectedException {
        if (hop.rejection != null) {
            throw hop.rejection; // the frontier does not move
        }
        st.recordAnswer(hop.attempt, hop.responseJti, status);
        if (hop.next == null) {
            st.applyLastAnswer(); // F-03: only the answer the application receives counts
        }
        return hop.next;
    }
}
