package dev.ect.spring;

import dev.ect.core.EctHashes;
import dev.ect.core.EctText;
import dev.ect.core.client.EctClientConfig;
import dev.ect.core.client.EctMintingException;
import dev.ect.core.client.EctRequestOptions;
import dev.ect.core.client.EctResponseRejectedException;
import dev.ect.core.client.internal.Attempt;
import dev.ect.core.client.internal.ClientCall;
import dev.ect.core.client.internal.OutboundRequest;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * ECTs for Spring's {@code RestClient} and {@code RestTemplate}: one ECT minted per request
 * (M-01..M-07), linked to the current task ({@code pred} = the task context's frontier, F-02), its
 * {@code aud} resolved from the target (M-06), and the response's ECT verified and folded into the
 * frontier (T-08, F-03). The logic is ect-core's client support, shared with the OkHttp and JDK
 * {@code HttpClient} modules; this class only adapts Spring's request and response.
 *
 * <p>The auto-configuration adds one to every {@code RestClient.Builder}, {@code RestTemplateBuilder}
 * and {@code RestTemplate} bean. For a client built by hand:
 * {@code RestClient.builder().requestInterceptor(interceptor)} with the {@code EctClientHttpRequestInterceptor}
 * bean.
 *
 * <p>Per request: {@code .attribute(EctClientHttpRequestInterceptor.OPTIONS, EctRequestOptions.builder()...build())}
 * on a {@code RestClient} request overrides {@code exec_act}, {@code pred}, {@code aud}, hashes or
 * turns the ECT off ({@link EctRequestOptions#none()}). {@code inpHashFromBody()} hashes the exact
 * bytes sent. A request that already carries {@code Execution-Context} is sent as it is (the
 * application manages it).
 *
 * <p>Failures: nothing is sent when no ECT can be minted (no audience for the target under the
 * default {@code fail} policy, a claim the signer refuses, a token over the header budget): an
 * {@link EctMintingException}, which {@code RestClient}/{@code RestTemplate} wrap in a
 * {@code ResourceAccessException}. A response ECT that fails verification closes the response and
 * fails the call with an {@link EctResponseRejectedException} (same wrapping). The frontier moves
 * only for a verified answer, or, without a response ECT, for a status below 400.
 */
public final class EctClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {
    /** The request attribute holding a request's {@link EctRequestOptions}. */
    public static final String OPTIONS = EctRequestOptions.class.getName();

    private static final Logger LOG = LoggerFactory.getLogger(EctClientHttpRequestInterceptor.class);

    private final EctClientConfig config;
    private final EctInstrumentation instrumentation;

    /** An interceptor minting with {@code config}; mints are timed by {@code instrumentation}. */
    public EctClientHttpRequestInterceptor(EctClientConfig config, EctInstrumentation instrumentation) {
        this.config = Objects.requireNonNull(config, "config cannot be null");
        this.instrumentation = Objects.requireNonNull(instrumentation, "instrumentation cannot be null");
    }

    /** The client configuration in force (signer, self id, audience, response verifier, policies). */
    public EctClientConfig config() { return config; }

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        ClientCall call = ClientCall.capture(config, LOG); // F-02: the context current on the calling thread
        OutboundRequest out = new SpringRequest(request, body);
        Attempt attempt = prepare(call, out, options(request));
        switch (attempt.action()) {
            case PASS_THROUGH -> {
                return execution.execute(request, body);
            }
            case SEND_WITHOUT_ECT -> request.getHeaders().remove(ClientCall.HEADER);
            case SEND_WITH_ECT -> request.getHeaders().set(ClientCall.HEADER, attempt.header());
            default -> throw new IllegalStateException("unknown action " + attempt.action());
        }
        ClientHttpResponse response = execution.execute(request, body);
        String responseJti;
        try {
            List<String> values = response.getHeaders().get(ClientCall.HEADER);
            responseJti = call.checkResponse(attempt, out, values == null ? List.of() : values);
        } catch (EctResponseRejectedException e) {
            response.close();
            throw e;
        }
        call.recordAnswer(attempt, responseJti, response.getStatusCode().value());
        call.applyLastAnswer(); // one attempt per interception: this is the call's final answer (F-03)
        return response;
    }

    private Attempt prepare(ClientCall call, OutboundRequest out, EctRequestOptions options) throws EctMintingException {
        try {
            return instrumentation.observe(EctInstrumentation.MINT, () -> {
                try {
                    return call.prepare(out, options);
                } catch (EctMintingException e) {
                    throw new MintFailed(e); // through the instrumentation (tagged failed), then unwrapped
                }
            });
        } catch (MintFailed e) {
            throw (EctMintingException) e.getCause();
        }
    }

    private static EctRequestOptions options(HttpRequest request) {
        Object o = request.getAttributes().get(OPTIONS);
        return o instanceof EctRequestOptions opts ? opts : null;
    }

    @Override
    public String toString() { return "EctClientHttpRequestInterceptor{selfId=" + config.selfId() + "}"; }

    /** Carries a minting failure through the instrumentation (tagged failed) without losing its type. */
    private static final class MintFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MintFailed(EctMintingException cause) { super(cause.getMessage(), cause, false, false); }
    }

    /** Spring's request as the client support sees it. */
    private record SpringRequest(HttpRequest request, byte[] body) implements OutboundRequest {
        @Override
        public String method() { return request.getMethod().name(); }

        @Override
        public URI uri() { return request.getURI(); }

        @Override
        public List<String> ectHeaderValues() {
            List<String> v = request.getHeaders().get(ClientCall.HEADER);
            return v == null ? List.of() : List.copyOf(v);
        }

        @Override
        public String defaultExecAct() {
            String path = request.getURI().getRawPath();
            return EctText.execAct(method() + " " + (path == null || path.isEmpty() ? "/" : path)); // C-07, as ect-okhttp
        }

        @Override
        public String bodyHash() { return EctHashes.sha256(body == null ? new byte[0] : body); }
    }
}
