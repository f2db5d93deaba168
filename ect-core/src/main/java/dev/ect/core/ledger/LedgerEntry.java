package dev.ect.core.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One audit ledger entry (profile L-02).
 *
 * @param seq the sequence number, from 1, without gaps
 * @param compact the compact ECT as it was verified
 * @param jti the ECT's jti
 * @param wid the ECT's wid, or null
 * @param iss the ECT's issuer
 * @param execAct the ECT's exec_act
 * @param pred the ECT's pred
 * @param recordedAt when the entry was recorded
 * @param prevHash the previous entry's hash (64 zeros for the first entry), lowercase hex
 * @param hash SHA-256 over {@code prevHash} and this entry's canonical bytes, lowercase hex
 */
public record LedgerEntry(long seq, String compact, String jti, String wid, String iss, String execAct,
        List<String> pred, Instant recordedAt, String prevHash, String hash) {
    /** The {@code prevHash} of the first entry. */
    public static final String GENESIS_HASH = "0".repeat(64);

    public LedgerEntry {
        Objects.requireNonNull(compact, "compact");
        Objects.requireNonNull(jti, "jti");
        pred = List.copyOf(pred);
        Objects.requireNonNull(recordedAt, "recordedAt");
        Objects.requireNonNull(prevHash, "prevHash");
    }

    @Override
    public String toString() {
        return "LedgerEntry{seq=" + seq + ", jti=" + jti + ", wid=" + wid + ", iss=" + iss + ", exec_act=" + execAct
                + ", pred=" + pred + ", hash=" + hash + "}";
    }
}
