package dev.ect.core;

import java.util.List;
import java.util.Objects;

/**
 * The result of a successful verification.
 *
 * @param ect the verified token
 * @param compact the compact serialization that was verified (kept for the ledger; never log it)
 * @param level the level that was verified: L3 when it was appended to a ledger (V-15)
 * @param unresolvedPredecessors pred entries that did not resolve, accepted under the
 *     {@code ALLOW} policy of G-02 (a partial DAG); empty otherwise
 */
public record VerifiedEct(Ect ect, String compact, EctLevel level, List<String> unresolvedPredecessors) {
    public VerifiedEct {
        Objects.requireNonNull(ect, "ect");
        Objects.requireNonNull(compact, "compact");
        Objects.requireNonNull(level, "level");
        unresolvedPredecessors = List.copyOf(unresolvedPredecessors);
    }

    public VerifiedEct withLevel(EctLevel newLevel) {
        return new VerifiedEct(ect, compact, newLevel, unresolvedPredecessors);
    }

    @Override
    public String toString() {
        return "VerifiedEct{level=" + level + ", " + ect + ", unresolved=" + unresolvedPredecessors + "}";
    }
}
