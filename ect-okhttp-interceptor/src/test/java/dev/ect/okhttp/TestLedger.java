package dev.ect.okhttp;

import dev.ect.core.Ect;
import dev.ect.core.EctRejectedException;
import dev.ect.core.ReasonCode;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.LedgerEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/** A minimal hash-chained in-memory ledger for the end-to-end tests (stand-in until the ledger module lands). */
final class TestLedger implements AuditLedger {
    private final List<LedgerEntry> entries = new ArrayList<>();
    private final List<Ect> ects = new ArrayList<>();

    @Override
    public synchronized LedgerEntry append(Ect ect, String compact) {
        for (Ect e : ects) {
            if (e.jti().equals(ect.jti()) && Objects.equals(e.wid(), ect.wid())) {
                throw new EctRejectedException(ReasonCode.DAG_DUPLICATE_JTI, "jti " + ect.jti() + " is already in the ledger");
            }
        }
        String prev = entries.isEmpty() ? LedgerEntry.GENESIS_HASH : entries.get(entries.size() - 1).hash();
        long seq = entries.size() + 1;
        LedgerEntry entry = new LedgerEntry(seq, compact, ect.jti(), ect.wid(), ect.iss(), ect.execAct(), ect.pred(),
                Instant.now(), prev, hash(prev, seq, compact));
        entries.add(entry);
        ects.add(ect);
        return entry;
    }

    @Override
    public synchronized List<Ect> findByJti(String jti) {
        return ects.stream().filter(e -> e.jti().equals(jti)).toList();
    }

    synchronized List<LedgerEntry> entries(String wid) {
        return entries.stream().filter(e -> Objects.equals(e.wid(), wid)).toList();
    }

    /** L-04: walks the chain; returns the first broken sequence number, or -1. */
    synchronized long verifyChain() {
        String prev = LedgerEntry.GENESIS_HASH;
        for (LedgerEntry e : entries) {
            if (!e.prevHash().equals(prev) || !e.hash().equals(hash(prev, e.seq(), e.compact()))) {
                return e.seq();
            }
            prev = e.hash();
        }
        return -1;
    }

    private static String hash(String prev, long seq, String compact) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(prev.getBytes(StandardCharsets.US_ASCII));
            md.update(Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
            md.update(compact.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    synchronized List<LedgerEntry> all() { return new ArrayList<>(entries); }
}
