package dev.ect.core.client;

import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.client.internal.MintedEcts;
import dev.ect.core.dag.EctStore;
import java.util.Objects;

/**
 * The options every HTTP client integration shares (OkHttp, the JDK {@code HttpClient}, and any
 * other built on {@code dev.ect.core.client}): who mints ({@code signer}, {@code selfId}), where
 * to ({@link AudienceResolver}), how response ECTs are checked ({@code responseVerifier}) and the
 * policies for the unusual cases. The integrations' own builders ({@code EctOkHttp.builder},
 * {@code EctHttp.builder}) set these and add what is particular to their client (the exec_act
 * resolver over their request type, redirects).
 *
 * <p>Immutable and thread-safe.
 */
public final class EctClientConfig {
    private final EctSigner signer;
    private final String selfId;
    private final AudienceResolver audience;
    private final EctVerifier responseVerifier;
    private final int maxTokenBytes;
    private final ExistingHeader existingHeader;
    private final MissingContext missingContext;
    private final UnknownAudience unknownAudience;

    private EctClientConfig(Builder b) {
        this.signer = b.signer;
        this.selfId = b.selfId;
        this.audience = b.audience;
        this.responseVerifier = b.responseVerifier;
        this.maxTokenBytes = b.maxTokenBytes != null ? b.maxTokenBytes : EctSettings.defaults().maxTokenBytes();
        this.existingHeader = b.existingHeader != null ? b.existingHeader : ExistingHeader.PASS_THROUGH;
        this.missingContext = b.missingContext != null ? b.missingContext : MissingContext.ROOT_TASK;
        this.unknownAudience = b.unknownAudience != null ? b.unknownAudience : UnknownAudience.FAIL;
    }

    /**
     * Starts a builder.
     *
     * @param signer mints and signs (its key, algorithm and clock are used, M-02/M-03)
     * @param selfId this agent's workload id, written to {@code iss} (C-01), e.g. a SPIFFE id
     */
    public static Builder builder(EctSigner signer, String selfId) { return new Builder(signer, selfId); }

    /** The signer of every minted ECT. */
    public EctSigner signer() { return signer; }

    /** This agent's workload id ({@code iss}). */
    public String selfId() { return selfId; }

    /** The audience resolver (M-06). */
    public AudienceResolver audience() { return audience; }

    /** The verifier of response ECTs (T-08), or null: response ECTs are ignored. */
    public EctVerifier responseVerifier() { return responseVerifier; }

    /** The T-03 header budget, in bytes; default 8192. */
    public int maxTokenBytes() { return maxTokenBytes; }

    /** Default {@link ExistingHeader#PASS_THROUGH}. */
    public ExistingHeader existingHeader() { return existingHeader; }

    /** Default {@link MissingContext#ROOT_TASK}. */
    public MissingContext missingContext() { return missingContext; }

    /** Default {@link UnknownAudience#FAIL}. */
    public UnknownAudience unknownAudience() { return unknownAudience; }

    /**
     * An {@link EctStore} for a response verifier: for the one verification of a response ECT, it
     * resolves the tokens the call minted itself (F-03: the response's {@code pred} names the
     * request's task, which a client's store may not hold), which the integration passes to
     * {@link EctVerifier#verify(String, dev.ect.core.VerificationScope)}; everything else, and at
     * any other time everything, comes from {@code fallback} (typically the shared audit ledger).
     * It keeps no tokens itself, so the same verifier may also serve a servlet filter. One such
     * store serves every integration of the process.
     *
     * <pre>{@code
     * EctVerifier responses = EctVerifier.builder().verifierId(selfId).keySource(keys)
     *     .ectStore(EctClientConfig.mintedEctStore(ledger))
     *     .build();
     * }</pre>
     */
    public static EctStore mintedEctStore(EctStore fallback) { return new MintedEcts(fallback); }

    /** {@link #mintedEctStore(EctStore)} with nothing behind it ({@link EctStore#empty()}). */
    public static EctStore mintedEctStore() { return new MintedEcts(EctStore.empty()); }

    /** Builder for {@link EctClientConfig}. Required: the audience resolver. Each option may be set once. */
    public static final class Builder {
        private final EctSigner signer;
        private final String selfId;
        private AudienceResolver audience;
        private EctVerifier responseVerifier;
        private Integer maxTokenBytes;
        private ExistingHeader existingHeader;
        private MissingContext missingContext;
        private UnknownAudience unknownAudience;

        private Builder(EctSigner signer, String selfId) {
            this.signer = Objects.requireNonNull(signer, "signer cannot be null");
            Objects.requireNonNull(selfId, "selfId cannot be null");
            if (selfId.isBlank()) {
                throw new IllegalArgumentException("selfId must not be blank");
            }
            this.selfId = selfId;
        }

        /** This agent's workload id, as given to the builder. */
        public String selfId() { return selfId; }

        /** Required. Maps each attempt's target to the receiver's workload id(s) for {@code aud} (M-06). */
        public Builder audience(AudienceResolver resolver) {
            Objects.requireNonNull(resolver, "audience resolver cannot be null");
            once(audience, "audience");
            audience = resolver;
            return this;
        }

        /**
         * Verifies ECTs that come back in responses (T-08): its {@code verifierId} must be this
         * agent's id (their {@code aud}), and its ECT store must resolve the tokens this agent
         * minted ({@link EctClientConfig#mintedEctStore(EctStore)}, or a ledger the receivers
         * append to). A verified response ECT replaces the request's {@code pred} in the frontier
         * (F-03); a bad one fails the call with an {@link EctResponseRejectedException}. Each
         * response ECT is verified once ({@link EctVerifier#verify(String, dev.ect.core.VerificationScope)}),
         * with a validator requiring that it descends from the request and reuses none of this
         * client's task ids (T-08, F-03), before its side effects. Default none: response ECTs are
         * ignored and the request's own task joins the frontier.
         *
         * @throws IllegalArgumentException when the verifier's id is not {@code selfId}
         */
        public Builder responseVerifier(EctVerifier verifier) {
            Objects.requireNonNull(verifier, "responseVerifier cannot be null");
            once(responseVerifier, "responseVerifier");
            if (!selfId.equals(verifier.verifierId())) {
                throw new IllegalArgumentException("responseVerifier's verifierId must be this agent's id " + selfId
                        + " (response ECTs are addressed to it), not " + verifier.verifierId());
            }
            responseVerifier = verifier;
            return this;
        }

        /** T-03 header budget: a larger minted token fails the call; default 8192 ({@link EctSettings#maxTokenBytes()}), at least 64. */
        public Builder maxTokenBytes(int bytes) {
            if (bytes < 64) {
                throw new IllegalArgumentException("maxTokenBytes must be >= 64");
            }
            once(maxTokenBytes, "maxTokenBytes");
            maxTokenBytes = bytes;
            return this;
        }

        /** Default {@link ExistingHeader#PASS_THROUGH}. */
        public Builder existingHeader(ExistingHeader policy) {
            Objects.requireNonNull(policy, "existingHeader cannot be null");
            once(existingHeader, "existingHeader");
            existingHeader = policy;
            return this;
        }

        /** Default {@link MissingContext#ROOT_TASK}. */
        public Builder missingContext(MissingContext policy) {
            Objects.requireNonNull(policy, "missingContext cannot be null");
            once(missingContext, "missingContext");
            missingContext = policy;
            return this;
        }

        /** Default {@link UnknownAudience#FAIL}. */
        public Builder unknownAudience(UnknownAudience policy) {
            Objects.requireNonNull(policy, "unknownAudience cannot be null");
            once(unknownAudience, "unknownAudience");
            unknownAudience = policy;
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalStateException when the audience resolver is missing
         */
        public EctClientConfig build() {
            if (audience == null) {
                throw new IllegalStateException("an audience resolver is required (M-06): builder.audience(...)");
            }
            return new EctClientConfig(this);
        }

        private static void once(Object current, String name) {
            if (current != null) {
                throw new IllegalStateException(name + " was already set");
            }
        }
    }
}
