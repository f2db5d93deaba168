package dev.ect.httpclient;

import dev.ect.core.EctSigner;
import dev.ect.core.client.AudienceResolver;
import dev.ect.core.client.EctClientBuilder;
import dev.ect.core.client.EctClientConfig;
import dev.ect.core.client.EctRequestOptions;
import dev.ect.core.dag.EctStore;
import dev.ect.httpclient.internal.EctConfig;
import dev.ect.httpclient.internal.Engine;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Redirect;
import java.util.Objects;

/**
 * The JDK {@link HttpClient} integration: every request an agent sends carries an ECT for its
 * task, linked to the task that started it, with no ECT code in the application (profile
 * sections 10 and 11). The same behaviour as {@code dev.ect.okhttp.EctOkHttp}, in the JDK
 * client's idiom.
 *
 * <pre>{@code
 * EctHttp ect = EctHttp.builder(signer, "spiffe://example.com/agent/b")
 *     .audience(AudienceResolver.byHost(Map.of("c.internal:8443", "spiffe://example.com/agent/c")))
 *     .responseVerifier(verifier)             // optional: verify response ECTs (T-08)
 *     .build();
 * EctHttpClient client = ect.wrap(HttpClient.newBuilder()
 *     .connectTimeout(Duration.ofSeconds(5))
 *     .build(), Redirect.NORMAL);             // the delegate must not follow redirects itself
 * }</pre>
 *
 * <p>What the wrapped client does for each {@code send} / {@code sendAsync}:
 * <ul>
 *   <li>captures the current {@link dev.ect.core.context.TaskContext} and its frontier on the
 *       calling thread (F-02), so {@code sendAsync} links to the caller's task (M-04), and the
 *       returned future completes with that context current (F-05);
 *   <li>mints a fresh ECT for every hop (M-01: each redirect hop it follows gets its own
 *       {@code jti}; M-06: {@code aud} of the host actually called);
 *   <li>verifies an ECT in each response before the application's {@code BodyHandler} sees the
 *       body (T-08), and folds the final answer into the task's frontier (F-03).
 * </ul>
 *
 * <p>Claims of each minted ECT: {@code iss} = the agent's id; {@code aud} from the
 * {@link AudienceResolver}; {@code exec_act} from the {@link ExecActResolver} (default
 * {@code METHOD /path}); {@code pred} = the captured frontier (M-04); {@code wid} = the context's
 * (M-05); {@code jti}, {@code iat}, {@code exp} and the header from the {@link EctSigner} and its
 * clock (M-01..M-03, M-07). A call's {@link EctRequestOptions} override any of them.
 *
 * <p>Immutable and thread-safe; build one per agent identity and share it.
 */
public final class EctHttp {
    /** The HTTP header field carrying an ECT (T-01). */
    public static final String HEADER = "Execution-Context";

    /** The most redirects one exchange follows by default: 5, the JDK client's default. */
    public static final int DEFAULT_MAX_REDIRECTS = 5;

    private final EctConfig config;
    private final Engine engine;

    private EctHttp(EctConfig config) {
        this.config = config;
        this.engine = new Engine(config);
    }

    /**
     * Starts a builder.
     *
     * @param signer mints and signs (its key, algorithm and clock are used, M-02/M-03)
     * @param selfId this agent's workload id, written to {@code iss} (C-01), e.g. a SPIFFE id
     */
    public static Builder builder(EctSigner signer, String selfId) { return new Builder(signer, selfId); }

    /**
     * An ECT-aware client over {@code delegate}, following no redirects (a 3xx is returned to
     * the application, as with {@link Redirect#NEVER}). Same as {@code wrap(delegate, Redirect.NEVER)}.
     *
     * @throws IllegalArgumentException see {@link #wrap(HttpClient, Redirect)}
     */
    public EctHttpClient wrap(HttpClient delegate) { return wrap(delegate, Redirect.NEVER); }

    /**
     * An ECT-aware client over {@code delegate} that follows redirects itself per {@code redirects}
     * (the JDK's rules; each hop minted on its own, M-01/M-06). {@code delegate} supplies
     * everything else (connection pool, executor, TLS, proxy, cookies, timeouts) and is not
     * changed; the returned client reports the delegate's settings, and {@code redirects} as
     * its {@link HttpClient#followRedirects()}.
     *
     * @throws IllegalArgumentException when {@code delegate} follows redirects itself (it would
     *     resend the first hop's ECT to every hop: build it with {@code followRedirects(Redirect.NEVER)},
     *     the JDK default, and pass the policy here), has an {@link java.net.Authenticator} (the
     *     JDK resends a request after a 401/407 internally, with the same ECT: set the
     *     {@code Authorization} header yourself), or is itself an {@link EctHttpClient}
     */
    public EctHttpClient wrap(HttpClient delegate, Redirect redirects) {
        Objects.requireNonNull(delegate, "delegate cannot be null");
        Objects.requireNonNull(redirects, "redirects cannot be null");
        if (delegate instanceof EctHttpClient) {
            throw new IllegalArgumentException("this client already carries an ECT integration: wrap the original client");
        }
        if (delegate.followRedirects() != Redirect.NEVER) {
            throw new IllegalArgumentException("the delegate follows redirects itself (" + delegate.followRedirects()
                    + "), which would send one ECT to every hop (M-01): build it with followRedirects(Redirect.NEVER)"
                    + " and pass the policy to wrap(delegate, Redirect." + delegate.followRedirects() + ")");
        }
        if (delegate.authenticator().isPresent()) {
            throw new IllegalArgumentException("the delegate has an Authenticator, whose 401/407 retries resend the same ECT"
                    + " (M-01): set the Authorization header on the request instead");
        }
        return new EctHttpClient(delegate, redirects, engine);
    }

    /** This agent's workload id ({@code iss}). */
    public String selfId() { return config.client().selfId(); }

    /**
     * The {@link EctStore} a response verifier needs to resolve the tokens an exchange minted itself
     * (F-03): {@link EctClientConfig#mintedEctStore()}, the one store of every HTTP client
     * integration ({@code .ectStore(EctHttp.mintedEctStore())} on the response verifier).
     */
    public static EctStore mintedEctStore() { return EctClientConfig.mintedEctStore(); }

    /** {@link EctClientConfig#mintedEctStore(EctStore)}: everything else from {@code fallback}, typically the shared ledger. */
    public static EctStore mintedEctStore(EctStore fallback) { return EctClientConfig.mintedEctStore(fallback); }

    /**
     * Builder for {@link EctHttp}. Required: the audience resolver. Each option may be set once.
     * The options every HTTP client integration shares ({@code responseVerifier}, {@code maxTokenBytes}
     * and the policies) are those of {@link EctClientBuilder}.
     */
    public static final class Builder extends EctClientBuilder<Builder> {
        private ExecActResolver execAct;
        private Integer maxRedirects;

        private Builder(EctSigner signer, String selfId) { super(signer, selfId); }

        @Override
        protected Builder self() { return this; }

        /** Required. Maps each hop's target to the receiver's workload id(s) for {@code aud} (M-06). */
        public Builder audience(AudienceResolver resolver) {
            client().audience(resolver);
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
         * The most redirects one exchange follows (when a redirect policy is given to
         * {@link EctHttp#wrap(HttpClient, Redirect)}); the next 3xx is returned to the
         * application. Default {@value EctHttp#DEFAULT_MAX_REDIRECTS}.
         */
        public Builder maxRedirects(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxRedirects must be >= 0");
            }
            once(maxRedirects, "maxRedirects");
            maxRedirects = max;
            return this;
        }

        /**
         * The integration.
         *
         * @throws IllegalStateException when the audience resolver is missing
         */
        public EctHttp build() {
            return new EctHttp(new EctConfig(client().build(), execAct != null ? execAct : ExecActResolver.methodAndPath(),
                    maxRedirects != null ? maxRedirects : DEFAULT_MAX_REDIRECTS));
        }
    }
}
