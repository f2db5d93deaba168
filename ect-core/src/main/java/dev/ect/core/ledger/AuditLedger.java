package dev.ect.core.ledger;

import dev.ect.core.SignedEct;
import dev.ect.core.dag.EctStore;
import dev.ect.core.internal.Uuids;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The audit ledger SPI (profile section 8, V-15). Append-only (L-01), hash-chained (L-02),
 * durable before acknowledging (L-05), never holding the same ({@code iss}, {@code wid},
 * {@code jti}) twice (L-06), with lookups by {@code jti}, by {@code wid} and of ancestors (L-03) and a chain check
 * (L-04). Every ledger is also an {@link EctStore}, so the DAG rules can run against it.
 *
 * <p>Implementations: {@link InMemoryLedger} (the default for tests and single processes),
 * {@link FileLedger} (an append-only file, forced to disk before each append returns). A database
 * ledger implements the four abstract methods with plain SQL: {@code append} as one transaction
 * that reads the last entry's hash, inserts the row built by
 * {@link LedgerEntry#create(long, SignedEct, java.time.Instant, String)} under a unique
 * constraint on ({@code iss}, {@code wid}, {@code jti}) and a unique {@code seq}, and commits before returning;
 * the lookups as {@code SELECT ... ORDER BY seq}.
 *
 * <p>Two issuers may each hold an entry with the same ({@code wid}, {@code jti}) (G-01): the key
 * includes {@code iss}, so an issuer that sends another's task id first cannot lock the genuine
 * ECT out; the DAG rules refuse to build on such an id (G-07). Ids ({@code jti}, {@code wid}) are
 * compared in canonical lower case (P-01): lookups should match stored ids ignoring ASCII case.
 *
 * <p>Implementations must be thread-safe. The lists returned are immutable snapshots.
 */
public interface AuditLedger extends EctStore {
    /**
     * Appends a verified ECT and returns only once the entry is durable (L-05).
     *
     * @param token the verified token ({@link dev.ect.core.VerifiedEct#signed()}), or one this
     *     process minted ({@link dev.ect.core.EctSigner#mint}); its ECT is the one its compact form
     *     carries, so the ledger indexes it without decoding the token again
     * @return the new entry, chained onto the previous one (L-02)
     * @throws dev.ect.core.EctUnavailableException {@code ledger_unavailable} when the append failed
     *     (the entry is then not in the ledger and the ECT must not be accepted, V-15)
     * @throws dev.ect.core.EctRejectedException {@code dag_duplicate_jti} when the
     *     ({@code iss}, {@code wid}, {@code jti}) is already present (L-06)
     */
    LedgerEntry append(SignedEct token);

    /**
     * Entries in sequence order, starting at {@code fromSeq} (L-03, for paging through the chain).
     *
     * @param fromSeq the first sequence number wanted (from 1)
     * @param limit the most entries returned (&ge; 0)
     */
    List<LedgerEntry> entries(long fromSeq, int limit);

    /** All entries whose {@code jti} is this one, in any workflow, in sequence order (L-03). */
    List<LedgerEntry> findEntries(String jti);

    /**
     * All entries of a workflow in sequence order (L-03); {@code null} selects the entries whose
     * ECT has no {@code wid}.
     */
    List<LedgerEntry> entriesOfWorkflow(String wid);

    /** Every entry in sequence order. Holds the whole ledger in memory: prefer paging with {@link #entries(long, int)}. */
    default List<LedgerEntry> entries() { return entries(1, Integer.MAX_VALUE); }

    /**
     * The first entry, in sequence order, of ({@code wid}, {@code jti}) from any issuer. Since the
     * L-06 key includes {@code iss} there may be more than one (G-07): use
     * {@link #findEntry(String, String, String)} to name the issuer, or {@link #findEntries(String)}.
     */
    default Optional<LedgerEntry> findEntry(String wid, String jti) {
        for (LedgerEntry e : findEntries(jti)) {
            if (Uuids.same(e.wid(), wid)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * The entry of ({@code iss}, {@code wid}, {@code jti}), of which there is at most one (L-06);
     * ids compared ignoring ASCII case (P-01).
     */
    default Optional<LedgerEntry> findEntry(String iss, String wid, String jti) {
        for (LedgerEntry e : findEntries(jti)) {
            if (Objects.equals(e.iss(), iss) && Uuids.same(e.wid(), wid) && Uuids.same(e.jti(), jti)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * The ancestors of a task (L-03): the entries reachable through {@code pred} from the entries
     * of {@code jti}, within their workflow, nearest first (breadth-first), each once. Predecessors
     * that are not in the ledger are skipped; a predecessor id that several issuers' entries carry
     * (G-07) contributes each of them. The walk stops after {@code limit} ancestors, so a
     * truncated answer holds the closest ones.
     *
     * @param jti the task whose ancestors are wanted (not itself included)
     * @param limit the most entries returned (&ge; 0)
     */
    default List<LedgerEntry> ancestors(String jti, int limit) {
        Objects.requireNonNull(jti, "jti");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0");
        }
        List<LedgerEntry> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<LedgerEntry> todo = new ArrayDeque<>();
        for (LedgerEntry start : findEntries(jti)) {
            seen.add(LedgerIndex.key(start.iss(), start.wid(), start.jti()));
            todo.add(start);
        }
        Set<String> looked = new HashSet<>(); // (wid, pred) ids already looked up
        while (!todo.isEmpty() && out.size() < limit) {
            LedgerEntry e = todo.poll();
            for (String p : e.pred()) {
                if (out.size() >= limit) {
                    break;
                }
                if (!looked.add(LedgerIndex.key(null, e.wid(), p))) {
                    continue;
                }
                for (LedgerEntry parent : findEntries(p)) {
                    if (out.size() >= limit) {
                        break;
                    }
                    if (Uuids.same(parent.wid(), e.wid()) && seen.add(LedgerIndex.key(parent.iss(), parent.wid(), parent.jti()))) {
                        out.add(parent);
                        todo.add(parent);
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * Checks the whole chain (L-04): sequence numbers from 1 without gaps, each entry's
     * {@code prevHash} equal to the previous entry's hash, each hash recomputed, the indexed fields
     * equal to the compact token's claims, no ({@code iss}, {@code wid}, {@code jti}) twice. The default pages
     * through {@link #entries(long, int)}; {@link FileLedger} reads its file again.
     */
    default ChainVerification verifyChain() {
        ChainChecker checker = new ChainChecker();
        long from = 1;
        while (true) {
            List<LedgerEntry> page = entries(from, 1024);
            for (LedgerEntry e : page) {
                if (checker.check(e) != null) {
                    return checker.result(-1);
                }
            }
            if (page.size() < 1024) {
                return checker.result(-1);
            }
            from += page.size();
        }
    }

    /**
     * The tokens of {@link #findEntries(String)} ({@link LedgerEntry#signed()}, EctStore). This
     * default decodes each token on every lookup: a ledger should keep the decoded tokens (as
     * {@link InMemoryLedger}, {@link FileLedger} and the PostgreSQL ledger do) and override it.
     */
    @Override
    default List<SignedEct> findByJti(String jti) {
        List<LedgerEntry> found = findEntries(jti);
        List<SignedEct> out = new ArrayList<>(found.size());
        for (LedgerEntry e : found) {
            out.add(e.signed());
        }
        return List.copyOf(out);
    }
}
