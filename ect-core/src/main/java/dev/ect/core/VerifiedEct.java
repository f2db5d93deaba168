package dev.ect.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The result of a successful verification: the verified {@link SignedEct}, the level reached and
 * the predecessors accepted unresolved. Only the library's verifier makes one.
 *
 * <p>Besides the verified values it remembers which stores its side effects went to: the replay
 * store that recorded the token (V-14) and the ledger it was appended to (V-15), compared by
 * identity ({@link #recordedIn(Object)}). {@link EctVerifier#verifyAgain(String, VerifiedEct)} reads
 * that, so a second verifier of the same request (T-09: several filters) does not record the same
 * token twice in a store the two share.
 */
public final class VerifiedEct {
    private final SignedEct signed;
    private final EctLevel level;
    private final List<String> unresolvedPredecessors;
    private final List<Object> recordedIn;

    /** Reached only through the library's internal factory (the verifier). */
    VerifiedEct(SignedEct signed, EctLevel level, List<String> unresolvedPredecessors, List<Object> recordedIn) {
        this.signed = Objects.requireNonNull(signed, "signed");
        this.level = Objects.requireNonNull(level, "level");
        this.unresolvedPredecessors = List.copyOf(unresolvedPredecessors);
        this.recordedIn = recordedIn;
    }

    /** The verified token and its compact form, as a ledger takes it (V-15). */
    public SignedEct signed() { return signed; }

    /** The verified token. */
    public Ect ect() { return signed.ect(); }

    /** The compact serialization that was verified (kept for the ledger; never log it). */
    public String compact() { return signed.compact(); }

    /** The level that was verified: L3 when it was appended to a ledger (V-15). */
    public EctLevel level() { return level; }

    /** {@code pred} entries accepted unresolved under the G-02 {@code ALLOW} policy; empty otherwise. */
    public List<String> unresolvedPredecessors() { return unresolvedPredecessors; }

    /** The same result at another level (the stores it was recorded in are kept). */
    public VerifiedEct withLevel(EctLevel newLevel) {
        return new VerifiedEct(signed, newLevel, unresolvedPredecessors, recordedIn);
    }

    /**
     * True when this verification, or one it was built on through
     * {@link EctVerifier#verifyAgain(String, VerifiedEct)}, recorded the token in exactly this store
     * object (a {@link dev.ect.core.replay.ReplayStore} at V-14 or an
     * {@link dev.ect.core.ledger.AuditLedger} at V-15; compared by identity).
     */
    public boolean recordedIn(Object store) {
        for (Object o : recordedIn) {
            if (o == store) {
                return true;
            }
        }
        return false;
    }

    /** This result, also recorded in {@code store}; a {@code VerifiedEct} adds all of its stores (the verifier calls it). */
    VerifiedEct withRecorded(Object store) {
        List<Object> add = store instanceof VerifiedEct other ? other.recordedIn : store == null ? List.of() : List.of(store);
        List<Object> more = new ArrayList<>(recordedIn);
        for (Object o : add) {
            if (!recordedIn(o)) {
                more.add(o);
            }
        }
        return more.size() == recordedIn.size() ? this
                : new VerifiedEct(signed, level, unresolvedPredecessors, List.copyOf(more));
    }

    /** Equal when the token, level and unresolved predecessors are (the stores are not compared). */
    @Override
    public boolean equals(Object o) {
        return o instanceof VerifiedEct v && signed.equals(v.signed) && level == v.level
                && unresolvedPredecessors.equals(v.unresolvedPredecessors);
    }

    @Override
    public int hashCode() { return Objects.hash(signed, level, unresolvedPredecessors); }

    @Override
    public String toString() {
        return "VerifiedEct{level=" + level + ", " + signed.ect() + ", unresolved=" + unresolvedPredecessors + "}";
    }
}
