package dev.ect.core;

/**
 * A token the library made, checked or recorded: an {@link Ect} and the compact serialization that
 * carries exactly its claims and header values. Only the library creates one: {@link EctSigner#mint(Ect)}
 * (a freshly minted token), the verifier ({@link VerifiedEct#signed()}, after every check of the
 * signature and the claim rules) and a ledger reading back what it recorded
 * ({@link dev.ect.core.ledger.LedgerEntry#signed()}, decoded by the library's codec). So code that
 * receives a {@code SignedEct}, such as {@link dev.ect.core.ledger.AuditLedger#append(SignedEct)} or
 * the DAG rules reading an {@link dev.ect.core.dag.EctStore}, can rely on {@link #ect()} being what
 * {@link #compact()} says without decoding the token again. (That its signature is valid is what a
 * {@link VerifiedEct} says, not a {@code SignedEct}.)
 *
 * <p>Immutable. Equal when both the ECT and the compact form are. {@link #toString()} omits the
 * compact form (never log a token).
 */
public final class SignedEct {
    private final Ect ect;
    private final String compact;

    /** Reached only through the library's internal factory (the signer and the verifier). */
    SignedEct(Ect ect, String compact) {
        if (ect == null || compact == null) {
            throw new NullPointerException(ect == null ? "ect" : "compact");
        }
        this.ect = ect;
        this.compact = compact;
    }

    /** The token's header values and claims. */
    public Ect ect() { return ect; }

    /** The compact serialization (the {@code Execution-Context} header value; never log it). */
    public String compact() { return compact; }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedEct s && compact.equals(s.compact) && ect.equals(s.ect);
    }

    @Override
    public int hashCode() { return compact.hashCode(); }

    @Override
    public String toString() { return "SignedEct{" + ect + "}"; }
}
