package dev.ect.core.dag;

import dev.ect.core.Ect;
import java.util.List;

/**
 * Where the verifier looks predecessors up (profile section 5): the ledger, or any store of ECTs
 * this verifier or its deployment has accepted. Implementations must be thread-safe.
 *
 * <p>Every {@link dev.ect.core.ledger.AuditLedger} is an ECT store. {@link #empty()} holds nothing.
 */
@FunctionalInterface
public interface EctStore {
    /**
     * All stored ECTs whose {@code jti} is this one, in any workflow and from any issuer (usually
     * zero or one; uniqueness is per ({@code iss}, {@code wid}, {@code jti}), G-01, so two issuers
     * may each hold one: G-07).
     *
     * <p>P-01: the {@link DagValidator} asks with the {@code jti} in canonical lower case; a store
     * should match stored ids ignoring ASCII case (the validator drops returned ECTs whose
     * {@code jti} is not the one asked for).
     *
     * @throws dev.ect.core.EctUnavailableException when the store cannot be read
     */
    List<Ect> findByJti(String jti);

    /** A store with nothing in it: every predecessor is unresolved. */
    static EctStore empty() { return jti -> List.of(); }
}
