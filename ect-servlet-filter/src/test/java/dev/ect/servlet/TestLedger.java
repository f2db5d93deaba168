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
    private final java.util.function.Predicate<Ect> refuse;

    TestLedger() { this(e -> false); }

    /** A ledger whose appends fail for the ECTs matching {@code refuse}. */
    TestLedger(java.util.function.Predicate<Ect> refuse) { this.refuse = refuse; }

    static TestLedger failing() {
        TestLedger l = new TestLedger();
        l.failing = true;
        return l;
    }

    @Override
    public synchronized LedgerEntry append(Ect ect, String compact) {
        if (failing || refuse.test(ect)) {
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

    synchronized List<LedgerEntry> entries() { return List.copyOf(entries); }
}
