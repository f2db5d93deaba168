package dev.ect.core.support;

import dev.ect.core.Ect;
import dev.ect.core.SignedEct;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.LedgerEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A minimal recording {@link AuditLedger} for verifier tests: records appends and can be told to
 * fail. Not hash-chained (the real ledgers are InMemoryLedger and FileLedger).
 */
public final class TestLedger implements AuditLedger {
    public final List<Ect> appended = new ArrayList<>();
    private final List<SignedEct> tokens = new ArrayList<>();
    private final List<LedgerEntry> entries = new ArrayList<>();
    public volatile boolean failing;

    @Override
    public synchronized LedgerEntry append(SignedEct token) {
        if (failing) {
            throw new IllegalStateException("disk full");
        }
        Ect ect = token.ect();
        String compact = token.compact();
        appended.add(ect);
        tokens.add(token);
        LedgerEntry e = new LedgerEntry(appended.size(), compact, ect.jti(), ect.wid(), ect.iss(), ect.execAct(),
                ect.pred(), Instant.EPOCH, LedgerEntry.GENESIS_HASH, LedgerEntry.GENESIS_HASH);
        entries.add(e);
        return e;
    }

    @Override
    public synchronized List<LedgerEntry> entries(long fromSeq, int limit) {
        List<LedgerEntry> out = new ArrayList<>();
        for (LedgerEntry e : entries) {
            if (e.seq() >= fromSeq && out.size() < limit) {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public synchronized List<LedgerEntry> findEntries(String jti) {
        return entries.stream().filter(e -> e.jti().equals(jti)).toList();
    }

    @Override
    public synchronized List<LedgerEntry> entriesOfWorkflow(String wid) {
        return entries.stream().filter(e -> Objects.equals(e.wid(), wid)).toList();
    }

    @Override
    public synchronized List<SignedEct> findByJti(String jti) {
        List<SignedEct> out = new ArrayList<>();
        for (SignedEct e : tokens) {
            if (e.ect().jti().equals(jti)) {
                out.add(e);
            }
        }
        return out;
    }
}
