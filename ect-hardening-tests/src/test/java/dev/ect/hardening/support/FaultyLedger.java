package dev.ect.hardening.support;

import dev.ect.core.SignedEct;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.ledger.LedgerEntry;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A real {@link InMemoryLedger} whose appends fail while a fault is set: the fault supplies the
 * exception to throw (or null to append normally). Reads always work.
 */
public final class FaultyLedger implements AuditLedger {
    private final InMemoryLedger real;
    private volatile Supplier<RuntimeException> fault;

    public FaultyLedger(InMemoryLedger real) { this.real = real; }

    /** Appends throw what {@code f} supplies from now on; null heals the ledger. */
    public void fault(Supplier<RuntimeException> f) { fault = f; }

    public InMemoryLedger real() { return real; }

    @Override
    public LedgerEntry append(SignedEct token) {
        Supplier<RuntimeException> f = fault;
        if (f != null) {
            throw f.get();
        }
        return real.append(token);
    }

    @Override
    public List<LedgerEntry> entries(long fromSeq, int limit) { return real.entries(fromSeq, limit); }

    @Override
    public List<LedgerEntry> findEntries(String jti) { return real.findEntries(jti); }

    @Override
    public List<LedgerEntry> entriesOfWorkflow(String wid) { return real.entriesOfWorkflow(wid); }

    @Override
    public Optional<LedgerEntry> findEntry(String wid, String jti) { return real.findEntry(wid, jti); }

    @Override
    public List<SignedEct> findByJti(String jti) { return real.findByJti(jti); }
}
