package dev.ect.core.tlog;

import dev.ect.core.ledger.ChainVerification;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a {@link LedgerAudit} (profile L-09). Immutable.
 *
 * @param chain the hash chain check of the file (L-04)
 * @param entries the number of intact entries read
 * @param signaturesVerified how many tokens' signatures verified (0 without a trust set)
 * @param checkpoint the checkpoint the ledger was compared with, if any
 * @param findings what is wrong, ordered by entry (empty when {@link #ok()}); at most
 *     {@link LedgerAudit#MAX_FINDINGS}, see {@code omitted}
 * @param omitted how many further findings were left out
 */
public record LedgerAuditResult(ChainVerification chain, long entries, long signaturesVerified,
        Optional<Checkpoint> checkpoint, List<Finding> findings, long omitted) {

    /** What a finding is about. */
    public enum Kind {
        /** The hash chain is broken (L-04). */
        CHAIN,
        /** A stored token's signature does not verify against the trust set, or there is no key for it. */
        SIGNATURE,
        /** The ledger does not extend the checkpoint: truncated, reordered or rewritten (L-09). */
        CHECKPOINT
    }

    /**
     * One problem.
     *
     * @param kind what it is about
     * @param seq the first entry concerned, or 0 when no single entry can be named
     * @param problem what is wrong (never a token)
     */
    public record Finding(Kind kind, long seq, String problem) {
        public Finding {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(problem, "problem");
        }

        @Override
        public String toString() { return kind + (seq > 0 ? " at entry " + seq : "") + ": " + problem; }
    }

    /** Copies the list. */
    public LedgerAuditResult {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(checkpoint, "checkpoint");
        findings = List.copyOf(findings);
    }

    /** True when nothing was found: chain intact, every signature verified (when checked), consistent with the checkpoint. */
    public boolean ok() { return findings.isEmpty(); }

    /** The first finding, if any. */
    public Optional<Finding> firstProblem() { return findings.stream().findFirst(); }

    @Override
    public String toString() {
        if (ok()) {
            return "ledger intact: " + entries + " entries" + (signaturesVerified > 0 ? ", " + signaturesVerified
                    + " signatures verified" : "") + checkpoint.map(c -> ", extends the checkpoint of " + c.size()
                    + " entries").orElse("");
        }
        StringBuilder sb = new StringBuilder("ledger NOT intact:");
        for (Finding f : findings) {
            sb.append("\n  ").append(f);
        }
        if (omitted > 0) {
            sb.append("\n  ... and ").append(omitted).append(" more");
        }
        return sb.toString();
    }
}
