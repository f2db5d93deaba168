package dev.ect.core;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * What one call of {@link EctVerifier#verify(String, VerificationScope)} adds to the verifier's own
 * configuration, for that call only: a validator run after the configured ones (after the DAG
 * check, before the side effects), and the tokens the caller minted itself, which an ECT store built
 * to resolve them ({@link dev.ect.core.dag.EctStore#including(List)}) finds for this call. An HTTP
 * client checking a response ECT uses it (T-08, F-03): the request it answers is one of its own
 * tokens, and "the answer descends from the request" is its validator. A server checking that an
 * ECT describes the request it came with uses it too: the servlet filter's per-request scope
 * ({@code EctFilterConfig.Builder.requestScope}), e.g. ect-mcp's binding of a {@code tools/call}
 * ECT to its tool and body. Nothing of a scope is kept after the call. Immutable.
 *
 * @param validator run after the verifier's own validators; {@link EctValidator#none()} for none
 * @param ownEcts tokens this caller minted ({@link EctSigner#mint}), visible to the DAG check of this call only
 */
public record VerificationScope(EctValidator validator, List<SignedEct> ownEcts) {
    /** @throws NullPointerException for a null validator, list or element */
    public VerificationScope {
        Objects.requireNonNull(validator, "validator cannot be null");
        ownEcts = List.copyOf(Objects.requireNonNull(ownEcts, "ownEcts cannot be null"));
    }

    /** A scope adding {@code validator} only. */
    public static VerificationScope of(EctValidator validator) { return new VerificationScope(validator, List.of()); }

    /** This scope, with {@code own} as the caller's own tokens. */
    public VerificationScope withOwnEcts(Collection<SignedEct> own) { return new VerificationScope(validator, List.copyOf(own)); }
}
