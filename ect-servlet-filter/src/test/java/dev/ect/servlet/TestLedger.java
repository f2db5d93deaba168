package dev.ect.servlet;

import dev.ect.core.Ect;
import dev.ect.core.SignedEct;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.ledger.LedgerEntry;
import java.util.List;
import java.util.function.Predicate;

/** An {@link InMemoryLedger} whose appends fail (like a full disk) for the ECTs matching a predicate. */
final class TestLedger implements AuditLedger {
    private final InMemoryLedger delegate = new InMemoryLedger();
    private final Predicate<Ect> refuse;

    TestLedger(Predicate<Ect> refuse) { this.refuse = refuse; }

    /** A ledger that cannot append anything. */
    static TestLedger failing() { return new TestLedger(e -> true); }

    @Override
    public LedgerEntry append(SignedEct token) {
        if (refuse.test(token.ect())) {
            throw new IllegalStateException("disk on fire");
        }
        return delegate.append(token);
    }

    @Override
    public List<LedgerEntry> entries(long fromSeq, int limit) { return delegate.entries(fromSeq, limit); }

    @Override
    public List<LedgerEntry> findEntries(String jti) { return delegate.findEntries(jti); }

    @Override
    public List<LedgerEntry> entriesOfWorkflow(String wid) { return delegate.entriesOfWorkflow(wid); }
}
