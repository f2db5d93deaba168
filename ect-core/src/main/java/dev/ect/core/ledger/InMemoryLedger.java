package dev.ect.core.ledger;

import dev.ect.core.Ect;
import dev.ect.core.SignedEct;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The default audit ledger: hash-chained entries in memory (profile section 8), also the
 * {@link dev.ect.core.dag.EctStore} of the DAG rules. Thread-safe: appends are serialized, lookups
 * run in parallel. Nothing survives the process, so L-05 holds only in the sense that an entry is
 * complete and visible to every lookup before {@link #append} returns; use {@link FileLedger} (or a
 * database ledger) to keep an audit trail.
 *
 * <pre>{@code
 * InMemoryLedger ledger = new InMemoryLedger();
 * EctVerifier verifier = EctVerifier.builder().verifierId(me).keySource(keys).ledger(ledger).build();
 * }</pre>
 */
public final class InMemoryLedger implements AuditLedger {
    private final Clock clock;
    private final LedgerIndex index = new LedgerIndex();

    /** A ledger recording times from the system UTC clock. */
    public InMemoryLedger() { this(Clock.systemUTC()); }

    /** @param clock the clock of {@link LedgerEntry#recordedAt()} */
    public InMemoryLedger(Clock clock) { this.clock = Objects.requireNonNull(clock, "clock cannot be null"); }

    /**
     * Appends the ECT as the next entry (L-01, L-02).
     *
     * @throws dev.ect.core.EctRejectedException {@code dag_duplicate_jti} when ({@code iss},
     *     {@code wid}, {@code jti}) is already present (L-06; ids compared in lower case, P-01)
     */
    @Override
    public LedgerEntry append(SignedEct token) {
        Ect ect = Objects.requireNonNull(token, "token cannot be null").ect();
        Objects.requireNonNull(ect.jti(), "jti");
        synchronized (this) {
            if (index.contains(ect.iss(), ect.wid(), ect.jti())) {
                throw FileLedger.duplicate(ect);
            }
            LedgerEntry last = index.last();
            LedgerEntry e = LedgerEntry.create(last == null ? 1 : last.seq() + 1, token, clock.instant(),
                    last == null ? LedgerEntry.GENESIS_HASH : last.hash());
            index.add(e, token);
            return e;
        }
    }

    /** The number of entries. */
    public long size() { return index.size(); }

    @Override
    public List<LedgerEntry> entries(long fromSeq, int limit) { return index.entries(fromSeq, limit); }

    @Override
    public List<LedgerEntry> findEntries(String jti) { return index.findEntries(Objects.requireNonNull(jti, "jti")); }

    @Override
    public List<LedgerEntry> entriesOfWorkflow(String wid) { return index.ofWorkflow(wid); }

    @Override
    public Optional<LedgerEntry> findEntry(String wid, String jti) {
        return Optional.ofNullable(index.find(wid, Objects.requireNonNull(jti, "jti")));
    }

    @Override
    public Optional<LedgerEntry> findEntry(String iss, String wid, String jti) {
        return Optional.ofNullable(index.find(iss, wid, Objects.requireNonNull(jti, "jti")));
    }

    @Override
    public List<SignedEct> findByJti(String jti) { return index.findByJti(Objects.requireNonNull(jti, "jti")); }

    @Override
    public String toString() { return "InMemoryLedger{entries=" + index.size() + "}"; }
}
