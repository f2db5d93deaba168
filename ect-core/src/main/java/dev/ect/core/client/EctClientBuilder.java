package dev.ect.core.client;

import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;

/**
 * The options every HTTP client integration's builder shares, written once: the builders of
 * {@code EctOkHttp} and {@code EctHttp} extend it and add what is particular to their client (the
 * audience and exec_act resolvers over their own request types, redirects). Each option may be set
 * once; the values end in an {@link EctClientConfig}.
 *
 * @param <B> the integration's builder, returned by every setter
 */
public abstract class EctClientBuilder<B extends EctClientBuilder<B>> {
    private final EctClientConfig.Builder client;

    /**
     * @param signer mints and signs (its key, algorithm and clock are used, M-02/M-03)
     * @param selfId this agent's workload id, written to {@code iss} (C-01), e.g. a SPIFFE id
     */
    protected EctClientBuilder(EctSigner signer, String selfId) { this.client = EctClientConfig.builder(signer, selfId); }

    /** This builder, as its own type. */
    protected abstract B self();

    /** The shared options collected so far, for the integration's {@code build()}. */
    protected final EctClientConfig.Builder client() { return client; }

    /** This agent's workload id ({@code iss}). */
    public final String selfId() { return client.selfId(); }

    /** See {@link EctClientConfig.Builder#responseVerifier(EctVerifier)}: T-08 response ECTs, each verified once; default none. */
    public final B responseVerifier(EctVerifier verifier) {
        client.responseVerifier(verifier);
        return self();
    }

    /** T-03 header budget: a larger minted token fails the call; default 8192 ({@link EctSettings#maxTokenBytes()}), at least 64. */
    public final B maxTokenBytes(int bytes) {
        client.maxTokenBytes(bytes);
        return self();
    }

    /** Default {@link ExistingHeader#PASS_THROUGH}. */
    public final B existingHeader(ExistingHeader policy) {
        client.existingHeader(policy);
        return self();
    }

    /** Default {@link MissingContext#ROOT_TASK}. */
    public final B missingContext(MissingContext policy) {
        client.missingContext(policy);
        return self();
    }

    /** Default {@link UnknownAudience#FAIL}. */
    public final B unknownAudience(UnknownAudience policy) {
        client.unknownAudience(policy);
        return self();
    }

    /** Fails when {@code current} is set already: each option may be set once. */
    protected static void once(Object current, String name) {
        if (current != null) {
            throw new IllegalStateException(name + " was already set");
        }
    }
}
