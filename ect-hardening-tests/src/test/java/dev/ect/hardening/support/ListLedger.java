package dev.ect.hardening.support;

import dev.ect.core.Ect;
import dev.ect.core.EctError;
import dev.ect.core.EctRejectedException;
import dev.ect.core.ReasonCode;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.LedgerEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** TEMPORARY stand-in until the ledger branch's InMemoryLedger is merged. */
public final class ListLedger implements AuditLedger {
    private final List<Ect> ects = new ArrayList<>();
    private final List<LedgerEntry> entries = new ArrayList<>();

    @Override
    public synchronized LedgerEntry append(Ect ect, String compact) {
        for (Ect e : ects) {
            if (e.jti().equals(ect.jti()) && Objects.equals(e.wid(), ect.wid())) {
                throw new EctRejectedException(EctError.of(ReasonCode.DAG_DUPLICATE_JTI, "L-06", "duplicate"));
            }
        }
        ects.add(ect);
        LedgerEntry le = new LedgerEntry(entries.size() + 1, compact, ect.jti(), ect.wid(), ect.iss(), ect.execAct(),
                ect.pred(), Instant.now(), LedgerEntry.GENESIS_HASH, LedgerEntry.GENESIS_HASH);
        entries.add(le);
        return le;
    }

    @Override
    public synchronized List<Ect> findByJti(String jti) {
        List<Ect> out = new ArrayList<>();
        for (Ect e : ects) {
            if (e.jti().equals(jti)) {
                out.add(e);
            }
        }
        return out;
    }

    public synchronized int size() { return entries.size(); }
}
