package dev.ect.cli;

import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.ledger.LedgerReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** An attacker with write access to a ledger file: changes entries and recomputes the whole hash chain. */
final class Tamper {
    private Tamper() {}

    static void rewrite(Path file, UnaryOperator<List<LedgerEntry>> change) throws IOException {
        List<LedgerEntry> entries = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            entries.add(LedgerReader.parseLine(line));
        }
        StringBuilder sb = new StringBuilder();
        String prev = LedgerEntry.GENESIS_HASH;
        long seq = 1;
        for (LedgerEntry e : change.apply(entries)) {
            LedgerEntry n = new LedgerEntry(seq, e.compact(), e.jti(), e.wid(), e.iss(), e.execAct(), e.pred(), e.recordedAt(), prev, "");
            n = new LedgerEntry(seq++, e.compact(), e.jti(), e.wid(), e.iss(), e.execAct(), e.pred(), e.recordedAt(), prev,
                    n.computeHash());
            prev = n.hash();
            sb.append(LedgerReader.line(n));
        }
        Files.writeString(file, sb.toString(), StandardCharsets.US_ASCII);
    }

    static LedgerEntry forgedSignature(LedgerEntry e) {
        String c = e.compact();
        return new LedgerEntry(e.seq(), c.substring(0, c.lastIndexOf('.') + 1) + "AAAA", e.jti(), e.wid(), e.iss(),
                e.execAct(), e.pred(), e.recordedAt(), e.prevHash(), e.hash());
    }
}
