package dev.ect.core.support;

import dev.ect.core.Ect;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.LedgerEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal recording {@link AuditLedger} for verifier tests (the real ledgers live on the ledger
 * branch). Not hash-chained; records appends and can be told to fail.
 */
public final class TestLedger implements AuditLedger {
    public final List<Ect> appended = new ArrayList<>();
    public volatile boolean failing;

    @Override
    public synchronized LedgerEntry append(Ect ect, String compact) {
        if (failing) {
            throw new IllegalStateException("disk full");
        }
        appended.add(ect);
        return new LedgerEntry(appended.size(), compact, ect.jti(), ect.wid(), ect.iss(), ect.execAct(), ect.pred(),
                Instant.EPOCH, LedgerEntry.GENESIS_HASH, LedgerEntry.GENESIS_HASH);
    }

    @Override
    public synchronized List<Ect> findByJti(String jti) {
        List<Ect> out = new ArrayList<>();
        for (Ect e : appended) {
            if (e.jti().equals(jti)) {
                out.add(e);
            }
        }
        return out;
    }
}
