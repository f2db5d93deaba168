package dev.ect.mcp;

import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.context.TaskContext;
import dev.ect.core.dag.EctStore;
import dev.ect.core.client.EctClientConfig;
import dev.ect.core.client.MissingContext;
import dev.ect.mcp.internal.ClientEngine;
import dev.ect.mcp.internal.EctMcpHttpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import java.net.http.HttpClient;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * ECTs on the MCP requests of one SDK client ({@code McpClient.sync/async} over
 * {@link HttpClientStreamableHttpTransport}) talking to one MCP server. Immutable and thread-safe;
 * one per (agent identity, server).
 *
 * <pre>{@code
 * EctMcpClient ect = EctMcpClient.builder(signer, "spiffe://example.com/planner")
 *         .audience("spiffe://example.com/search")     // the tool server's workload id (M-06)
 *         .responseVerifier(verifier)                  // optional: verify and fold its response ECTs
 *         .build();
 * McpSyncClient client = McpClient.sync(ect.configure(HttpClientStreamableHttpTransport.builder(url)).build())
 *         .transportContextProvider(ect.contextProvider())
 *         .build();
 * try (TaskContext.Scope s = task.makeCurrent()) {
 *     client.callTool(new CallToolRequest("search", Map.of("q", "ects")));   // carries an ECT, pred = task's frontier
 * }
 * }</pre>
 *
 * <p>Per MCP request whose method is in {@link Builder#methods} (default {@link EctMcp#DEFAULT_METHODS},
 * {@code tools/call}), the SDK's request customizer mints one ECT: {@code iss} = selfId, {@code aud} =
 * the server's id, {@code exec_act} = {@link EctMcp#execAct}, {@code inp_hash} = SHA-256 of the JSON-RPC
 * body the SDK sends, {@code pred} and {@code wid} from the caller's {@link TaskContext} (M-04, M-05),
 * {@code jti} fresh per attempt (M-01). The caller's context reaches the customizer through the SDK's
 * transport context ({@link #contextProvider()}, captured on the calling thread), never through a
 * thread-local on the SDK's threads. With a response verifier, the server's response ECT is verified
 * when the response's headers arrive and folded into that context's frontier (F-03) before the SDK
 * reads the answer; a refused one fails the call with {@link EctMcpException}.
 */
public final class EctMcpClient {
    private final ClientEngine engine;

    private EctMcpClient(Builder b) {
        this.engine = new ClientEngine(b.signer, b.selfId, List.copyOf(b.audience), Set.copyOf(b.methods), b.responseVerifier,
                b.missingContext, b.mapper != null ? b.mapper : EctMcp.McpJsonDefaultsHolder.mapper());
    }

    /** A builder for an agent whose workload id is {@code selfId} ({@code iss} of every ECT it mints). */
    public static Builder builder(EctSigner signer, String selfId) { return new Builder(signer, selfId); }

    /**
     * Configures the SDK transport builder: adds this client's request customizer and gives it an
     * {@link HttpClient} that handles response ECTs ({@link #httpClientBuilder(HttpClient.Builder)}
     * over a new JDK builder with HTTP/1.1, the SDK's default). Returns {@code transport}.
     */
    public HttpClientStreamableHttpTransport.Builder configure(HttpClientStreamableHttpTransport.Builder transport) {
        return transport.addHttpRequestCustomizer(customizer())
                .clientBuilder(httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)));
    }

    /** The SDK request customizer that mints (for {@code httpRequestCustomizer} / {@code addHttpRequestCustomizer}). */
    public McpSyncHttpClientRequestCustomizer customizer() { return engine::customize; }

    /**
     * A {@link HttpClient.Builder} for the SDK transport's {@code clientBuilder(...)}: builds what
     * {@code delegate} builds, with response ECTs verified and folded (T-08, F-03). The built client
     * refuses a delegate that follows redirects or has an {@code Authenticator} (the JDK would resend
     * one ECT).
     */
    public HttpClient.Builder httpClientBuilder(HttpClient.Builder delegate) {
        return new EctMcpHttpClient.WrappingBuilder(Objects.requireNonNull(delegate, "delegate"), engine);
    }

    /**
     * For {@code McpClient.sync(...).transportContextProvider(...)}: the SDK calls it on the thread
     * that makes the MCP call and carries the result to the transport; it holds that thread's
     * current {@link TaskContext} (F-02), if any.
     */
    public Supplier<McpTransportContext> contextProvider() {
        return () -> TaskContext.current().map(EctMcpClient::transportContext).orElse(McpTransportContext.EMPTY);
    }

    /** A transport context carrying {@code task} (for async clients: {@code contextWrite(KEY, ...)}). */
    public static McpTransportContext transportContext(TaskContext task) {
        Map<String, Object> m = new HashMap<>();
        m.put(EctMcp.TASK_CONTEXT_KEY, Objects.requireNonNull(task, "task"));
        return McpTransportContext.create(m);
    }

    /**
     * An {@link EctStore} for the response verifier's DAG check: resolves the request this client
     * minted while it verifies that request's answer (F-03), otherwise asks {@code fallback} (e.g.
     * the shared ledger). The same store as every HTTP client integration's
     * ({@link EctClientConfig#mintedEctStore(EctStore)}).
     */
    public static EctStore mintedEctStore(EctStore fallback) { return EctClientConfig.mintedEctStore(fallback); }

    /** {@link #mintedEctStore(EctStore)} with an empty fallback. */
    public static EctStore mintedEctStore() { return EctClientConfig.mintedEctStore(); }

    /**
     * Why an MCP call failed for its ECT, if it did: the reason code of an {@link EctMcpException}
     * (a refused response ECT, a minting failure, or the reason a tool server named when it refused
     * the request), or, for a client without this module, the {@value EctMcp#ERROR_HEADER} header of
     * the SDK's {@code McpHttpClientTransportAuthorizationException} (HTTP 403). Walks the causes of
     * {@code failure}.
     */
    public static Optional<String> reasonCode(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EctMcpException e && e.code() != null) {
                return Optional.of(e.code());
            }
            if (t instanceof McpHttpClientTransportAuthorizationException a && a.getResponseInfo() != null) {
                Optional<String> r = a.getResponseInfo().headers().firstValue(EctMcp.ERROR_HEADER);
                if (r.isPresent()) {
                    return r;
                }
            }
        }
        return Optional.empty();
    }

    /** Requests minted for whose response has not arrived (for tests and metrics). */
    public int pendingRequests() { return engine.pendingCount(); }

    /** Builder; every option but the signer and id has a default. */
    public static final class Builder {
        private final EctSigner signer;
        private final String selfId;
        private final Set<String> audience = new LinkedHashSet<>();
        private final Set<String> methods = new LinkedHashSet<>(EctMcp.DEFAULT_METHODS);
        private EctVerifier responseVerifier;
        private MissingContext missingContext = MissingContext.ROOT_TASK;
        private McpJsonMapper mapper;

        private Builder(EctSigner signer, String selfId) {
            this.signer = Objects.requireNonNull(signer, "signer");
            if (selfId == null || selfId.isBlank()) {
                throw new IllegalArgumentException("selfId must be the agent's workload id");
            }
            this.selfId = selfId;
        }

        /** Required: the MCP server's workload id(s), the {@code aud} of every ECT (M-06). */
        public Builder audience(String first, String... more) {
            audience.clear();
            audience.add(Objects.requireNonNull(first, "audience"));
            for (String m : more) {
                audience.add(Objects.requireNonNull(m, "audience"));
            }
            return this;
        }

        /** The JSON-RPC methods whose requests carry an ECT; default {@link EctMcp#DEFAULT_METHODS}. */
        public Builder methods(Set<String> jsonRpcMethods) {
            if (jsonRpcMethods.isEmpty()) {
                throw new IllegalArgumentException("methods must not be empty");
            }
            methods.clear();
            methods.addAll(jsonRpcMethods);
            return this;
        }

        /**
         * Verifies the server's response ECTs (T-08) and folds them into the caller's frontier (F-03).
         * Its {@code verifierId} must be this agent's id; give it {@link #mintedEctStore(EctStore)} as
         * its ECT store. Default none: response ECTs are ignored and the request's own task joins the frontier.
         */
        public Builder responseVerifier(EctVerifier verifier) {
            if (verifier != null && !selfId.equals(verifier.verifierId())) {
                throw new IllegalArgumentException("the response verifier's id must be " + selfId + " (response ECTs are addressed to it)");
            }
            this.responseVerifier = verifier;
            return this;
        }

        /** Default {@link MissingContext#ROOT_TASK}. */
        public Builder missingContext(MissingContext policy) {
            this.missingContext = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The JSON mapper that reads MCP bodies; default the SDK's ({@code McpJsonDefaults.getMapper()}). */
        public Builder jsonMapper(McpJsonMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        public EctMcpClient build() {
            if (audience.isEmpty()) {
                throw new IllegalStateException("audience(...) is required: the MCP server's workload id (M-06)");
            }
            return new EctMcpClient(this);
        }
    }

}
