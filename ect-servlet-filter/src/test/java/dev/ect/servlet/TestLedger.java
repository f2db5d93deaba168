package dev.ect.servlet;

import dev.ect.core.Ect;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.LedgerEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A small list-backed ledger for the filter tests; {@link #failing()} makes every call fail. */
final class TestLedger implements AuditLedger {
    private final List<LedgerEntry> entries = new ArrayList<>();
    private final List<Ect> ects = new ArrayList<>();
    private volatile boolean failing;

    static TestLedger failing() {
        TestLedger l = new TestLedger();
        l.failing = true;
        return l;
    }

    @Override
    public synchronized LedgerEntry append(Ect ect, String compact) {
        if (failing) {
            throw new IllegalStateException("disk on fire");
        }
        for (Ect e : ects) {
            if (e.jti().equals(ect.jti()) && Objects.equals(e.wid(), ect.wid())) {
                throw new EctRejectedException(ReasonCode.DAG_DUPLICATE_JTI, "already recorded");
            }
        }
        String prev = entries.isEmpty() ? LedgerEntry.GENESIS_HASH : entries.get(entries.size() - 1).hash();
        LedgerEntry e = new LedgerEntry(entries.size() + 1, compact, ect.jti(), ect.wid(), ect.iss(), ect.execAct(),
                ect.pred(), Instant.now(), prev, Integer.toHexString(Objects.hash(prev, compact)));
        entries.add(e);
        ects.add(ect);
        return e;
    }

    @Override
    public synchronized List<Ect> findByJti(String jti) {
        if (failing) {
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "disk on fire");
        }
        List<Ect> out = new ArrayList<>();
        for (Ect e : ects) {
            if (e.jti().equals(jti)) {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public synchronized List<LedgerEntry> entries() { return List.copyOf(entries); }

    @Override
    public synchronized List<LedgerEntry> entries(long fromSeq, int limit) {
        return entries.stream().filter(e -> e.seq() >= fromSeq).limit(limit).toList();
    }

    @Override
    public synchronized List<LedgerEntry> findEntries(String jti) {
        return entries.stream().filter(e -> e.jti().equals(jti)).toList();
    }

    @Override
    public synchronized List<LedgerEntry> entriesOfWorkflow(String wid) {
        return entries.stream().filter(e -> Objects.equals(e.wid(), wid)).toList();
    }
}
