package dev.ect.okhttp;

import dev.ect.core.EctSigner;
import dev.ect.core.client.EctClientBuilder;
import dev.ect.core.client.EctClientConfig;
import dev.ect.core.client.EctRequestOptions;
import dev.ect.core.client.MissingContext;
import dev.ect.core.dag.EctStore;
import dev.ect.okhttp.internal.ContextCaptor;
import dev.ect.okhttp.internal.EctApplicationInterceptor;
import dev.ect.okhttp.internal.EctConfig;
import dev.ect.okhttp.internal.EctNetworkInterceptor;
import java.util.Objects;
import okhttp3.EventListener;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

/**
 * The OkHttp integration: every request an agent sends carries an ECT for its task, linked to the
 * task that started it, with no ECT code in the application (profile sections 10 and 11).
 *
 * <pre>{@code
 * EctOkHttp ect = EctOkHttp.builder(signer, "spiffe://example.com/agent/b")
 *     .audience(AudienceResolver.byHost(Map.of("c.internal:8443", "spiffe://example.com/agent/c")))
 *     .responseVerifier(verifier)             // optional: verify response ECTs (T-08)
 *     .build();
 * OkHttpClient client = ect.wrap(existingClient); // a derived client; existingClient is unchanged
 * }</pre>
 *
 * <p>What {@link #wrap(OkHttpClient)} installs:
 * <ul>
 *   <li>an {@link EventListener.Factory} that captures the current
 *       {@link dev.ect.core.context.TaskContext} and its frontier when a call is created
 *       ({@code newCall}, F-02), so {@code enqueue} on OkHttp's dispatcher threads still links to
 *       the creating thread's task (M-04);
 *   <li>a network interceptor that mints a fresh ECT for every network attempt (M-01: retries and
 *       redirect hops each get their own {@code jti}; M-06: {@code aud} of the host actually
 *       called), and verifies an ECT in the response (T-08);
 *   <li>an application interceptor, first in the chain, that folds the final answer into the
 *       task's frontier (F-03) once per call.
 * </ul>
 *
 * <p>Claims of each minted ECT: {@code iss} = the agent's id; {@code aud} from the
 * {@link AudienceResolver}; {@code exec_act} from the {@link ExecActResolver} (default
 * {@code METHOD /path}); {@code pred} = the captured frontier (M-04); {@code wid} = the context's
 * (M-05); {@code jti}, {@code iat}, {@code exp} and the header from the {@link EctSigner} and its
 * clock (M-01..M-03, M-07). A request's {@link EctRequestOptions} tag overrides any of them.
 *
 * <p>With no task context current when a call is created, the default
 * ({@link MissingContext#ROOT_TASK}) makes that call a root task of its own: a fresh random
 * {@code wid} and an empty {@code pred}. To group several calls in one workflow, make a context
 * current: {@code try (var s = TaskContext.root().makeCurrent()) { ... }}.
 *
 * <p>Immutable and thread-safe; build one per agent identity and share it.
 */
public final class EctOkHttp {
    /** The HTTP header field carrying an ECT (T-01). */
    public static final String HEADER = "Execution-Context";

    private final EctConfig config;
    private final ContextCaptor captor;
    private final EctNetworkInterceptor networkInterceptor;
    private final EctApplicationInterceptor applicationInterceptor;

    private EctOkHttp(EctConfig config) {
        this.config = config;
        this.captor = new ContextCaptor(config);
        this.networkInterceptor = new EctNetworkInterceptor(config, captor);
        this.applicationInterceptor = new EctApplicationInterceptor(captor);
    }

    /**
     * Starts a builder.
     *
     * @param signer mints and signs (its key, algorithm and clock are used, M-02/M-03)
     * @param selfId this agent's workload id, written to {@code iss} (C-01), e.g. a SPIFFE id
     */
    public static Builder builder(EctSigner signer, String selfId) { return new Builder(signer, selfId); }

    /**
     * A client derived from {@code client} ({@code client.newBuilder()}: same connection pool,
     * dispatcher and settings) that mints, propagates and checks ECTs. {@code client} itself is
     * not changed. Keep using the returned client's {@code newCall} (directly or through
     * Retrofit and the like); a client derived from it again keeps the integration, unless its
     * event listener is replaced, which loses the capture at call creation for {@code enqueue}.
     *
     * @throws IllegalArgumentException when {@code client} already carries an ECT integration
     */
    public OkHttpClient wrap(OkHttpClient client) {
        Objects.requireNonNull(client, "client cannot be null");
        if (ContextCaptor.isCapturing(client.eventListenerFactory())
                || client.networkInterceptors().stream().anyMatch(i -> i instanceof EctNetworkInterceptor)) {
            throw new IllegalArgumentException("this client already carries an ECT integration: wrap the original client");
        }
        OkHttpClient.Builder b = client.newBuilder();
        b.interceptors().add(0, applicationInterceptor); // outermost: sees the final answer only
        b.addNetworkInterceptor(networkInterceptor);
        b.eventListenerFactory(captor.eventListenerFactory(client.eventListenerFactory()));
        return b.build();
    }

    /**
     * The network interceptor alone, for clients assembled by hand
     * ({@code builder.addNetworkInterceptor(ect.networkInterceptor())}). On its own it captures the
     * task context when the call's first attempt runs (right for {@code execute()}, not for
     * {@code enqueue}) and lets every attempt's answer move the frontier. Add
     * {@link #applicationInterceptor()} (first) and {@link #eventListenerFactory(EventListener.Factory)}
     * to get what {@link #wrap(OkHttpClient)} does.
     */
    public Interceptor networkInterceptor() { return networkInterceptor; }

    /**
     * The application interceptor: add it first ({@code builder.interceptors().add(0, ...)}) so
     * only a call's final answer moves the frontier (F-03), not redirected or retried attempts.
     */
    public Interceptor applicationInterceptor() { return applicationInterceptor; }

    /**
     * An event listener factory that captures the task context when each call is created (F-02),
     * then delegates to {@code delegate} (e.g. {@code call -> EventListener.NONE} or the
     * client's current factory).
     */
    public EventListener.Factory eventListenerFactory(EventListener.Factory delegate) {
        return captor.eventListenerFactory(delegate);
    }

    /** This agent's workload id ({@code iss}). */
    public String selfId() { return config.client().selfId(); }

    /**
     * The {@link EctStore} a response verifier needs to resolve the tokens a call minted itself
     * (F-03): {@link EctClientConfig#mintedEctStore()}, the one store of every HTTP client
     * integration ({@code .ectStore(EctOkHttp.mintedEctStore())} on the response verifier).
     */
    public static EctStore mintedEctStore() { return EctClientConfig.mintedEctStore(); }

    /** {@link EctClientConfig#mintedEctStore(EctStore)}: everything else from {@code fallback}, typically the shared ledger. */
    public static EctStore mintedEctStore(EctStore fallback) { return EctClientConfig.mintedEctStore(fallback); }

    /**
     * Builder for {@link EctOkHttp}. Required: the audience resolver. Each option may be set once.
     * The options every HTTP client integration shares ({@code responseVerifier}, {@code maxTokenBytes}
     * and the policies) are those of {@link EctClientBuilder}.
     */
    public static final class Builder extends EctClientBuilder<Builder> {
        private AudienceResolver audience;
        private ExecActResolver execAct;

        private Builder(EctSigner signer, String selfId) { super(signer, selfId); }

        @Override
        protected Builder self() { return this; }

        /** Required. Maps each request's target to the receiver's workload id(s) for {@code aud} (M-06). */
        public Builder audience(AudienceResolver resolver) {
            Objects.requireNonNull(resolver, "audience resolver cannot be null");
            client().audience(uri -> resolver.resolve(HttpUrl.get(uri))); // also checks "set once"
            audience = resolver;
            return this;
        }

        /** The {@code exec_act} of each request; default {@link ExecActResolver#methodAndPath()}. */
        public Builder execAct(ExecActResolver resolver) {
            Objects.requireNonNull(resolver, "execAct resolver cannot be null");
            once(execAct, "execAct");
            execAct = resolver;
            return this;
        }

        /**
         * The integration.
         *
         * @throws IllegalStateException when the audience resolver is missing
         */
        public EctOkHttp build() {
            return new EctOkHttp(new EctConfig(client().build(), audience,
                    execAct != null ? execAct : ExecActResolver.methodAndPath()));
        }
    }
}
