package dev.ect.core.ledger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What an attacker with write access to a ledger file can do: read its entries, change them and
 * write a file whose hash chain is recomputed, so the chain check alone (L-04) finds nothing.
 */
public final class LedgerTampering {
    private LedgerTampering() {}

    public static List<LedgerEntry> read(Path file) throws IOException {
        List<LedgerEntry> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            out.add(LedgerReader.parseLine(line));
        }
        return out;
    }

    /** Renumbers the entries from 1 and recomputes every prev_hash and hash. */
    public static List<LedgerEntry> rechain(List<LedgerEntry> entries) {
        List<LedgerEntry> out = new ArrayList<>();
        String prev = LedgerEntry.GENESIS_HASH;
        long seq = 1;
        for (LedgerEntry e : entries) {
            LedgerEntry n = new LedgerEntry(seq++, e.compact(), e.jti(), e.wid(), e.iss(), e.execAct(), e.pred(),
                    e.recordedAt(), prev, "");
            n = n.withHash(n.computeHash());
            prev = n.hash();
            out.add(n);
        }
        return out;
    }

    /** The entry with another compact token (its other fields as they are). */
    public static LedgerEntry withCompact(LedgerEntry e, String compact) {
        return new LedgerEntry(e.seq(), compact, e.jti(), e.wid(), e.iss(), e.execAct(), e.pred(), e.recordedAt(),
                e.prevHash(), e.hash());
    }

    /** The compact token with its signature replaced by {@code AAAA}. */
    public static String forgedSignature(String compact) {
        return compact.substring(0, compact.lastIndexOf('.') + 1) + "AAAA";
    }

    public static void write(Path file, List<LedgerEntry> entries) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (LedgerEntry e : entries) {
            sb.append(LedgerReader.line(e));
        }
        Files.writeString(file, sb.toString(), StandardCharsets.US_ASCII);
    }

    /** Reads, changes, re-chains and writes the file. */
    public static void rewrite(Path file, UnaryOperator<List<LedgerEntry>> change) throws IOException {
        write(file, rechain(change.apply(new ArrayList<>(read(file)))));
    }
}
