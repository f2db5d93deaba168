package dev.ect.examples;

import dev.ect.core.Ect;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.LedgerEntry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** TEMPORARY stand-in until the ledger branch lands: in-memory, no real hash chain. */
final class DemoLedger implements AuditLedger, AutoCloseable {
    private final List<LedgerEntry> entries = new ArrayList<>();
    private final Map<String, Ect> byJti = new java.util.concurrent.ConcurrentHashMap<>();

    static DemoLedger open(Path file) { return new DemoLedger(); }

    @Override
    public synchronized LedgerEntry append(Ect ect, String compact) {
        LedgerEntry e = new LedgerEntry(entries.size() + 1, compact, ect.jti(), ect.wid(), ect.iss(), ect.execAct(), ect.pred(),
                Instant.now(), LedgerEntry.GENESIS_HASH, "x");
        entries.add(e);
        byJti.put(ect.jti(), ect);
        return e;
    }

    @Override
    public List<Ect> findByJti(String jti) {
        Ect e = byJti.get(jti);
        return e == null ? List.of() : List.of(e);
    }

    static synchronized List<LedgerEntry> entries(AuditLedger l) { return new ArrayList<>(((DemoLedger) l).entries); }

    record Chain(boolean valid, long entries, String detail) {}

    static Chain verifyChain(AuditLedger l, Path file) { return new Chain(true, entries(l).size(), ""); }

    static String dagText(AuditLedger l, String wid, Map<String, String> names) {
        StringBuilder b = new StringBuilder();
        for (LedgerEntry e : entries(l)) {
            b.append(e.jti(), 0, 8).append(' ').append(e.execAct()).append(" <- ").append(e.pred()).append('\n');
        }
        return b.toString();
    }

    static String mermaid(AuditLedger l, String wid, Map<String, String> names) { return "graph TD\n"; }

    static String dot(AuditLedger l, String wid, Map<String, String> names) { return "digraph { }\n"; }

    @Override
    public void close() {}
}
