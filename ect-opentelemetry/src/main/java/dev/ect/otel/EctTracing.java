package dev.ect.otel;

import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.otel.internal.TracingSigner;
import dev.ect.otel.internal.TracingVerifier;
import java.util.Objects;

/**
 * Joins traces and ECT DAGs: wraps a verifier and a signer so that each accepted or minted ECT is
 * written as attributes ({@link EctSpanAttributes}) on the span that is current
 * ({@code Span.current()}) when it is verified or minted. Depends on {@code opentelemetry-api} only: with
 * no OpenTelemetry SDK or agent installed the current span is the no-op span and nothing is recorded.
 *
 * <pre>{@code
 * EctVerifier verifier = EctTracing.traced(EctVerifier.builder()...build());   // server spans
 * EctSigner signer = EctTracing.traced(EctSigner.builder(key).build());        // client spans
 * }</pre>
 *
 * <ul>
 *   <li><b>Server side</b>: give the traced verifier to the servlet filter
 *       ({@code EctFilterConfig.builder().verifier(...)}). The filter verifies on the request thread,
 *       inside the server span the servlet instrumentation (the OpenTelemetry Java agent, or the
 *       library instrumentation's filter placed before the ECT filter) made current; an accepted
 *       ECT's {@code jti}, {@code wid}, {@code iss}, {@code exec_act} and {@code pred} are set on it
 *       with {@code ect.role=verified}. A refused ECT sets only {@code ect.reason} and adds the
 *       span event {@code ect.rejected}: nothing the sender wrote reaches the trace (T-12).
 *   <li><b>Client side</b>: give the traced signer to {@code EctOkHttp.builder(signer, ...)} or the
 *       JDK {@code HttpClient} integration. Both mint per network attempt on the thread that sends
 *       it; when the client span is current there (OkHttp: the tracing interceptor of the
 *       instrumentation is outside the ECT network interceptor), the minted ECT's claims are set on
 *       it with {@code ect.role=minted}. A span that is not recording costs nothing but the check.
 * </ul>
 *
 * Every other method (including {@code verifyAgain}, T-09, and {@code check}) is passed through
 * unchanged; the wrapped objects keep their own behaviour and thread-safety.
 */
public final class EctTracing {
    private EctTracing() {}

    /** The verifier, writing each accepted ECT (and each refusal's reason code) to the current span. */
    public static EctVerifier traced(EctVerifier verifier) {
        Objects.requireNonNull(verifier, "verifier cannot be null");
        return verifier instanceof TracingVerifier ? verifier : new TracingVerifier(verifier);
    }

    /** The signer, writing each minted ECT to the current span. */
    public static EctSigner traced(EctSigner signer) {
        Objects.requireNonNull(signer, "signer cannot be null");
        return signer instanceof TracingSigner ? signer : new TracingSigner(signer);
    }
}
