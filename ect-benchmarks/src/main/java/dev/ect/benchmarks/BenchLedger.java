package dev.ect.benchmarks;

import dev.ect.core.Ect;
import dev.ect.core.EctError;
import dev.ect.core.EctRejectedException;
import dev.ect.core.ReasonCode;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.LedgerEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory, hash-chained ledger with the costs an in-memory {@link AuditLedger} has (one
 * SHA-256 per entry over the previous hash and the compact token, an index by jti), used until
 * the ledger module's {@code InMemoryLedger} is available on this branch.
 */
final class BenchLedger implements AuditLedger {
    private final Map<String, List<Ect>> byJti = new ConcurrentHashMap<>();
    private final List<LedgerEntry> entries = new ArrayList<>();
    private String lastHash = LedgerEntry.GENESIS_HASH;

    @Override
    public List<Ect> findByJti(String jti) { return byJti.getOrDefault(jti, List.of()); }

    @Override
    public synchronized LedgerEntry append(Ect ect, String compact) {
        for (Ect e : findByJti(ect.jti())) {
            if (java.util.Objects.equals(e.wid(), ect.wid())) {
                throw new EctRejectedException(EctError.of(ReasonCode.DAG_DUPLICATE_JTI, "L-06", "duplicate"));
            }
        }
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        md.update(lastHash.getBytes(StandardCharsets.US_ASCII));
        md.update(compact.getBytes(StandardCharsets.US_ASCII));
        String hash = HexFormat.of().formatHex(md.digest());
        LedgerEntry entry = new LedgerEntry(entries.size() + 1, compact, ect.jti(), ect.wid(), ect.iss(), ect.execAct(),
                ect.pred(), Fixtures.CLOCK.instant(), lastHash, hash);
        entries.add(entry);
        lastHash = hash;
        byJti.computeIfAbsent(ect.jti(), k -> new ArrayList<>(1)).add(ect);
        return entry;
    }

    int size() { return entries.size(); }
}
